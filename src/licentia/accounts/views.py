"""Account pages: sign-in with lockout, the second factor, the security overview, API tokens."""

from __future__ import annotations

import ipaddress
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from licentia.accounts import mfa, signin, tokens
from licentia.accounts.forms import CodeForm, EnrolForm, SignInForm, TokenForm
from licentia.controllists.views import shows_errors
from licentia.errors import Conflict, InvalidInput, LicentiaError


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: the connection's, or the one the trusted proxies forwarded."""
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = int(settings.LICENTIA_TRUSTED_PROXIES)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _show_error(form: Form, error: LicentiaError) -> None:
    field = error.details.get("field")
    form.add_error(str(field) if field in form.fields else None, error.message)


class SignInView(auth_views.LoginView):
    form_class = SignInForm

    def get_form(self, form_class: Any = None) -> SignInForm:
        form: SignInForm = super().get_form(form_class)
        form.address = client_address(self.request)
        return form

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        # A new sign-in owes the second factor again, even by the same user in the same browser.
        mfa.forget(self.request.session)
        auth_login(self.request, user)
        if mfa.pending(self.request.session, user):
            target = "accounts:mfa-verify" if mfa.is_enrolled(user) else "accounts:mfa-enrol"
            return HttpResponseRedirect(
                f"{reverse(target)}?{urlencode({'next': self.get_success_url()})}"
            )
        signin.record_success(user=user, address=form.address, second_factor=False)
        return HttpResponseRedirect(self.get_success_url())


def _passed(request: HttpRequest, user: AbstractBaseUser) -> None:
    """The second factor is done: a fresh session key, so a key seen before it is worthless."""
    request.session.cycle_key()
    mfa.mark_passed(request.session, user)
    signin.record_success(user=user, address=client_address(request), second_factor=True)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    if mfa.passed(request.session, user) or not mfa.pending(request.session, user):
        return redirect(_next_url(request))
    if not mfa.is_enrolled(user):
        return redirect(
            f"{reverse('accounts:mfa-enrol')}?{urlencode({'next': _next_url(request)})}"
        )
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                used_recovery = mfa.verify(
                    user=user, code=form.cleaned_data["code"], address=client_address(request)
                )
            except (InvalidInput, signin.LockedOut) as error:
                _show_error(form, error)
                status = error.status
            else:
                _passed(request, user)
                if used_recovery:
                    left = mfa.recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You signed in with a recovery code; {left} left. If your "
                        "authenticator is lost, make new recovery codes on the security page.",
                    )
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    try:
        device = mfa.begin_enrolment(user=user)
    except Conflict as error:
        if mfa.pending(request.session, user):
            return redirect(
                f"{reverse('accounts:mfa-verify')}?{urlencode({'next': _next_url(request)})}"
            )
        messages.info(request, error.message)
        return redirect("accounts:security")
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                codes = mfa.confirm_enrolment(user=user, code=form.cleaned_data["code"])
            except (InvalidInput, Conflict) as error:
                _show_error(form, error)
                status = error.status
            else:
                _passed(request, user)
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": _next_url(request), "enrolled": True},
                )
    uri = mfa.provisioning_uri(device)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
            "uri": uri,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
            "required": mfa.required_for(user),
            "next": _next_url(request),
        },
        status=status,
    )


@never_cache
@login_required
@require_POST
@shows_errors
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = mfa.renew_recovery_codes(user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:security"), "enrolled": False},
    )


@login_required
@require_POST
@shows_errors
def mfa_remove(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    mfa.remove(user=user, by=user, reason="removed by the user")
    mfa.forget(request.session)
    messages.success(request, "Your authenticator app was removed.")
    return redirect("accounts:security")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": mfa.is_enrolled(user),
            "required": mfa.required_for(user),
            "codes_left": mfa.recovery_codes_left(user),
            "token_count": tokens.tokens_of(user).filter(revoked_at__isnull=True).count(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None, initial={"days": min(90, tokens.max_days(user))})
    status = 200
    created = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                token, text = tokens.create_token(user=user, **form.cleaned_data)
            except InvalidInput as error:
                _show_error(form, error)
                status = error.status
            else:
                created = {"token": token, "text": text}
                form = TokenForm(initial={"days": min(90, tokens.max_days(user))})
                status = 201
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": tokens.tokens_of(user),
            "max_days": tokens.max_days(user),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
@shows_errors
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = tokens.revoke_token(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(request, f"The token “{token.name}” was revoked; it no longer works.")
    return redirect("accounts:tokens")


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin signs in through the same page, lockout and second factor as the rest."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
