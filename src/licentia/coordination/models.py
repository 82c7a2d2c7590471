"""What Member States tell each other: denial notices, consultations, catch-all notices, grants
despite a denial, and the messages that carry them between deployments.

A notice made on this deployment links to its authority (`authority`); one received from
another deployment has no local authority and keeps the sender's Member State and authority
name. Every object has a `uid` that is the same on every deployment, so a message received
twice changes nothing the second time.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from licentia.accounts.models import Organisation
from licentia.cases.models import Case, Decision, RestrictiveDecision, RestrictiveKind
from licentia.coordination.states import (
    CATCH_ALL,
    CATCH_ALL_REVIEW,
    CONSULTATION,
    DENIAL,
    CatchAllState,
    ConsultationState,
    DenialState,
    ReviewState,
)


class ConfidentialityRules(models.Model):
    """What an authority's denial notices leave out (Art 16(2) read with the confidentiality
    rules of Art 23: personal data, commercial, defence, foreign-policy, national security).

    Exporters never see a denial notice of any state; these rules govern what the other
    Member States' authorities and the Commission receive.
    """

    authority = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="confidentiality_rules"
    )
    share_exporter = models.BooleanField(
        default=True, help_text="The exporter's name and EORI go to the other authorities"
    )
    share_values = models.BooleanField(
        default=False, help_text="Quantities and values in EUR (commercial information)"
    )
    share_reasoning = models.BooleanField(
        default=True, help_text="The reasoning of the decision, beyond the criteria relied on"
    )
    share_addresses = models.BooleanField(
        default=True, help_text="Addresses of end users and consignees (help the matching)"
    )

    class Meta:
        verbose_name_plural = "confidentiality rules"

    def __str__(self) -> str:
        return f"{self.authority}: confidentiality of denial notices"


class DenialNotice(models.Model):
    """A refusal, annulment, suspension, substantial limitation or revocation notified to the
    other Member States and the Commission (Art 16(2)), reviewed within 3 years (Art 16(3))."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=24, choices=RestrictiveKind.choices)
    state = models.CharField(
        max_length=16,
        choices=[(s.value, s.description) for s in DenialState],
        default=DENIAL.initial.value,
    )
    version = models.PositiveIntegerField(default=1)
    # Made here: the decision and its authority; received: the sender's state and name.
    decision = models.OneToOneField(
        RestrictiveDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="denial_notice",
    )
    authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_state = models.CharField(max_length=2, help_text="The issuing Member State")
    authority_name = models.CharField(max_length=200)
    decided_on = models.DateField()
    notified_on = models.DateField()
    review_due = models.DateField(help_text="Art 16(3): reviewed within 3 years")
    reviewed_on = models.DateField(null=True, blank=True)
    reminders = models.JSONField(
        default=list, help_text="Review reminders already sent for this review_due"
    )
    criteria = models.JSONField(default=list, help_text="Criterion codes relied on")
    reasoning = models.TextField(blank=True)
    items = models.JSONField(default=list, help_text="Control entries and key parameters")
    end_users = models.JSONField(default=list)
    consignees = models.JSONField(default=list)
    destinations = models.JSONField(default=list)
    exporter = models.JSONField(
        default=dict, blank=True, help_text="Name, Member State, EORI: authorities only"
    )
    withheld = models.JSONField(default=list, help_text="What confidentiality left out")
    received_at = models.DateTimeField(null=True, blank=True)
    cases_checked_version = models.PositiveIntegerField(
        default=0,
        help_text="The version last checked against the open cases here (coordination.rechecks)",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-notified_on", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["member_state", "state"]),
            models.Index(fields=["state", "review_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.member_state} on {self.decided_on}"

    @property
    def status(self) -> DenialState:
        return DenialState(self.state)

    @property
    def is_local(self) -> bool:
        return self.authority_id is not None


class ConsultationKind(models.TextChoices):
    """Consultations between Member States, with their time limits in working days of the
    consulted state."""

    ITEMS_ELSEWHERE = (
        "art14-1",
        "Art 14(1): the items are located in another Member State (binding objection)",
    )
    ESSENTIAL_SECURITY = (
        "art14-2",
        "Art 14(2): essential security interests of another Member State (not binding)",
    )
    IDENTICAL_TRANSACTION = (
        "art16-5",
        "Art 16(5): a denial of the consulted state for an essentially identical transaction",
    )


class ReplyOutcome(models.TextChoices):
    NO_OBJECTION = "no-objection", "No objection"
    OBJECTION = "objection", "Objection"
    COMMENTS = "comments", "Comments, neither objection nor consent"


class Consultation(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=ConsultationKind.choices)
    state = models.CharField(
        max_length=16,
        choices=[(s.value, s.description) for s in ConsultationState],
        default=CONSULTATION.initial.value,
    )
    version = models.PositiveIntegerField(default=1)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    requesting_authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requesting_member_state = models.CharField(max_length=2)
    requesting_authority_name = models.CharField(max_length=200)
    consulted_authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consulted_member_state = models.CharField(max_length=2)
    denials = models.ManyToManyField(DenialNotice, blank=True, related_name="consultations")
    question = models.TextField()
    subject = models.JSONField(
        default=dict, help_text="The transaction: items, end users, consignees, destinations"
    )
    requested_on = models.DateField()
    deadline = models.DateField(help_text="In working days of the consulted Member State")
    extended_by = models.PositiveSmallIntegerField(default=0, help_text="Working days added")
    reminded_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=ReplyOutcome.choices, blank=True)
    reply = models.TextField(blank=True)
    replied_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["deadline", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["consulted_member_state", "state"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.requesting_member_state} consults "
            f"{self.consulted_member_state}"
        )

    @property
    def status(self) -> ConsultationState:
        return ConsultationState(self.state)

    @property
    def binding(self) -> bool:
        """Only an objection under Art 14(1) binds the requesting state."""
        return self.kind == ConsultationKind.ITEMS_ELSEWHERE


class CatchAllBasis(models.TextChoices):
    """Why a non-listed item needs a licence (Art 4(1), Art 5(1))."""

    WMD = "art4-1-a", "Art 4(1)(a): weapons of mass destruction or their delivery"
    MILITARY_END_USE = "art4-1-b", "Art 4(1)(b): military end use in an embargoed destination"
    ILLEGAL_MILITARY_PARTS = (
        "art4-1-c",
        "Art 4(1)(c): parts of military items exported illegally",
    )
    CYBER_SURVEILLANCE = (
        "art5-1",
        "Art 5(1): cyber-surveillance items for internal repression or serious violations of "
        "human rights or humanitarian law",
    )


class CatchAllNotice(models.Model):
    """A licence requirement imposed on a non-listed item, told to the other Member States and
    the Commission (Art 4 and Art 5(4)); for Art 5 items, reviewed within 30 working days
    (Art 5(5)) and marked for EU-wide publication when every state agrees (Art 5(6))."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    basis = models.CharField(max_length=10, choices=CatchAllBasis.choices)
    state = models.CharField(
        max_length=24,
        choices=[(s.value, s.description) for s in CatchAllState],
        default=CATCH_ALL.initial.value,
    )
    version = models.PositiveIntegerField(default=1)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="catch_all_notices"
    )
    authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_state = models.CharField(max_length=2)
    authority_name = models.CharField(max_length=200)
    notified_on = models.DateField()
    items = models.JSONField(default=list)
    end_users = models.JSONField(default=list)
    destinations = models.JSONField(default=list)
    reasoning = models.TextField()
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-notified_on", "-pk"]

    def __str__(self) -> str:
        return f"catch-all {self.get_basis_display()} by {self.member_state} on {self.notified_on}"

    @property
    def status(self) -> CatchAllState:
        return CatchAllState(self.state)


class CatchAllReview(models.Model):
    """One Member State's review of another's catch-all notice (Art 5(5))."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.ForeignKey(CatchAllNotice, on_delete=models.CASCADE, related_name="reviews")
    member_state = models.CharField(max_length=2, help_text="The reviewing Member State")
    state = models.CharField(
        max_length=16,
        choices=[(s.value, s.description) for s in ReviewState],
        default=CATCH_ALL_REVIEW.initial.value,
    )
    version = models.PositiveIntegerField(default=1)
    deadline = models.DateField(help_text="In working days of the reviewing Member State")
    extended_by = models.PositiveSmallIntegerField(default=0)
    reminded_on = models.DateField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["member_state"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["notice", "member_state"], name="one_review_per_state")
        ]

    def __str__(self) -> str:
        return f"{self.member_state} review of {self.notice}: {self.state}"

    @property
    def status(self) -> ReviewState:
        return ReviewState(self.state)


class GrantDespiteDenial(models.Model):
    """A licence granted although another state's valid denial concerns an essentially
    identical transaction; told to all Member States and the Commission with the reasons
    (Art 16(5))."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="grants_despite_denial"
    )
    authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_state = models.CharField(max_length=2)
    authority_name = models.CharField(max_length=200)
    granted_on = models.DateField()
    reasons = models.TextField()
    denials = models.ManyToManyField(DenialNotice, related_name="grants_despite")
    consultations = models.JSONField(default=list, help_text="uids of the consultations held")
    scores = models.JSONField(
        default=dict, blank=True, help_text="Match score per denial uid (grants made here)"
    )
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-granted_on", "-pk"]

    def __str__(self) -> str:
        return f"grant despite denial by {self.member_state} on {self.granted_on}"


class EarlierGrant(models.Model):
    """A grant made here that another Member State's refusal, notified later, matches as an
    essentially identical transaction (Art 2(22)): the other side of the divergence that a
    grant despite a denial records (`coordination.rechecks`)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey(
        DenialNotice, on_delete=models.CASCADE, related_name="earlier_grants"
    )
    score = models.FloatField()
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["decision", "notice"], name="one_earlier_grant_pair")
        ]

    def __str__(self) -> str:
        return f"grant {self.decision_id} before denial {self.notice_id}"


