"""Forms of the account pages. They parse input; the services in this app decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from licentia.accounts.models import SignInStage
from licentia.accounts.signin import LockedOut, ensure_not_locked, record_failure


class SignInForm(AuthenticationForm):
    """User name and password, refused while the account or the address is locked out."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.address: str | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        try:
            ensure_not_locked(username=username, address=self.address)
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                lockout = record_failure(
                    username=username, address=self.address, stage=SignInStage.PASSWORD
                )
                if lockout is None:
                    raise self.get_invalid_login_error()
                ensure_not_locked(username=username, address=self.address)
        except LockedOut as error:
            raise forms.ValidationError(error.message, code="locked_out") from None
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows, or a recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        help_text="Add the key to your app, then enter the 6-digit code it shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “ERP export module”."
    )
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, initial=90, help_text="It stops working after."
    )
