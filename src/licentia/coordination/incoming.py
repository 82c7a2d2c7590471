"""Applying messages received from another deployment: `apply_incoming(kind, payload, sender=)`.

The exchange between deployments checks the envelope (signature, sender authority) and calls
`apply_incoming` with the payload that `licentia.coordination.outbox` made on the other side.
Each message is applied once: its `message_id` is recorded with what it made or changed, in
the same transaction, and a message seen before returns the earlier result with
`duplicate=True`. A payload that does not fit its type, or that speaks for another Member
State than the sender, raises `InvalidInput` and changes nothing; one about an object not
received yet (an update before its notice) raises `NotFound`, to be retried in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from licentia.audit.services import apply_transition, record
from licentia.cases.models import Criterion, RestrictiveKind
from licentia.coordination import catchall, consultations, rechecks
from licentia.coordination.common import authority_of, tell_authorities
from licentia.coordination.models import (
    CatchAllBasis,
    CatchAllNotice,
    CatchAllReview,
    Consultation,
    ConsultationKind,
    DecisionStatistics,
    DenialNotice,
    GrantDespiteDenial,
    IncomingMessage,
    MessageKind,
    ReplyOutcome,
)
from licentia.coordination.states import DENIAL, DenialTransition, ReviewState, ReviewTransition
from licentia.errors import InvalidInput, NotFound
from licentia.notifications.services import notify

MemberState = Field(pattern=r"^[A-Z]{2}$")


class _Model(BaseModel):
    # Later minor versions may add fields; unknown ones are ignored.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Party(_Model):
    name: str = Field(min_length=1, max_length=300)
    country: str = Field("", max_length=2)
    type: str = ""
    address: str = ""
    identifiers: list[str] = []


class Item(_Model):
    entry: str = Field("", max_length=40)
    list_version: str = ""
    description: str = Field(max_length=20_000)
    cyber_surveillance: bool = False
    parameters: dict[str, Any] = {}
    quantity: str | None = None
    unit: str | None = None
    value_eur: str | None = None


class Envelope(_Model):
    schema_: Literal["licentia.coordination/1"] = Field(alias="schema")
    message_id: uuid.UUID
    type: MessageKind
    sent_at: datetime
    member_state: str = MemberState


class Denial(_Model):
    id: uuid.UUID
    kind: RestrictiveKind
    member_state: str = MemberState
    authority: str = Field(min_length=1, max_length=200)
    decided_on: date
    notified_on: date
    review_due: date
    criteria: list[Criterion]
    reasoning: str = ""
    items: list[Item]
    end_users: list[Party]
    consignees: list[Party] = []
    destinations: list[str]
    exporter: dict[str, Any] | None = None
    withheld: list[str] = []


class DenialNoticeMessage(Envelope):
    notice: Denial


class DenialUpdateMessage(Envelope):
    transition: DenialTransition
    reason: str = Field(min_length=1)
    notice: Denial


class ConsultationFields(_Model):
    id: uuid.UUID
    kind: ConsultationKind
    requesting_member_state: str = MemberState
    requesting_authority: str = Field(min_length=1, max_length=200)
    consulted_member_state: str = MemberState
    requested_on: date
    deadline: date
    question: str = Field(min_length=1)
    subject: dict[str, Any]
    denials: list[uuid.UUID] = []


class ConsultationRequestMessage(Envelope):
    consultation: ConsultationFields


class ConsultationReplyMessage(Envelope):
    consultation_id: uuid.UUID
    outcome: ReplyOutcome
    reply: str = Field(min_length=1)
    replied_on: date


class ConsultationExtensionMessage(Envelope):
    consultation_id: uuid.UUID
    extended_by: int = Field(ge=1, le=30)
    deadline: date
    reason: str = Field(min_length=1)


class CatchAll(_Model):
    id: uuid.UUID
    basis: CatchAllBasis
    member_state: str = MemberState
    authority: str = Field(min_length=1, max_length=200)
    notified_on: date
    items: list[Item] = Field(min_length=1)
    end_users: list[Party]
    destinations: list[str]
    reasoning: str = Field(min_length=1)


class CatchAllNoticeMessage(Envelope):
    notice: CatchAll


class CatchAllReviewMessage(Envelope):
    notice_id: uuid.UUID
    state: ReviewState
    deadline: date
    extended_by: int = Field(0, ge=0, le=30)
    comment: str = ""
    answered_on: date | None = None


E = TypeVar("E", bound=Envelope)


class Grant(_Model):
    id: uuid.UUID
    member_state: str = MemberState
    authority: str = Field(min_length=1, max_length=200)
    granted_on: date
    reasons: str
    denials: list[uuid.UUID] = Field(min_length=1)
    consultations: list[uuid.UUID] = []


class GrantDespiteDenialMessage(Envelope):
    grant: Grant


@dataclass(frozen=True)
class Applied:
    """What a message made or changed; `duplicate`: it was applied before, nothing changed."""

    message_id: uuid.UUID
    kind: MessageKind
    object: models.Model
    duplicate: bool


def apply_incoming(kind: str, payload: dict[str, Any], *, sender: str) -> Applied:
    """Apply one received message of type `kind` from Member State `sender`, once."""
    if kind not in MessageKind.values:
        raise InvalidInput(
            f"kind: unknown message type {kind!r}; one of {', '.join(MessageKind.values)}",
            details={"field": "type"},
        )
    message_kind = MessageKind(kind)
    schema, applier = _APPLIERS[message_kind]
    envelope = _validate(Envelope, payload, kind)
    if envelope.type is not message_kind:
        raise InvalidInput(
            f"type: the payload is a {envelope.type}, not a {kind}", details={"field": "type"}
        )
    if envelope.member_state != sender:
        raise InvalidInput(
            f"member_state: {envelope.member_state} cannot send for {sender}",
            details={"field": "member_state"},
        )
    message = _validate(schema, payload, kind)
    seen = _seen(message.message_id)
    if seen is not None:
        return seen
    try:
        with transaction.atomic():
            made = applier(message, sender)
            IncomingMessage.objects.create(
                message_id=message.message_id,
                kind=message_kind,
                sender=sender,
                object_type=made._meta.label_lower,
                object_uid=made.uid,  # type: ignore[attr-defined]
            )
    except IntegrityError:
        # Received twice at once: the other delivery won.
        seen = _seen(message.message_id)
        if seen is None:
            raise
        return seen
    return Applied(message.message_id, message_kind, made, duplicate=False)


def _validate(schema: type[E], payload: dict[str, Any], kind: str) -> E:
    try:
        return schema.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"{kind} payload: {where}: {first['msg']}", details={"field": where}
        ) from None


_MODELS: dict[str, type[models.Model]] = {
    m._meta.label_lower: m
    for m in (
        DenialNotice,
        Consultation,
        CatchAllNotice,
        CatchAllReview,
        GrantDespiteDenial,
        DecisionStatistics,
    )
}


def _seen(message_id: uuid.UUID) -> Applied | None:
    earlier = IncomingMessage.objects.filter(message_id=message_id).first()
    if earlier is None:
        return None
    obj = _MODELS[earlier.object_type]._default_manager.get(uid=earlier.object_uid)
    return Applied(message_id, MessageKind(earlier.kind), obj, duplicate=True)


def _same_sender(field: str, member_state: str, sender: str) -> None:
    if member_state != sender:
        raise InvalidInput(
            f"{field}: {member_state} is not the sender {sender}", details={"field": field}
        )


def _dump(values: list[Party] | list[Item]) -> list[dict[str, Any]]:
    return [v.model_dump(exclude_none=True) for v in values]


def _denial_content(notice: Denial) -> dict[str, Any]:
    return {
        "criteria": [c.value for c in notice.criteria],
        "reasoning": notice.reasoning,
        "items": _dump(notice.items),
        "end_users": _dump(notice.end_users),
        "consignees": _dump(notice.consignees),
        "destinations": list(notice.destinations),
        "exporter": notice.exporter or {},
        "withheld": list(notice.withheld),
    }


def _denial_notice(message: DenialNoticeMessage, sender: str) -> DenialNotice:
    fields = message.notice
    _same_sender("notice.member_state", fields.member_state, sender)
    existing = DenialNotice.objects.filter(uid=fields.id).first()
    if existing is not None:
        return existing
    notice = DenialNotice.objects.create(
        uid=fields.id,
        kind=fields.kind,
        member_state=fields.member_state,
        authority_name=fields.authority,
        decided_on=fields.decided_on,
        notified_on=fields.notified_on,
        review_due=fields.review_due,
        received_at=timezone.now(),
        **_denial_content(fields),
    )
    record(actor=None, action="denial.receive", obj=notice, to_state=notice.state)
    transaction.on_commit(rechecks.check_open_cases_logged)
    tell_authorities(
        f"{notice.authority_name} ({notice.member_state}) notified a denial: "
        f"{notice.get_kind_display()} for {', '.join(notice.destinations) or 'no destination'}",
        reverse("coordination:denial", args=[notice.pk]),
        besides=sender,
    )
    return notice


def _denial_update(message: DenialUpdateMessage, sender: str) -> DenialNotice:
    fields = message.notice
    _same_sender("notice.member_state", fields.member_state, sender)
    notice = DenialNotice.objects.filter(uid=fields.id, authority__isnull=True).first()
    if notice is None:
        raise NotFound(f"no denial notice {fields.id} received from {sender} yet")
    changes = {"review_due": fields.review_due}
    if message.transition is DenialTransition.AMEND:
        changes |= _denial_content(fields)
    apply_transition(
        notice, DENIAL, message.transition, actor=None, reason=message.reason, changes=changes
    )
    transaction.on_commit(rechecks.check_open_cases_logged)
    tell_authorities(
        f"{notice.authority_name} ({sender}) updated its denial notice "
        f"({message.transition}): {message.reason}",
        reverse("coordination:denial", args=[notice.pk]),
        besides=sender,
    )
    return notice


def _consultation_request(message: ConsultationRequestMessage, sender: str) -> Consultation:
    fields = message.consultation
    _same_sender("consultation.requesting_member_state", fields.requesting_member_state, sender)
    consulted = authority_of(fields.consulted_member_state)
    if consulted is None:
        raise InvalidInput(
            f"consultation.consulted_member_state: no authority of "
            f"{fields.consulted_member_state} on this deployment",
            details={"field": "consultation.consulted_member_state"},
        )
    existing = Consultation.objects.filter(uid=fields.id).first()
    if existing is not None:
        return existing
    consultation = Consultation.objects.create(
        uid=fields.id,
        kind=fields.kind,
        requesting_member_state=sender,
        requesting_authority_name=fields.requesting_authority,
        consulted_authority=consulted,
        consulted_member_state=fields.consulted_member_state,
        question=fields.question,
        subject=fields.subject,
        requested_on=fields.requested_on,
        deadline=fields.deadline,
    )
    consultation.denials.set(DenialNotice.objects.filter(uid__in=fields.denials))
    record(actor=None, action="consultation.receive", obj=consultation, to_state=consultation.state)
    notify(
        consulted,
        f"{fields.requesting_authority} ({sender}) consults you "
        f"({consultation.get_kind_display()}); reply by {fields.deadline.isoformat()}",
        reverse("coordination:consultation", args=[consultation.pk]),
    )
    return consultation


def _consulted(consultation_id: uuid.UUID, sender: str) -> Consultation:
    found = Consultation.objects.filter(uid=consultation_id, consulted_member_state=sender).first()
    if found is None:
        raise NotFound(f"no consultation {consultation_id} of {sender} here")
    return found


def _consultation_reply(message: ConsultationReplyMessage, sender: str) -> Consultation:
    consultation = _consulted(message.consultation_id, sender)
    return consultations.record_reply(
        consultation,
        outcome=message.outcome,
        text=message.reply,
        actor=None,
        day=message.replied_on,
    )


def _consultation_extension(message: ConsultationExtensionMessage, sender: str) -> Consultation:
    consultation = _consulted(message.consultation_id, sender)
    return consultations.record_extension(
        consultation, working_days=message.extended_by, reason=message.reason, actor=None
    )


def _catch_all_notice(message: CatchAllNoticeMessage, sender: str) -> CatchAllNotice:
    fields = message.notice
    _same_sender("notice.member_state", fields.member_state, sender)
    existing = CatchAllNotice.objects.filter(uid=fields.id).first()
    if existing is not None:
        return existing
    notice = CatchAllNotice.objects.create(
        uid=fields.id,
        basis=fields.basis,
        member_state=sender,
        authority_name=fields.authority,
        notified_on=fields.notified_on,
        items=_dump(fields.items),
        end_users=_dump(fields.end_users),
        destinations=list(fields.destinations),
        reasoning=fields.reasoning,
        received_at=timezone.now(),
    )
    catchall.open_reviews(notice)
    record(actor=None, action="catch-all.receive", obj=notice, to_state=notice.state)
    tell_authorities(
        f"{fields.authority} ({sender}) imposed a catch-all requirement "
        f"({notice.get_basis_display()}); review it within "
        f"{catchall.REVIEW_WORKING_DAYS} of your working days (Art 5(5))",
        reverse("coordination:catch-all", args=[notice.pk]),
        besides=sender,
    )
    return notice


_ANSWERS: dict[ReviewState, ReviewTransition] = {
    ReviewState.AGREED: ReviewTransition.AGREE,
    ReviewState.DISAGREED: ReviewTransition.DISAGREE,
    ReviewState.LAPSED: ReviewTransition.LAPSE,
}


def _catch_all_review(message: CatchAllReviewMessage, sender: str) -> CatchAllReview:
    review = (
        CatchAllReview.objects.select_related("notice")
        .filter(notice__uid=message.notice_id, member_state=sender)
        .first()
    )
    if review is None:
        raise NotFound(f"no catch-all notice {message.notice_id} reviewed by {sender} here")
    if message.state is ReviewState.EXTENDED:
        return catchall.record_extension(
            review, working_days=message.extended_by, reason=message.comment, actor=None
        )
    name = _ANSWERS.get(message.state)
    if name is None:
        raise InvalidInput(
            f"state: a review message says extended, agreed, disagreed or lapsed, not "
            f"{message.state}",
            details={"field": "state"},
        )
    return catchall.record_answer(
        review,
        name=name,
        comment=message.comment,
        actor=None,
        day=message.answered_on or timezone.localdate(),
    )


def _grant_despite_denial(message: GrantDespiteDenialMessage, sender: str) -> GrantDespiteDenial:
    fields = message.grant
    _same_sender("grant.member_state", fields.member_state, sender)
    existing = GrantDespiteDenial.objects.filter(uid=fields.id).first()
    if existing is not None:
        return existing
    grant = GrantDespiteDenial.objects.create(
        uid=fields.id,
        member_state=sender,
        authority_name=fields.authority,
        granted_on=fields.granted_on,
        reasons=fields.reasons,
        consultations=[str(c) for c in fields.consultations],
        received_at=timezone.now(),
    )
    grant.denials.set(DenialNotice.objects.filter(uid__in=fields.denials))
    record(actor=None, action="grant-despite-denial.receive", obj=grant, reason=fields.reasons)
    tell_authorities(
        f"{fields.authority} ({sender}) granted a licence despite a valid denial for an "
        "essentially identical transaction (Art 16(5))",
        reverse("coordination:grants"),
        besides=sender,
    )
    return grant


class Counts(_Model):
    destination: str = Field(pattern=r"^[A-Z]{2}$")
    category: str = Field(pattern=r"^([0-9]|not listed)$")
    granted: int = Field(ge=0)
    refused: int = Field(ge=0)


class Statistics(_Model):
    id: uuid.UUID
    month: str = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")
    cells: list[Counts]


class DecisionStatisticsMessage(Envelope):
    statistics: Statistics


def _decision_statistics(message: DecisionStatisticsMessage, sender: str) -> DecisionStatistics:
    fields = message.statistics
    year, month = (int(part) for part in fields.month.split("-"))
    first = date(year, month, 1)
    if DecisionStatistics.objects.filter(
        member_state=sender, month=first, received_at__isnull=True
    ).exists():
        raise InvalidInput(
            f"statistics: {sender}'s decisions are counted on this deployment",
            details={"field": "statistics"},
        )
    # A month sent again (corrected) replaces the earlier counts.
    content = {"cells": [c.model_dump() for c in fields.cells], "received_at": timezone.now()}
    counted, _ = DecisionStatistics.objects.update_or_create(
        member_state=sender,
        month=first,
        defaults=content,
        create_defaults=content | {"uid": fields.id},
    )
    return counted


_APPLIERS: dict[MessageKind, tuple[type[Envelope], Callable[[Any, str], Any]]] = {
    MessageKind.DENIAL_NOTICE: (DenialNoticeMessage, _denial_notice),
    MessageKind.DENIAL_UPDATE: (DenialUpdateMessage, _denial_update),
    MessageKind.CONSULTATION_REQUEST: (ConsultationRequestMessage, _consultation_request),
    MessageKind.CONSULTATION_REPLY: (ConsultationReplyMessage, _consultation_reply),
    MessageKind.CONSULTATION_EXTENSION: (ConsultationExtensionMessage, _consultation_extension),
    MessageKind.CATCH_ALL_NOTICE: (CatchAllNoticeMessage, _catch_all_notice),
    MessageKind.CATCH_ALL_REVIEW: (CatchAllReviewMessage, _catch_all_review),
    MessageKind.GRANT_DESPITE_DENIAL: (GrantDespiteDenialMessage, _grant_despite_denial),
    MessageKind.DECISION_STATISTICS: (DecisionStatisticsMessage, _decision_statistics),
}
