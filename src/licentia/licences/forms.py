"""Forms of the licence pages: they read input; the rules are in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from licentia.applications.models import ApplicationKind
from licentia.licences.models import Licence
from licentia.licences.services import LineUsage
from licentia.licences.states import LicenceState
from licentia.reference.countries import country

_REASON = forms.CharField(
    widget=forms.Textarea(attrs={"rows": 3}),
    max_length=5000,
    help_text="Recorded in the audit log and shown to the holder.",
)


class ShipmentForm(forms.Form):
    line = forms.TypedChoiceField(coerce=int, label="Licence line")
    quantity = forms.DecimalField(min_value=Decimal("0.001"), max_digits=14, decimal_places=3)
    value_eur = forms.DecimalField(
        label="Value (EUR)", min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    shipped_on = forms.DateField(
        label="Date of export", widget=forms.DateInput(attrs={"type": "date"})
    )
    destination = forms.ChoiceField()
    consignee = forms.CharField(max_length=300)
    customs_reference = forms.CharField(
        max_length=60,
        required=False,
        help_text="The export declaration's reference (MRN), if you have it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, licence: Licence, usage: list[LineUsage], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (
                u.line.position,
                f"{u.line.position}: {u.line.description[:60]} "
                f"({u.remaining_quantity.normalize():f} {u.line.unit}, "
                f"EUR {u.remaining_value} left)",
            )
            for u in usage
            if not u.used_up
        ]
        self.fields["destination"].choices = [
            (code, _country_name(code)) for code in licence.destinations
        ]
        self.initial.setdefault("version", licence.version)


class ReasonForm(forms.Form):
    """Suspend, reinstate, annul or revoke: a reason is required."""

    reason = _REASON
    criteria = forms.CharField(
        required=False,
        max_length=200,
        help_text="Criterion codes relied on, separated by spaces (e.g. cp-2 art15-1-d).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SurrenderForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AmendForm(forms.Form):
    conditions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    substantial_limitation = forms.BooleanField(
        required=False,
        help_text="Tick when the amendment substantially limits the licence: it is then "
        "recorded for the other Member States (Art 16(2)).",
    )
    reason = _REASON
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, licence: Licence, usage: list[LineUsage], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("conditions", licence.conditions)
        self.initial.setdefault("valid_until", licence.valid_until)
        self.initial.setdefault("version", licence.version)
        for u in usage:
            line = u.line
            self.fields[f"line_{line.position}_quantity"] = forms.DecimalField(
                label=f"Line {line.position}: quantity ({line.unit})",
                max_digits=14,
                decimal_places=3,
                initial=line.quantity,
                help_text=f"Shipped so far: {u.used_quantity.normalize():f}",
            )
            self.fields[f"line_{line.position}_value"] = forms.DecimalField(
                label=f"Line {line.position}: value (EUR)",
                max_digits=16,
                decimal_places=2,
                initial=line.value_eur,
                help_text=f"Shipped so far: EUR {u.used_value}",
            )
        self.positions = [u.line.position for u in usage]


class VerifyForm(forms.Form):
    number = forms.CharField(label="Licence number", max_length=40)
    code = forms.CharField(
        label="Verification code",
        max_length=20,
        help_text="As printed on the licence, e.g. ACDE-FGHJ-KMNP.",
    )


class LicenceFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any state"), *[(s.value, s.value.capitalize()) for s in LicenceState]],
    )
    q = forms.CharField(label="Number or holder", required=False, max_length=100)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ApplicationKind.choices])


def _country_name(code: str) -> str:
    return f"{country(code).name} ({code})"
