"""Peers, the outbox (what this deployment sent, kept for replay), the inbox (what it received,
keyed by message id: applied once), and refused messages.

Messages travel on channels: one per (sender deployment, recipient deployment), numbered 1, 2, 3...
with no gaps, so a recipient knows when it misses one.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models

from licentia.exchange.envelope import key_id, parse_public_key
from licentia.exchange.errors import MalformedEnvelope


class Peer(models.Model):
    """Another Licentia deployment: where it answers, the key it signs with, the Member States'
    authorities it speaks for; and where each channel with it stands."""

    deployment_id = models.CharField(
        "deployment id", max_length=63, unique=True, help_text="As the peer names itself"
    )
    name = models.CharField(max_length=200, blank=True)
    member_states = models.CharField(
        max_length=120, help_text="Comma-separated codes of the Member States it speaks for"
    )
    base_url = models.URLField("base URL", help_text="e.g. https://licentia.example.eu/")
    public_key = models.CharField(
        max_length=200, help_text="ed25519:<base64url>, as `licentia exchange key` prints it"
    )
    key_id = models.CharField(max_length=16, editable=False)
    active = models.BooleanField(default=True)
    # Channel from this deployment to the peer: the last sequence number used.
    last_sent_sequence = models.PositiveBigIntegerField(default=0, editable=False)
    # Channel from the peer: every message up to `received_through` is stored here, and every
    # message up to `applied_through` has been applied (or skipped by an operator).
    received_through = models.PositiveBigIntegerField(default=0, editable=False)
    applied_through = models.PositiveBigIntegerField(default=0, editable=False)
    last_contact_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["deployment_id"]

    def __str__(self) -> str:
        return f"{self.deployment_id} ({self.member_states})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.member_states = ",".join(self.states)
        self.key_id = key_id(parse_public_key(self.public_key))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        try:
            parse_public_key(self.public_key)
        except MalformedEnvelope as exc:
            raise ValidationError({"public_key": exc.message}) from exc

    @property
    def states(self) -> list[str]:
        return [code.strip().upper() for code in self.member_states.split(",") if code.strip()]


class OutboxState(models.TextChoices):
    PENDING = "pending", "Waiting for delivery"
    DELIVERED = "delivered", "Delivered"


class DeliveredBy(models.TextChoices):
    PUSH = "push", "Pushed to the peer"
    PULL = "pull", "Pulled by the peer"


class OutboxMessage(models.Model):
    """An envelope for one peer, kept after delivery for replay and audit. Stored unsigned and
    signed when sent (Ed25519 is deterministic: the same key gives the same bytes each time)."""

    message_id = models.UUIDField(help_text="The same for every peer the message goes to")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    sequence = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=80)
    sender_member_state = models.CharField(max_length=2)
    envelope = models.TextField(help_text="The envelope as sent (canonical JSON)")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.CharField(max_length=8, choices=DeliveredBy.choices, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["peer", "sequence"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["peer", "sequence"], name="outbox_sequence_once"),
            models.UniqueConstraint(fields=["peer", "message_id"], name="outbox_message_once"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["peer", "state", "sequence"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.sequence} to {self.peer_id} ({self.state})"


class InboxState(models.TextChoices):
    HELD = "held", "Held until earlier messages arrive"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed to apply (retried by sync)"
    SKIPPED = "skipped", "Skipped by an operator"


class InboxMessage(models.Model):
    """A received envelope. The unique message id makes a second delivery a no-op."""

    message_id = models.UUIDField(unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbox")
    sequence = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=80)
    sender_member_state = models.CharField(max_length=2)
    envelope = models.TextField(help_text="The envelope as received (canonical JSON)")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(help_text="When the sender created it")
    received_at = models.DateTimeField()
    received_by = models.CharField(max_length=8, choices=DeliveredBy.choices)
    state = models.CharField(max_length=16, choices=InboxState.choices, default=InboxState.HELD)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["peer", "sequence"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["peer", "sequence"], name="inbox_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.sequence} from {self.peer_id} ({self.state})"


class Rejection(models.Model):
    """A refused envelope or request: why, from where, and what came (cut to 64 KiB)."""

    at = models.DateTimeField()
    code = models.CharField(max_length=64)
    message = models.TextField()
    claimed_sender = models.CharField(max_length=63, blank=True)
    message_id = models.CharField(max_length=64, blank=True)
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=8, choices=DeliveredBy.choices)
    body = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.code} from {self.claimed_sender or '?'} at {self.at:%Y-%m-%d %H:%M:%S}"


class BridgeCursor(models.Model):
    """One row: the last coordination outbox entry (`OutgoingMessage.pk`) handed to `publish`."""

    after = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"coordination outbox read up to #{self.after}"
