"""Forms of the product catalogue pages. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from licentia.controls.model import Regime
from licentia.products.models import NOT_LISTED

MAX_QUESTIONS = 20
MAX_QUESTION_LENGTH = 500


class ProductForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the item is and what it does, in technical terms.",
    )
    internal_reference = forms.CharField(
        max_length=100, required=False, help_text="Optional: your part number or SKU."
    )


class ClassificationRecordForm(forms.Form):
    """The classification an exporter chose, with the answers to the candidate's questions.

    Each question travels as a hidden field beside its answer field, so the answers are stored
    under the wording the exporter saw.
    """

    regime = forms.ChoiceField(
        label="Control list", choices=[(r.value, r.description) for r in Regime]
    )
    entry_path = forms.CharField(
        label="Control entry",
        max_length=40,
        help_text=f"An entry path such as 5A001.f.2, or {NOT_LISTED}.",
    )
    rationale = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this entry applies (or why none does): the facts and the notes relied on.",
    )

    def __init__(self, *args: Any, questions: tuple[str, ...] | list[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = [q[:MAX_QUESTION_LENGTH] for q in questions][:MAX_QUESTIONS]
        for number, question in enumerate(self.questions):
            self.fields[f"question_{number}"] = forms.CharField(
                widget=forms.HiddenInput, initial=question, required=False
            )
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question, max_length=2000, required=False
            )

    @staticmethod
    def questions_in(data: QueryDict) -> list[str]:
        """The questions a submitted form carried, in order."""
        found = []
        for number in range(MAX_QUESTIONS):
            question = data.get(f"question_{number}", "").strip()
            if not question:
                break
            found.append(question)
        return found

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{number}"] for number in range(len(self.questions))]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"question_{number}"] for number in range(len(self.questions))]

    def answers(self) -> dict[str, str]:
        return {
            question: self.cleaned_data.get(f"answer_{number}", "").strip()
            for number, question in enumerate(self.questions)
        }
