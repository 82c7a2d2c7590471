"""The message payloads Member States exchange, and the outbox they wait in.

Each `*_payload` function returns a JSON-ready dict (strings, numbers, lists, dicts) for one
message type; `send` stores it in the outbox (`OutgoingMessage`) in the caller's
transaction, so a change that rolls back sends nothing. Every payload carries:

- `schema`: `licentia.coordination/1`, the payload format and its version;
- `message_id`: a UUID, the same on every deployment (receivers apply a message once);
- `type`: one of `MessageKind`; `sent_at`: ISO 8601; `member_state`: the sender.

The exchange between deployments signs and delivers these payloads and hands received ones
to `licentia.coordination.incoming.apply_incoming`. `docs/coordination.md` documents every
field.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from licentia.coordination.models import (
    CatchAllNotice,
    CatchAllReview,
    Consultation,
    DecisionStatistics,
    DenialNotice,
    GrantDespiteDenial,
    MessageKind,
    OutgoingMessage,
)

SCHEMA = "licentia.coordination/1"


def _envelope(kind: MessageKind, member_state: str, message_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "message_id": str(message_id or uuid.uuid4()),
        "type": kind.value,
        "sent_at": timezone.now().isoformat(),
        "member_state": member_state,
    }


def denial_fields(notice: DenialNotice) -> dict[str, Any]:
    """A denial notice as the other authorities receive it (confidentiality applied)."""
    return {
        "id": str(notice.uid),
        "kind": notice.kind,
        "state": notice.state,
        "member_state": notice.member_state,
        "authority": notice.authority_name,
        "decided_on": notice.decided_on.isoformat(),
        "notified_on": notice.notified_on.isoformat(),
        "review_due": notice.review_due.isoformat(),
        "criteria": list(notice.criteria),
        "reasoning": notice.reasoning,
        "items": list(notice.items),
        "end_users": list(notice.end_users),
        "consignees": list(notice.consignees),
        "destinations": list(notice.destinations),
        "exporter": dict(notice.exporter) or None,
        "withheld": list(notice.withheld),
    }


def denial_notice_payload(
    notice: DenialNotice, message_id: uuid.UUID | None = None
) -> dict[str, Any]:
    return _envelope(MessageKind.DENIAL_NOTICE, notice.member_state, message_id) | {
        "notice": denial_fields(notice)
    }


def denial_update_payload(
    notice: DenialNotice, message_id: uuid.UUID | None = None, *, transition: str, reason: str
) -> dict[str, Any]:
    """Amended, renewed or revoked: the notice as it now stands, and why."""
    return _envelope(MessageKind.DENIAL_UPDATE, notice.member_state, message_id) | {
        "transition": transition,
        "reason": reason,
        "notice": denial_fields(notice),
    }


def consultation_request_payload(
    consultation: Consultation, message_id: uuid.UUID | None = None
) -> dict[str, Any]:
    return _envelope(
        MessageKind.CONSULTATION_REQUEST, consultation.requesting_member_state, message_id
    ) | {
        "consultation": {
            "id": str(consultation.uid),
            "kind": consultation.kind,
            "binding": consultation.binding,
            "requesting_member_state": consultation.requesting_member_state,
            "requesting_authority": consultation.requesting_authority_name,
            "consulted_member_state": consultation.consulted_member_state,
            "requested_on": consultation.requested_on.isoformat(),
            "deadline": consultation.deadline.isoformat(),
            "question": consultation.question,
            "subject": dict(consultation.subject),
            "denials": [str(uid) for uid in consultation.denials.values_list("uid", flat=True)],
        }
    }


def consultation_reply_payload(
    consultation: Consultation, message_id: uuid.UUID | None = None
) -> dict[str, Any]:
    assert consultation.replied_on is not None, "a reply has a date"
    return _envelope(
        MessageKind.CONSULTATION_REPLY, consultation.consulted_member_state, message_id
    ) | {
        "consultation_id": str(consultation.uid),
        "outcome": consultation.outcome,
        "reply": consultation.reply,
        "replied_on": consultation.replied_on.isoformat(),
    }


def consultation_extension_payload(
    consultation: Consultation, message_id: uuid.UUID | None = None, *, reason: str
) -> dict[str, Any]:
    return _envelope(
        MessageKind.CONSULTATION_EXTENSION, consultation.consulted_member_state, message_id
    ) | {
        "consultation_id": str(consultation.uid),
        "extended_by": consultation.extended_by,
        "deadline": consultation.deadline.isoformat(),
        "reason": reason,
    }


def catch_all_notice_payload(
    notice: CatchAllNotice, message_id: uuid.UUID | None = None
) -> dict[str, Any]:
    return _envelope(MessageKind.CATCH_ALL_NOTICE, notice.member_state, message_id) | {
        "notice": {
            "id": str(notice.uid),
            "basis": notice.basis,
            "member_state": notice.member_state,
            "authority": notice.authority_name,
            "notified_on": notice.notified_on.isoformat(),
            "items": list(notice.items),
            "end_users": list(notice.end_users),
            "destinations": list(notice.destinations),
            "reasoning": notice.reasoning,
        }
    }


def catch_all_review_payload(
    review: CatchAllReview, message_id: uuid.UUID | None = None
) -> dict[str, Any]:
    return _envelope(MessageKind.CATCH_ALL_REVIEW, review.member_state, message_id) | {
        "notice_id": str(review.notice.uid),
        "state": review.state,
        "deadline": review.deadline.isoformat(),
        "extended_by": review.extended_by,
        "comment": review.comment,
        "answered_on": review.answered_on.isoformat() if review.answered_on else None,
    }


def grant_despite_denial_payload(
    grant: GrantDespiteDenial, message_id: uuid.UUID | None = None
) -> dict[str, Any]:
    return _envelope(MessageKind.GRANT_DESPITE_DENIAL, grant.member_state, message_id) | {
        "grant": {
            "id": str(grant.uid),
            "member_state": grant.member_state,
            "authority": grant.authority_name,
            "granted_on": grant.granted_on.isoformat(),
            "reasons": grant.reasons,
            "denials": [str(uid) for uid in grant.denials.values_list("uid", flat=True)],
            "consultations": list(grant.consultations),
        }
    }


def decision_statistics_payload(
    counted: DecisionStatistics, message_id: uuid.UUID | None = None
) -> dict[str, Any]:
    return _envelope(MessageKind.DECISION_STATISTICS, counted.member_state, message_id) | {
        "statistics": {
            "id": str(counted.uid),
            "month": counted.month.strftime("%Y-%m"),
            "cells": list(counted.cells),
        }
    }


def send(
    payload: dict[str, Any], *, recipients: Iterable[str] = (), to_commission: bool = True
) -> OutgoingMessage:
    """Put one payload in the outbox (inside the caller's transaction)."""
    return OutgoingMessage.objects.create(
        message_id=uuid.UUID(payload["message_id"]),
        kind=payload["type"],
        sender=payload["member_state"],
        recipients=sorted(set(recipients)),
        to_commission=to_commission,
        payload=payload,
    )


def pending(*, after: int = 0, limit: int = 500) -> QuerySet[OutgoingMessage]:
    """The outbox after sequence number `after` (the `pk`), in order: what the exchange sends
    next, and what it sends again after an outage."""
    return OutgoingMessage.objects.filter(pk__gt=after).order_by("pk")[:limit]
