"""Cases: what the authority holds about an application and does with it.

Nothing here is ever shown to the exporter except through the decision and its licence;
the access rules in `licentia.accounts.access` enforce that.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from licentia.accounts.models import Organisation
from licentia.applications.models import Application
from licentia.cases.states import CASE, CaseState


class Case(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="case")
    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(
        max_length=32,
        choices=[(s.value, s.description) for s in CaseState],
        default=CASE.initial.value,
    )
    version = models.PositiveIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    # The processing clock: time spent waiting for the exporter does not count.
    clock_paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(default=0)
    needs_countersignature = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=0)
    # Copied from the latest dossier so the queue can filter without reading JSON.
    risk_rating = models.CharField(
        max_length=20, blank=True, help_text="Highest human-rights risk rating of the dossier"
    )
    cyber_surveillance = models.BooleanField(
        default=False, help_text="A goods line is a listed or non-listed cyber-surveillance item"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-priority", "opened_at", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["authority", "state", "opened_at"]),
            models.Index(fields=["assigned_to", "state"]),
            models.Index(fields=["authority", "risk_rating"]),
            # The queue's order (Meta.ordering) within one authority: the first page reads 50
            # index entries instead of sorting every case of the authority.
            models.Index(fields=["authority", "-priority", "opened_at", "id"], name="case_queue"),
        ]

    def __str__(self) -> str:
        return f"case {self.application}"

    @property
    def status(self) -> CaseState:
        return CaseState(self.state)


class DossierVersion(models.Model):
    """The automatic checks of a case at one moment: kept, never overwritten."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dossiers")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    trigger = models.CharField(max_length=60, help_text="submission, on demand, list update...")
    determination = models.JSONField(default=dict)
    screening = models.JSONField(default=dict)
    risk = models.JSONField(default=dict)
    classification = models.JSONField(default=dict)
    prior_denials = models.JSONField(default=dict)
    related_cases = models.JSONField(default=list)
    sources = models.JSONField(default=dict, help_text="List and indicator versions used")

    class Meta:
        ordering: ClassVar[list[str]] = ["-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case", "number"], name="dossier_number")
        ]

    def __str__(self) -> str:
        return f"{self.case} dossier {self.number}"


class InformationRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case}: request {self.pk}"


class Note(models.Model):
    """An internal note of the authority: never shown to the exporter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case}: note {self.pk}"


class Criterion(models.TextChoices):
    """Art 15(1)-(2) of Regulation 2021/821 and the criteria of Common Position 2008/944/CFSP."""

    INTERNATIONAL_OBLIGATIONS = (
        "art15-1-a",
        "Art 15(1)(a): international obligations and commitments",
    )
    SANCTIONS = "art15-1-b", "Art 15(1)(b): sanctions obligations"
    FOREIGN_SECURITY_POLICY = "art15-1-c", "Art 15(1)(c): national foreign and security policy"
    END_USE_DIVERSION = "art15-1-d", "Art 15(1)(d): intended end use and risk of diversion"
    CP1 = "cp-1", "CP 2008/944 criterion 1: international obligations and embargoes"
    CP2 = "cp-2", "CP 2008/944 criterion 2: human rights and international humanitarian law"
    CP3 = "cp-3", "CP 2008/944 criterion 3: internal situation (tensions, armed conflict)"
    CP4 = "cp-4", "CP 2008/944 criterion 4: regional peace, security and stability"
    CP5 = "cp-5", "CP 2008/944 criterion 5: security of Member States and allies"
    CP6 = "cp-6", "CP 2008/944 criterion 6: behaviour towards the international community"
    CP7 = "cp-7", "CP 2008/944 criterion 7: risk of diversion or re-export"
    CP8 = "cp-8", "CP 2008/944 criterion 8: technical and economic capacity of the recipient"
    ICP = "art15-2", "Art 15(2): the exporter's internal compliance programme (global licences)"


class Finding(models.TextChoices):
    NO_CONCERN = "no-concern", "No concern"
    CONCERN = "concern", "Concern, can be mitigated by conditions"
    REFUSAL_GROUND = "refusal-ground", "Ground for refusal"
    NOT_APPLICABLE = "not-applicable", "Not applicable"


class CriterionAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.CharField(max_length=20, choices=Criterion.choices)
    finding = models.CharField(max_length=20, choices=Finding.choices)
    reasoning = models.TextField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["case", "criterion"], name="one_assessment_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.criterion}: {self.finding}"


class Outcome(models.TextChoices):
    GRANT = "grant", "Grant"
    REFUSE = "refuse", "Refuse"
    NO_LICENCE_REQUIRED = "no-licence-required", "No licence required"


class Recommendation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    reasoning = models.TextField()
    conditions = models.TextField(blank=True, help_text="Licence conditions, for a grant")
    refusal_criteria = models.JSONField(default=list, help_text="Criterion codes, for a refusal")
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommended_at = models.DateTimeField(auto_now_add=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case}: recommend {self.outcome}"


class Decision(models.Model):
    """The authority's decision on the application: final, one per case and round."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    reasoning = models.TextField()
    conditions = models.TextField(blank=True)
    refusal_criteria = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    appeal_until = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case}: {self.outcome}"