class DecisionStatistics(models.Model):
    """One Member State's licensing decisions of one month, counted per destination and item
    category (`cells`: destination, category, granted, refused): made here for the states
    whose authority is here, and sent to the others, or received from them. The consistency
    analytics read them for the states on other deployments (Art 26(2) information)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member_state = models.CharField(max_length=2)
    month = models.DateField(help_text="The first day of the month counted")
    cells = models.JSONField(default=list)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["member_state", "month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["member_state", "month"], name="one_month_per_state")
        ]

    def __str__(self) -> str:
        return f"decisions of {self.member_state} in {self.month:%Y-%m}"


class MessageKind(models.TextChoices):
    """The messages Member States exchange (Art 5(4)-(5), Art 14, Art 16(2)-(5), Art 26(2))."""

    DENIAL_NOTICE = "denial-notice", "Denial notice (Art 16(2))"
    DENIAL_UPDATE = "denial-update", "Denial amended, renewed or revoked (Art 16(3))"
    CONSULTATION_REQUEST = "consultation-request", "Consultation request (Art 14, Art 16(5))"
    CONSULTATION_REPLY = "consultation-reply", "Reply to a consultation"
    CONSULTATION_EXTENSION = "consultation-extension", "Extension of the time to reply"
    CATCH_ALL_NOTICE = "catch-all-notice", "Catch-all requirement (Art 4, Art 5(4))"
    CATCH_ALL_REVIEW = "catch-all-review", "Review of a catch-all notice (Art 5(5))"
    GRANT_DESPITE_DENIAL = "grant-despite-denial", "Grant despite a denial (Art 16(5))"
    DECISION_STATISTICS = "decision-statistics", "A month's decisions, counted (Art 26(2))"


class OutgoingMessage(models.Model):
    """The outbox: every coordination message this deployment sends, in order (`pk`).

    The exchange between deployments reads it after a sequence number, signs each payload
    and delivers it; `recipients` lists Member States, empty for all of them.
    """

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=24, choices=MessageKind.choices)
    sender = models.CharField(max_length=2, help_text="The sending Member State")
    recipients = models.JSONField(default=list, help_text="Member States; empty: all")
    to_commission = models.BooleanField(default=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} from {self.sender}"


class IncomingMessage(models.Model):
    """A message applied from another deployment: applied once, whatever the retries."""

    message_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=24, choices=MessageKind.choices)
    sender = models.CharField(max_length=2)
    received_at = models.DateTimeField(auto_now_add=True)
    object_type = models.CharField(max_length=80)
    object_uid = models.UUIDField()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} from {self.sender}"
