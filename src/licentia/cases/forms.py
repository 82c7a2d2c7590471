"""Forms of the authority console: what an officer types, checked before the services."""

from __future__ import annotations

from typing import Any

from django import forms

from licentia.cases.models import Criterion, Finding, Outcome
from licentia.cases.services import MAX_TEXT, QueueFilter
from licentia.cases.states import CaseState
from licentia.risk.config import Rating

_TEXT = {"rows": 4}


class QueueForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any state"), *((s.value, s.value.replace("-", " ")) for s in CaseState)],
    )
    assigned = forms.ChoiceField(
        required=False,
        label="Assigned",
        choices=[("", "Anyone or nobody"), ("me", "To me"), ("unassigned", "Unassigned")],
    )
    destination = forms.CharField(
        required=False, max_length=2, help_text="Two-letter country code, e.g. AE"
    )
    category = forms.ChoiceField(
        required=False,
        label="Annex I category",
        choices=[("", "Any category"), *((str(n), f"Category {n}") for n in range(10))],
    )
    cyber_surveillance = forms.ChoiceField(
        required=False,
        label="Cyber-surveillance items",
        choices=[("", "With or without"), ("yes", "Only with"), ("no", "Only without")],
    )
    risk_rating = forms.ChoiceField(
        required=False,
        label="Human-rights risk",
        choices=[("", "Any rating"), *((r.value, r.label) for r in Rating)],
    )
    older_than_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label="Open for at least (days)"
    )

    def queue_filter(self) -> QueueFilter:
        data: dict[str, Any] = self.cleaned_data
        cyber = {"yes": True, "no": False}.get(data.get("cyber_surveillance") or "")
        return QueueFilter(
            state=data.get("state") or "",
            assigned=data.get("assigned") or "",
            destination=(data.get("destination") or "").upper(),
            category=data.get("category") or "",
            cyber_surveillance=cyber,
            risk_rating=data.get("risk_rating") or "",
            older_than_days=data.get("older_than_days"),
        )


class VersionForm(forms.Form):
    """Carries the case version the officer read: a change meanwhile is a conflict (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AssignForm(VersionForm):
    assigned_to = forms.ChoiceField(label="Assign to")

    def __init__(self, *args: Any, officers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = officers


class QuestionForm(VersionForm):
    question = forms.CharField(
        label="Question to the exporter",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs=_TEXT),
        help_text="The exporter is notified; the case clock pauses until the answer.",
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Internal note",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs=_TEXT),
        help_text="Seen only by the authority.",
    )


class AssessmentForm(forms.Form):
    criterion = forms.ChoiceField(label="Criterion")
    finding = forms.ChoiceField(label="Finding", choices=Finding.choices)
    reasoning = forms.CharField(
        label="Reasoning", max_length=MAX_TEXT, widget=forms.Textarea(attrs=_TEXT)
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.value, c.label) for c in criteria]


class RecommendationForm(VersionForm):
    outcome = forms.ChoiceField(
        label="Recommendation", choices=Outcome.choices, widget=forms.RadioSelect
    )
    reasoning = forms.CharField(
        label="Reasoning", max_length=MAX_TEXT, widget=forms.Textarea(attrs=_TEXT)
    )
    conditions = forms.CharField(
        label="Licence conditions (grant)",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    validity_months = forms.IntegerField(
        label="Validity in months (grant)",
        required=False,
        min_value=1,
        max_value=48,
        help_text="Up to 24 months; up to 48 for a large project (Art 12(4)).",
    )
    refusal_criteria = forms.MultipleChoiceField(
        label="Criteria the refusal rests on (refusal)",
        required=False,
        choices=Criterion.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class CommentForm(VersionForm):
    comment = forms.CharField(
        label="Comment", required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs=_TEXT)
    )