class CountersignKind(models.TextChoices):
    """When a recommendation needs a senior officer's countersignature (LITE's countersigning)."""

    ALWAYS = "always", "Every recommendation"
    CYBER_SURVEILLANCE = "cyber-surveillance", "A goods line is a cyber-surveillance item"
    RISK_AT_LEAST = "risk-at-least", "The human-rights risk rating is at least the threshold"
    VALUE_ABOVE = "value-above", "The total value is above the threshold in EUR"
    REFUSAL = "refusal", "The recommendation is a refusal"


class CountersignRule(models.Model):
    """One of an authority's rules: if any active rule applies, a senior officer countersigns."""

    authority = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="countersign_rules"
    )
    kind = models.CharField(max_length=24, choices=CountersignKind.choices)
    risk_rating = models.CharField(
        max_length=20, blank=True, help_text="For risk-at-least: low, medium, high or very-high"
    )
    value_eur = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="For value-above"
    )
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.authority}: {self.get_kind_display()}"


class CaseSettings(models.Model):
    """An authority's settings for its cases."""

    authority = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="case_settings"
    )
    appeal_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days after a refusal in which the exporter may appeal"
    )

    def __str__(self) -> str:
        return f"{self.authority}: appeal within {self.appeal_days} days"


class RestrictiveKind(models.TextChoices):
    """Decisions other Member States must hear of (Art 16(2) of Regulation 2021/821)."""

    REFUSAL = "refusal", "Refusal of an authorisation"
    ANNULMENT = "annulment", "Annulment of an authorisation"
    SUSPENSION = "suspension", "Suspension of an authorisation"
    SUBSTANTIAL_LIMITATION = "substantial-limitation", "Substantial limitation of an authorisation"
    REVOCATION = "revocation", "Revocation of an authorisation"


class RestrictiveDecision(models.Model):
    """A refusal, annulment, suspension, substantial limitation or revocation, as it was made.

    Items, end users and destinations are copies, so the record stands when the case changes;
    the coordination issue notifies the other Member States and the Commission from it.
    """

    kind = models.CharField(max_length=24, choices=RestrictiveKind.choices)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="restrictive_decisions")
    licence = models.ForeignKey(
        "licences.Licence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restrictive_decisions",
    )
    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    criteria = models.JSONField(default=list, help_text="Criterion codes relied on")
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()
    items = models.JSONField(default=list, help_text="Goods lines: description, entry, value")
    end_users = models.JSONField(default=list, help_text="End users: name, country, type")
    destinations = models.JSONField(default=list)

    class Meta:
        ordering: ClassVar[list[str]] = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.case}"
