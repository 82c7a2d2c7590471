"""Forms of the exporter's pages. They parse input; the services decide.

Every form that changes a draft carries the `version` of the draft the exporter saw, so a
change made meanwhile by a colleague is reported instead of overwritten.
"""

from __future__ import annotations

from typing import Any

from django import forms

from licentia.applications.models import ApplicationKind, DocumentKind
from licentia.applications.registrations import general_authorisation_choices
from licentia.applications.services import MAX_VALIDITY_MONTHS
from licentia.rules.model import Activity, Concern, PartyRole, PartyType, Purpose


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.description) for member in enum]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DraftCreateForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of authorisation", choices=ApplicationKind.choices)
    title = forms.CharField(
        max_length=200, help_text="A name you will recognise, e.g. the customer and the project."
    )
    goods_located_in = forms.CharField(
        label="Member State where the items are",
        max_length=3,
        required=False,
        help_text="Only if your organisation is not established in the EU (Art 12(2)).",
    )


class HeaderForm(VersionedForm):
    kind = forms.ChoiceField(label="Kind of authorisation", choices=ApplicationKind.choices)
    title = forms.CharField(max_length=200)
    activity = forms.ChoiceField(choices=_choices(Activity))
    destinations = forms.CharField(
        label="Countries of destination",
        max_length=500,
        required=False,
        help_text="ISO codes separated by commas or spaces, e.g. BR, IN.",
    )
    end_use = forms.CharField(
        label="End use",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the end user will do with the items, and where.",
    )
    purpose = forms.ChoiceField(choices=_choices(Purpose))
    informed = forms.MultipleChoiceField(
        label="The authority informed you that the items are or may be intended for",
        choices=_choices(Concern),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    aware = forms.MultipleChoiceField(
        label="You are aware that the items are intended for",
        choices=_choices(Concern),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    internal_compliance_programme = forms.BooleanField(
        label="We run an internal compliance programme (needed for a global authorisation)",
        required=False,
    )
    large_project = forms.CharField(
        label="Large project name",
        max_length=300,
        required=False,
        help_text="For a large project authorisation only.",
    )
    requested_validity_months = forms.IntegerField(
        label="Validity requested, in months",
        required=False,
        min_value=1,
        max_value=max(MAX_VALIDITY_MONTHS.values()),
        help_text="Up to 24 months; up to 48 for a large project.",
    )

    def clean_destinations(self) -> list[str]:
        raw: str = self.cleaned_data.get("destinations", "")
        return [code for code in raw.replace(",", " ").split() if code]


class GoodsLineForm(VersionedForm):
    product = forms.TypedChoiceField(
        label="Product from your catalogue",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Its description and classification are copied; or describe the item below.",
    )
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    control_entry = forms.CharField(
        label="Control entry",
        max_length=40,
        required=False,
        help_text="The Annex I entry, e.g. 5A001.j; empty for a non-listed item.",
    )
    cyber_surveillance = forms.BooleanField(
        label="A non-listed cyber-surveillance item (Art 2(20))", required=False
    )
    quantity = forms.DecimalField()
    unit = forms.CharField(max_length=20, initial="units")
    value_eur = forms.DecimalField(label="Value in EUR")

    def __init__(self, *args: Any, products: list[tuple[int, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "— describe the item instead —"), *products]  # type: ignore[attr-defined]


class ApplicationPartyForm(VersionedForm):
    role = forms.ChoiceField(choices=_choices(PartyRole))
    party = forms.TypedChoiceField(
        label="One of your parties",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Copied as it is now; or enter the party below.",
    )
    name = forms.CharField(max_length=300, required=False)
    country = forms.CharField(max_length=3, required=False, help_text="ISO code, e.g. BR.")
    type = forms.ChoiceField(choices=[("", "—"), *_choices(PartyType)], required=False)
    address = forms.CharField(max_length=2000, required=False, widget=forms.Textarea({"rows": 2}))
    intra_group = forms.BooleanField(label="Part of our own group", required=False)

    def __init__(self, *args: Any, parties: list[tuple[int, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", "— enter the party instead —"), *parties]  # type: ignore[attr-defined]


class DocumentForm(VersionedForm):
    kind = forms.ChoiceField(
        choices=[
            (DocumentKind.END_USE_STATEMENT.value, DocumentKind.END_USE_STATEMENT.label),
            (DocumentKind.SUPPORTING.value, DocumentKind.SUPPORTING.label),
        ]
    )
    file = forms.FileField(
        help_text="PDF, PNG or JPEG (plain text or CSV for supporting documents), at most 10 MB."
    )


class RemoveForm(VersionedForm):
    item = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(VersionedForm):
    reason = forms.CharField(max_length=2000, required=False, widget=forms.Textarea({"rows": 2}))


class InformationForm(VersionedForm):
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(
        label="A document with the answer (optional)",
        required=False,
        help_text="PDF, PNG, JPEG or plain text, at most 10 MB.",
    )


class AppealForm(VersionedForm):
    grounds = forms.CharField(label="Grounds of appeal", widget=forms.Textarea(attrs={"rows": 6}))


class PartyForm(forms.Form):
    name = forms.CharField(max_length=300)
    type = forms.ChoiceField(choices=_choices(PartyType))
    country = forms.CharField(max_length=3, help_text="ISO code, e.g. BR.")
    address = forms.CharField(max_length=2000, required=False, widget=forms.Textarea({"rows": 3}))
    website = forms.CharField(max_length=200, required=False)
    identifiers = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text="Registration or tax numbers, one a line.",
    )

    def clean_identifiers(self) -> list[str]:
        return [i.strip() for i in self.cleaned_data.get("identifiers", "").splitlines()]


class RegistrationForm(forms.Form):
    code = forms.ChoiceField(label="Union general export authorisation", choices=())
    first_use_on = forms.DateField(
        label="Date of first use (if already used)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = general_authorisation_choices()  # type: ignore[attr-defined]


class UsageReportForm(forms.Form):
    period_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    lines = forms.CharField(
        label="Exports in the period",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "One export a line: item; control entry; quantity; value in EUR; consignee; "
            "destination. Leave empty for a nil report."
        ),
    )

    def clean_lines(self) -> list[dict[str, str]]:
        keys = ("item", "entry", "quantity", "value_eur", "consignee", "destination")
        parsed = []
        for number, row in enumerate(self.cleaned_data.get("lines", "").splitlines(), start=1):
            if not row.strip():
                continue
            cells = [cell.strip() for cell in row.split(";")]
            if len(cells) != len(keys):
                raise forms.ValidationError(
                    f"line {number} has {len(cells)} parts; give 6, separated by semicolons"
                )
            parsed.append(dict(zip(keys, cells, strict=True)))
        return parsed
