"""The coordination console's forms: each cleans what one service call takes."""

from __future__ import annotations

from typing import Any

from django import forms

from licentia.cases.models import RestrictiveKind
from licentia.coordination.models import CatchAllBasis, ConsultationKind, ReplyOutcome
from licentia.coordination.states import DenialState
from licentia.errors import InvalidInput

TEXT = forms.Textarea(attrs={"rows": 4})


class DenialReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            ("renew", "Renew for another 3 years"),
            ("revoke", "Revoke: no longer valid"),
            ("amend", "Amend the reasoning"),
        ],
        widget=forms.RadioSelect,
        label="Result of the review (Art 16(3))",
    )
    reason = forms.CharField(widget=TEXT, max_length=20_000, label="Why")
    reasoning = forms.CharField(
        widget=TEXT,
        max_length=20_000,
        required=False,
        label="New reasoning (amend only)",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConsultationForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=ConsultationKind.choices, label="Kind of consultation")
    consulted_member_state = forms.CharField(
        min_length=2, max_length=2, label="Consulted Member State (ISO code, e.g. FR)"
    )
    question = forms.CharField(widget=TEXT, max_length=20_000)
    denials = forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        help_text="Denial notice ids, comma separated (Art 16(5))",
    )

    def clean_consulted_member_state(self) -> str:
        return str(self.cleaned_data["consulted_member_state"]).upper()

    def clean_denials(self) -> list[int]:
        raw = str(self.cleaned_data.get("denials") or "")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("denial notice ids are numbers") from None


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(choices=ReplyOutcome.choices, widget=forms.RadioSelect)
    reply = forms.CharField(widget=TEXT, max_length=20_000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExtendForm(forms.Form):
    working_days = forms.IntegerField(min_value=1, max_value=30, label="More working days")
    reason = forms.CharField(widget=TEXT, max_length=20_000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=TEXT, max_length=20_000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CatchAllForm(forms.Form):
    basis = forms.ChoiceField(choices=CatchAllBasis.choices)
    item = forms.CharField(max_length=2_000, label="Non-listed item (description)")
    cyber_surveillance = forms.BooleanField(required=False, label="Cyber-surveillance item")
    end_user = forms.CharField(max_length=300, label="End user")
    end_user_country = forms.CharField(min_length=2, max_length=2, label="End user's country")
    destinations = forms.CharField(max_length=200, help_text="ISO codes, comma separated")
    reasoning = forms.CharField(widget=TEXT, max_length=20_000)

    def clean_destinations(self) -> list[str]:
        raw = str(self.cleaned_data["destinations"])
        return sorted({p.strip().upper() for p in raw.split(",") if p.strip()})


class CatchAllReviewForm(forms.Form):
    agree = forms.TypedChoiceField(
        choices=[
            ("yes", "Agree: the requirement should apply to essentially identical transactions"),
            ("no", "Do not agree"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Your Member State's review (Art 5(5)-(6))",
    )
    comment = forms.CharField(widget=TEXT, max_length=20_000, required=False)


class AnalyticsForm(forms.Form):
    destination = forms.CharField(max_length=2, required=False)
    category = forms.CharField(max_length=12, required=False, help_text="0-9 or 'not listed'")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DenialFilterForm(forms.Form):
    """The register's filters, as typed; `queries.denials` checks what they mean (a known
    country, a Member State, dates in order) and names the field it refuses."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="End user or consignee",
        help_text="Part of the name, any case",
    )
    scope = forms.ChoiceField(
        required=False,
        label="Issued by",
        choices=[
            ("all", "Every Member State"),
            ("mine", "My Member State"),
            ("others", "Other Member States"),
        ],
    )
    member_state = forms.CharField(
        required=False, max_length=3, label="Issuing Member State", help_text="e.g. FR"
    )
    destination = forms.CharField(
        required=False, max_length=3, help_text="Two-letter country code, e.g. AE"
    )
    entry = forms.CharField(
        required=False,
        max_length=40,
        label="Control entry",
        help_text="5A001 also finds 5A001.j and 5A001.j.1",
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *RestrictiveKind.choices])
    state = forms.ChoiceField(
        required=False, choices=[("", "Any state"), *((s.value, s.value) for s in DenialState)]
    )
    notified_since = forms.DateField(
        required=False, label="Notified since", widget=forms.DateInput(attrs={"type": "date"})
    )
    notified_until = forms.DateField(
        required=False, label="Notified until", widget=forms.DateInput(attrs={"type": "date"})
    )

    def refuse(self, error: InvalidInput) -> None:
        """Show what `queries.denials` refused at the field it names, the form kept."""
        field = str(error.details.get("field"))
        if field in self.fields:
            self.add_error(field, error.message.removeprefix(f"{field}: "))
        else:
            self.add_error(None, error.message)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of `queries.denials`."""
        data: dict[str, Any] = self.cleaned_data
        return {
            "scope": data.get("scope") or "all",
            "state": data.get("state") or "",
            "member_state": data.get("member_state") or "",
            "destination": data.get("destination") or "",
            "entry": data.get("entry") or "",
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "notified_since": data.get("notified_since"),
            "notified_until": data.get("notified_until"),
        }
