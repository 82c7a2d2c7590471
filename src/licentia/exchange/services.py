"""Publishing, receiving, ordering and replaying messages between deployments (docs/exchange.md).

- `publish` stores one envelope per recipient deployment in the outbox, numbered on that channel,
  inside the caller's transaction; after commit it is pushed to peers that answer.
- `receive` checks an envelope (shape, version, sender, recipient, signature, clock), stores it in
  the inbox under its message id (a second delivery changes nothing) and applies, in sequence
  order, every message whose predecessors are applied; later ones wait ("held").
- `sync` pushes what peers have not acknowledged, with backoff, pulls what they hold for us, and
  retries messages that failed to apply. Run it from cron; it is idempotent.
"""

from __future__ import annotations

import importlib
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from licentia.accounts.models import Organisation, OrganisationKind
from licentia.audit.services import Actor, record
from licentia.errors import Conflict, InvalidInput, NotFound
from licentia.exchange import conf, handlers, transport
from licentia.exchange.envelope import (
    Envelope,
    Recipient,
    Sender,
    SigningKey,
    canonical_json,
    check_not_future,
    parse,
    parse_json,
    parse_public_key,
    prepare,
    sign,
    unsigned_from_json,
    verify,
)
from licentia.exchange.errors import (
    DeliveryFailed,
    ExchangeError,
    ExchangeNotConfigured,
    MalformedEnvelope,
    NotARecipient,
    ReplayConflict,
    UnknownSender,
)
from licentia.exchange.keys import load_signing_key
from licentia.exchange.models import (
    BridgeCursor,
    DeliveredBy,
    InboxMessage,
    InboxState,
    OutboxMessage,
    OutboxState,
    Peer,
    Rejection,
)

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
PULL_PAGE = 100
MAX_PULL_PAGE = 500
REJECTED_BODY_LIMIT = 64 * 1024
# The code a peer of the European Commission speaks for (ISO 3166-1 reserves EU).
COMMISSION = "EU"


def local_deployment() -> str:
    deployment = conf.deployment_id()
    if not deployment:
        raise ExchangeNotConfigured(
            "this deployment has no exchange id: set LICENTIA_EXCHANGE_DEPLOYMENT (e.g. de-bafa)"
        )
    return deployment


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most 1 h between attempts to reach a peer."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


# -- peers -----------------------------------------------------------------------------------


def add_peer(
    *,
    deployment_id: str,
    base_url: str,
    public_key: str,
    member_states: Iterable[str],
    name: str = "",
    update: bool = False,
    actor: Actor = None,
) -> Peer:
    """Configure a peer (or, with `update`, change its address, key or Member States)."""
    states = sorted({code.strip().upper() for code in member_states if code.strip()})
    if not states or any(len(code) != 2 or not code.isalpha() for code in states):
        raise InvalidInput(
            "give the Member States the peer speaks for as two-letter codes, e.g. FR,BE",
            details={"field": "member_states"},
        )
    if not base_url.startswith(("https://", "http://")):
        raise InvalidInput(
            "the base URL starts with https:// (or http:// on a private network)",
            details={"field": "base_url"},
        )
    try:
        parse_public_key(public_key)
    except MalformedEnvelope as exc:
        raise InvalidInput(exc.message, details={"field": "public_key"}) from exc
    if deployment_id == conf.deployment_id():
        raise InvalidInput(
            f"{deployment_id} is this deployment's own id", details={"field": "deployment_id"}
        )
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(deployment_id=deployment_id).first()
        if peer is not None and not update:
            raise Conflict(
                f"peer {deployment_id} is already configured; use --update to change it",
                details={"field": "deployment_id"},
            )
        action = "exchange.peer_updated" if peer is not None else "exchange.peer_added"
        peer = peer or Peer(deployment_id=deployment_id)
        peer.base_url, peer.public_key = base_url, public_key.strip()
        peer.member_states, peer.active = ",".join(states), True
        peer.name = name or peer.name
        peer.full_clean(exclude=["key_id"])
        peer.save()
        record(
            actor=actor,
            action=action,
            obj=peer,
            payload={
                "base_url": base_url,
                "key_id": peer.key_id,
                "member_states": states,
            },
        )
    return peer


def set_peer_active(deployment_id: str, *, active: bool, actor: Actor = None) -> Peer:
    with transaction.atomic():
        peer = get_peer(deployment_id, for_update=True)
        peer.active = active
        peer.save(update_fields=["active"])
        record(
            actor=actor,
            action="exchange.peer_enabled" if active else "exchange.peer_disabled",
            obj=peer,
        )
    return peer


def get_peer(deployment_id: str, *, for_update: bool = False) -> Peer:
    query = Peer.objects.select_for_update() if for_update else Peer.objects
    peer = query.filter(deployment_id=deployment_id).first()
    if peer is None:
        raise NotFound(f"no peer {deployment_id!r} is configured", details={"peer": deployment_id})
    return peer


# -- publishing ------------------------------------------------------------------------------


def _member_state(authority: object, *, field_name: str) -> str:
    if isinstance(authority, Organisation):
        if authority.kind != OrganisationKind.AUTHORITY:
            raise InvalidInput(
                f"{authority} is not a competent authority", details={"field": field_name}
            )
        code = authority.member_state
    elif isinstance(authority, str):
        code = authority
    else:
        raise InvalidInput(
            f"{field_name} must be an authority or a Member State code",
            details={"field": field_name},
        )
    code = code.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise InvalidInput(f"{code!r} is not a Member State code", details={"field": field_name})
    return code


def publish(
    kind: str,
    payload: Mapping[str, Any],
    *,
    sender_authority: Organisation | str,
    recipients: Iterable[Organisation | str] | None = None,
    message_id: str | uuid.UUID | None = None,
) -> list[OutboxMessage]:
    """Queue `payload` for the other deployments, one envelope per recipient deployment.

    `sender_authority` is the sending authority (or its Member State code); `recipients` are
    authorities or Member State codes (None: every active peer, for all its Member States).
    Member States no peer speaks for are left out (they are reached by other means). Runs in the
    caller's transaction: if it rolls back, nothing is sent. Delivery starts after commit.

    `message_id` (default: a new UUID) is the same in every peer's envelope; publishing the same
    id again sends nothing more to a peer that already has it queued or delivered.
    """
    sender_state = _member_state(sender_authority, field_name="sender_authority")
    canonical_json(dict(payload))  # refuses floats and other values that do not travel
    wanted = (
        None
        if recipients is None
        else {_member_state(r, field_name="recipients") for r in recipients} - {sender_state}
    )
    routes: list[tuple[Peer, list[str]]] = []
    for peer in Peer.objects.filter(active=True).order_by("deployment_id"):
        states = peer.states if wanted is None else [s for s in peer.states if s in wanted]
        if states:
            routes.append((peer, states))
    if not routes:
        return []
    deployment = local_deployment()
    now = timezone.now()
    shared_id = str(_uuid(str(message_id)) if message_id else uuid.uuid4())
    messages: list[OutboxMessage] = []
    with transaction.atomic():
        for route_peer, states in routes:
            peer = Peer.objects.select_for_update().get(pk=route_peer.pk)
            if OutboxMessage.objects.filter(peer=peer, message_id=shared_id).exists():
                continue
            peer.last_sent_sequence += 1
            peer.save(update_fields=["last_sent_sequence"])
            envelope = prepare(
                kind=kind,
                sender=Sender(member_state=sender_state, deployment=deployment),
                recipient=Recipient(deployment=peer.deployment_id, member_states=tuple(states)),
                sequence=peer.last_sent_sequence,
                payload=payload,
                created_at=now,
                message_id=shared_id,
            )
            message = OutboxMessage.objects.create(
                message_id=uuid.UUID(envelope.message_id),
                peer=peer,
                sequence=envelope.sequence,
                kind=kind,
                sender_member_state=sender_state,
                envelope=canonical_json(envelope.to_dict()).decode("utf-8"),
                digest=envelope.digest,
                created_at=now,
                next_attempt_at=now,
            )
            record(
                actor=None,
                action="exchange.published",
                obj=message,
                payload={
                    "message_id": envelope.message_id,
                    "kind": kind,
                    "peer": peer.deployment_id,
                    "sequence": envelope.sequence,
                    "digest": envelope.digest,
                },
            )
            messages.append(message)
        if messages and conf.push_on_commit():
            peer_ids = sorted({m.peer_id for m in messages})
            transaction.on_commit(lambda: push_after_commit(peer_ids))
    return messages


def collect_from_coordination() -> int:
    """Publish the coordination outbox entries not yet handed over (`licentia.coordination.
    outbox.pending`), in order; returns how many. Idempotent: a cursor remembers the last one."""
    try:
        outbox = importlib.import_module("licentia.coordination.outbox")
    except ModuleNotFoundError:
        return 0
    count = 0
    with transaction.atomic():
        cursor, _ = BridgeCursor.objects.select_for_update().get_or_create(pk=1)
        for entry in outbox.pending(after=cursor.after):
            publish(
                str(entry.kind),
                entry.payload,
                sender_authority=entry.sender,
                recipients=_coordination_recipients(entry.recipients, entry.to_commission),
                message_id=entry.message_id,
            )
            cursor.after = entry.pk
            count += 1
        cursor.save(update_fields=["after"])
    return count


def _coordination_recipients(member_states: list[str], to_commission: bool) -> list[str] | None:
    """Every peer (None) for a message to all states; else the states named, and the
    Commission's peer (`COMMISSION`) when the message goes to the Commission too."""
    if not member_states:
        return None
    return [*member_states, COMMISSION] if to_commission else list(member_states)


def collect_and_push() -> None:
    """After a coordination message is committed: hand it over and try to deliver it now."""
    try:
        collect_from_coordination()
    except Exception:  # the cron sync hands it over later
        logger.exception("exchange: handing over the coordination outbox failed")


def push_after_commit(peer_ids: Iterable[int]) -> None:
    """Try each peer once (respecting backoff); failures are left to `sync`."""
    for peer in Peer.objects.filter(pk__in=list(peer_ids), active=True):
        try:
            push(peer)
        except Exception:  # never fail the request that published
            logger.exception("pushing to peer %s after commit failed", peer.deployment_id)


def signed_envelope(message: OutboxMessage, key: SigningKey) -> Envelope:
    return sign(unsigned_from_json(message.envelope), key)


# -- receiving -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    message_id: str
    sequence: int
    status: str  # applied, held, failed, skipped (this message's state), or duplicate
    applied_through: int

    def to_dict(self) -> dict[str, object]:
        return {
            "message_id": self.message_id,
            "sequence": self.sequence,
            "status": self.status,
            "applied_through": self.applied_through,
        }


def reject(
    exc: ExchangeError,
    *,
    via: str,
    body: bytes | str = b"",
    claimed_sender: str = "",
    message_id: str = "",
    remote_address: str | None = None,
) -> Rejection:
    """Keep a refused envelope or request, and append the audit event (its own transaction)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    with transaction.atomic():
        rejection = Rejection.objects.create(
            at=timezone.now(),
            code=exc.code,
            message=exc.message,
            claimed_sender=claimed_sender[:63],
            message_id=message_id[:64],
            remote_address=remote_address or None,
            via=via,
            body=text[:REJECTED_BODY_LIMIT],
            details=json.loads(json.dumps(exc.details, default=str)),
        )
        record(
            actor=None,
            action="exchange.rejected",
            obj=rejection,
            reason=exc.message,
            payload={
                "code": exc.code,
                "claimed_sender": claimed_sender,
                "message_id": message_id,
                "via": via,
            },
        )
    logger.warning("exchange: refused %s from %s: %s", via, claimed_sender or "?", exc.message)
    return rejection


def _claimed(data: object) -> tuple[str, str]:
    """Who the body says it is from, and its message id, for the record of a refusal."""
    if not isinstance(data, Mapping):
        return "", ""
    sender = data.get("sender")
    deployment = sender.get("deployment", "") if isinstance(sender, Mapping) else ""
    message_id = data.get("message_id", "")
    return (
        deployment if isinstance(deployment, str) else "",
        message_id if isinstance(message_id, str) else "",
    )


def receive(
    data: Mapping[str, Any] | bytes | str,
    *,
    via: str = DeliveredBy.PUSH,
    peer: Peer | None = None,
    remote_address: str | None = None,
) -> Receipt:
    """Check, store (once) and apply in order an envelope; refusals are kept and audited.

    `peer` is who delivered it (the signer of a push request, or the peer pulled from): an
    envelope must come from the deployment that delivers it.
    """
    body = data if isinstance(data, bytes | str) else canonical_json(dict(data))
    claimed_sender, claimed_id = "", ""
    try:
        if isinstance(data, bytes | str):
            try:
                raw: object = json.loads(data)
            except ValueError:
                raw = None
            claimed_sender, claimed_id = _claimed(raw)
            envelope = parse_json(data)
        else:
            claimed_sender, claimed_id = _claimed(data)
            envelope = parse(data)
        sender_peer = _check(envelope, peer)
    except ExchangeError as exc:
        reject(
            exc,
            via=via,
            body=body,
            claimed_sender=claimed_sender or (peer.deployment_id if peer else ""),
            message_id=claimed_id,
            remote_address=remote_address,
        )
        raise
    try:
        return _store_and_apply(envelope, sender_peer, via=via)
    except ReplayConflict as exc:
        reject(
            exc,
            via=via,
            body=body,
            claimed_sender=envelope.sender.deployment,
            message_id=envelope.message_id,
            remote_address=remote_address,
        )
        raise


def _check(envelope: Envelope, delivered_by: Peer | None) -> Peer:
    deployment = envelope.sender.deployment
    if delivered_by is not None and delivered_by.deployment_id != deployment:
        raise UnknownSender(
            f"peer {delivered_by.deployment_id} delivered a message signed as {deployment}: "
            "deployments do not relay each other's messages",
            details={"message_id": envelope.message_id},
        )
    peer = Peer.objects.filter(deployment_id=deployment, active=True).first()
    if peer is None:
        raise UnknownSender(
            f"no active peer {deployment!r} is configured on this deployment",
            details={"sender": deployment, "message_id": envelope.message_id},
        )
    if envelope.sender.member_state not in peer.states:
        raise UnknownSender(
            f"peer {deployment} does not speak for Member State {envelope.sender.member_state} "
            f"(configured: {', '.join(peer.states)})",
            details={"sender": deployment, "message_id": envelope.message_id},
        )
    local = local_deployment()
    if envelope.recipient.deployment != local:
        raise NotARecipient(
            f"message {envelope.message_id} is for deployment {envelope.recipient.deployment}, "
            f"not {local}",
            details={"message_id": envelope.message_id},
        )
    verify(envelope, parse_public_key(peer.public_key))
    check_not_future(envelope, now=timezone.now(), max_skew=conf.max_skew())
    return peer


def _store_and_apply(envelope: Envelope, sender_peer: Peer, *, via: str) -> Receipt:
    message_id = uuid.UUID(envelope.message_id)
    with transaction.atomic():
        peer = Peer.objects.select_for_update().get(pk=sender_peer.pk)
        existing = InboxMessage.objects.filter(message_id=message_id).first()
        if existing is not None:
            if existing.digest != envelope.digest:
                raise ReplayConflict(
                    f"message {envelope.message_id} was received before with different "
                    "content; the first version stands",
                    details={"message_id": envelope.message_id, "stored_digest": existing.digest},
                )
            return Receipt(
                envelope.message_id, envelope.sequence, "duplicate", peer.applied_through
            )
        taken = InboxMessage.objects.filter(peer=peer, sequence=envelope.sequence).first()
        if taken is not None:
            raise ReplayConflict(
                f"sequence {envelope.sequence} from {peer.deployment_id} was already used by "
                f"message {taken.message_id}; was the sender's database restored from a backup?",
                details={"message_id": envelope.message_id, "sequence": envelope.sequence},
            )
        now = timezone.now()
        message = InboxMessage.objects.create(
            message_id=message_id,
            peer=peer,
            sequence=envelope.sequence,
            kind=envelope.kind,
            sender_member_state=envelope.sender.member_state,
            envelope=envelope.to_json(),
            digest=envelope.digest,
            created_at=envelope.created_at,
            received_at=now,
            received_by=via,
        )
        record(
            actor=None,
            action="exchange.received",
            obj=message,
            payload={
                "message_id": envelope.message_id,
                "kind": envelope.kind,
                "peer": peer.deployment_id,
                "sequence": envelope.sequence,
                "via": via,
            },
        )
        stored = set(
            InboxMessage.objects.filter(peer=peer, sequence__gt=peer.received_through).values_list(
                "sequence", flat=True
            )
        )
        while peer.received_through + 1 in stored:
            peer.received_through += 1
        peer.last_contact_at = now
        peer.save(update_fields=["received_through", "last_contact_at"])
        _drain(peer)
        message.refresh_from_db(fields=["state"])
    return Receipt(envelope.message_id, envelope.sequence, message.state, peer.applied_through)


def _drain(peer: Peer) -> int:
    """Apply, in order, the messages after `applied_through`; stop at a gap or a failure.
    The caller holds the peer's row lock inside a transaction."""
    applied = 0
    while True:
        message = InboxMessage.objects.filter(
            peer=peer,
            sequence=peer.applied_through + 1,
            state__in=[InboxState.HELD, InboxState.FAILED],
        ).first()
        if message is None:
            break
        envelope = parse_json(message.envelope)
        sender = envelope.sender
        try:
            with transaction.atomic():
                handlers.dispatch(envelope.kind, envelope.payload, sender=sender)
        except Exception as exc:
            logger.exception(
                "exchange: message %s (%s #%s from %s) failed to apply",
                message.message_id,
                message.kind,
                message.sequence,
                peer.deployment_id,
            )
            message.state = InboxState.FAILED
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.save(update_fields=["state", "attempts", "last_error"])
            record(
                actor=None,
                action="exchange.apply_failed",
                obj=message,
                reason=message.last_error,
                payload={"message_id": str(message.message_id), "attempts": message.attempts},
            )
            break
        message.state = InboxState.APPLIED
        message.attempts += 1
        message.applied_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["state", "attempts", "applied_at", "last_error"])
        record(
            actor=None,
            action="exchange.applied",
            obj=message,
            payload={
                "message_id": str(message.message_id),
                "kind": message.kind,
                "sequence": message.sequence,
            },
        )
        peer.applied_through += 1
        applied += 1
    peer.save(update_fields=["applied_through"])
    return applied


def drain(peer: Peer) -> int:
    """Retry messages from `peer` that wait or failed; returns how many were applied."""
    with transaction.atomic():
        locked = Peer.objects.select_for_update().get(pk=peer.pk)
        count = _drain(locked)
    peer.applied_through = locked.applied_through
    return count


def skip(message_id: str, *, reason: str, actor: Actor = None) -> InboxMessage:
    """An operator gives up on a message that cannot be applied, so the ones after it go on."""
    if not reason.strip():
        raise InvalidInput("say why the message is skipped", details={"field": "reason"})
    with transaction.atomic():
        message = InboxMessage.objects.filter(message_id=_uuid(message_id)).first()
        if message is None:
            raise NotFound(f"no received message {message_id}")
        peer = Peer.objects.select_for_update().get(pk=message.peer_id)
        message.refresh_from_db()
        if message.state != InboxState.FAILED or message.sequence != peer.applied_through + 1:
            raise Conflict(
                f"only the failed message next in line can be skipped (this one is "
                f"{message.state}, #{message.sequence}; applied through #{peer.applied_through})"
            )
        message.state = InboxState.SKIPPED
        message.save(update_fields=["state"])
        record(
            actor=actor,
            action="exchange.skipped",
            obj=message,
            reason=reason,
            from_state=InboxState.FAILED,
            to_state=InboxState.SKIPPED,
        )
        peer.applied_through += 1
        peer.save(update_fields=["applied_through"])
        _drain(peer)
    return message


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise InvalidInput(
            f"{text!r} is not a message id", details={"field": "message_id"}
        ) from exc


# -- the outbox as peers pull it -------------------------------------------------------------


@dataclass(frozen=True)
class OutboxPage:
    envelopes: list[dict[str, Any]]
    more: bool
    last_sequence: int


def outbox_for(peer: Peer, *, after: int, limit: int = PULL_PAGE) -> OutboxPage:
    """The messages for `peer` after sequence `after`, signed. Asking for what follows `after`
    acknowledges everything up to it: those messages are no longer pushed."""
    if after < 0:
        raise InvalidInput("after must be 0 or more", details={"field": "after"})
    limit = max(1, min(limit, MAX_PULL_PAGE))
    key = load_signing_key()
    with transaction.atomic():
        locked = Peer.objects.select_for_update().get(pk=peer.pk)
        if after > locked.last_sent_sequence:
            raise Conflict(
                f"{peer.deployment_id} has received up to #{after}, but this deployment has sent "
                f"only up to #{locked.last_sent_sequence} on that channel: was this database "
                "restored from a backup? (see docs/exchange.md, restoring a backup)",
                details={"after": after, "last_sent_sequence": locked.last_sent_sequence},
            )
        now = timezone.now()
        OutboxMessage.objects.filter(
            peer=locked, state=OutboxState.PENDING, sequence__lte=after
        ).update(state=OutboxState.DELIVERED, delivered_at=now, delivered_by=DeliveredBy.PULL)
        locked.last_contact_at = now
        locked.save(update_fields=["last_contact_at"])
    messages = list(
        OutboxMessage.objects.filter(peer=peer, sequence__gt=after).order_by("sequence")[
            : limit + 1
        ]
    )
    envelopes = [signed_envelope(m, key).to_dict() for m in messages[:limit]]
    return OutboxPage(envelopes, len(messages) > limit, locked.last_sent_sequence)


# -- push, pull, sync ------------------------------------------------------------------------


@dataclass
class ChannelReport:
    peer: str
    pushed: int = 0
    pulled: int = 0
    applied: int = 0
    deferred: bool = False  # backing off: the next attempt is later
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.peer}: pushed {self.pushed}, pulled {self.pulled}, applied {self.applied}"]
        if self.deferred:
            parts.append("push deferred (backing off)")
        parts.extend(f"error: {error}" for error in self.errors)
        return "; ".join(parts)


def pending_count(peer: Peer) -> int:
    return OutboxMessage.objects.filter(peer=peer, state=OutboxState.PENDING).count()


def push(
    peer: Peer,
    *,
    force: bool = False,
    key: SigningKey | None = None,
    report: ChannelReport | None = None,
) -> ChannelReport:
    """Push pending messages to `peer` in sequence order; stop at the first failure and wait
    before the next attempt (backoff). `force` ignores the backoff."""
    report = report or ChannelReport(peer.deployment_id)
    pending = OutboxMessage.objects.filter(peer=peer, state=OutboxState.PENDING).order_by(
        "sequence"
    )
    first = pending.first()
    if first is None:
        return report
    now = timezone.now()
    if not force and first.next_attempt_at > now:
        report.deferred = True
        return report
    key = key or load_signing_key()
    for message in pending:
        body = signed_envelope(message, key).to_json().encode("utf-8")
        attempted = timezone.now()
        try:
            answer = transport.call(
                peer, key=key, method="POST", path=transport.INBOX_PATH, body=body
            )
            error = "" if 200 <= answer.status < 300 else answer.error
        except DeliveryFailed as exc:
            error = exc.message
        if error:
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=message.attempts + 1,
                last_attempt_at=attempted,
                next_attempt_at=attempted + backoff(message.attempts + 1),
                last_error=error[:2000],
            )
            Peer.objects.filter(pk=peer.pk).update(last_error=error[:2000])
            report.errors.append(f"#{message.sequence} {message.kind}: {error}")
            break
        OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.PENDING).update(
            state=OutboxState.DELIVERED,
            attempts=message.attempts + 1,
            last_attempt_at=attempted,
            delivered_at=timezone.now(),
            delivered_by=DeliveredBy.PUSH,
            last_error="",
        )
        Peer.objects.filter(pk=peer.pk).update(last_contact_at=timezone.now(), last_error="")
        report.pushed += 1
    return report


def pull(
    peer: Peer, *, key: SigningKey | None = None, report: ChannelReport | None = None
) -> ChannelReport:
    """Fetch and receive what `peer` holds for this deployment after what is stored here."""
    report = report or ChannelReport(peer.deployment_id)
    key = key or load_signing_key()
    while True:
        peer.refresh_from_db(fields=["received_through", "applied_through"])
        try:
            answer = transport.call(
                peer,
                key=key,
                method="GET",
                path=f"{transport.OUTBOX_PATH}?after={peer.received_through}&limit={PULL_PAGE}",
            )
        except DeliveryFailed as exc:
            report.errors.append(exc.message)
            return report
        if answer.status != 200:
            report.errors.append(f"pull: {answer.error}")
            return report
        envelopes = answer.data.get("envelopes")
        if not isinstance(envelopes, list):
            report.errors.append("pull: the answer has no list of envelopes")
            return report
        for item in envelopes:
            try:
                receipt = receive(
                    item if isinstance(item, Mapping) else {}, via=DeliveredBy.PULL, peer=peer
                )
            except ExchangeError as exc:
                report.errors.append(f"pull: refused an envelope: {exc.message}")
                return report
            if receipt.status != "duplicate":
                report.pulled += 1
        if not answer.data.get("more") or not envelopes:
            return report


def sync(
    *,
    peers: Iterable[str] | None = None,
    force: bool = False,
    do_push: bool = True,
    do_pull: bool = True,
) -> list[ChannelReport]:
    """One round with every active peer (or those named): retry failed applies, push, pull."""
    query = Peer.objects.filter(active=True)
    if peers is not None:
        names = list(peers)
        query = query.filter(deployment_id__in=names)
        missing = sorted(set(names) - set(query.values_list("deployment_id", flat=True)))
        if missing:
            raise NotFound(f"no active peer {', '.join(missing)}", details={"peers": missing})
    key = load_signing_key()
    reports: list[ChannelReport] = []
    if do_push:
        collect_from_coordination()
    for peer in query.order_by("deployment_id"):
        report = ChannelReport(peer.deployment_id)
        before = peer.applied_through
        drain(peer)
        if do_push:
            push(peer, force=force, key=key, report=report)
        if do_pull:
            pull(peer, key=key, report=report)
        peer.refresh_from_db()
        report.applied = peer.applied_through - before
        if report.errors:
            Peer.objects.filter(pk=peer.pk).update(last_error=report.errors[-1][:2000])
        reports.append(report)
    return reports


# -- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerStatus:
    peer: Peer
    pending: int
    oldest_pending: datetime | None
    next_attempt: datetime | None
    held: int
    failed: int
    last_failure: str


def status() -> list[PeerStatus]:
    rows: list[PeerStatus] = []
    for peer in Peer.objects.order_by("deployment_id"):
        pending = OutboxMessage.objects.filter(peer=peer, state=OutboxState.PENDING)
        aggregates = pending.aggregate(oldest=Min("created_at"), next=Min("next_attempt_at"))
        inbox = InboxMessage.objects.filter(peer=peer)
        failed = inbox.filter(state=InboxState.FAILED).order_by("sequence").first()
        rows.append(
            PeerStatus(
                peer=peer,
                pending=pending.count(),
                oldest_pending=aggregates["oldest"],
                next_attempt=aggregates["next"],
                held=inbox.filter(Q(state=InboxState.HELD)).count(),
                failed=inbox.filter(state=InboxState.FAILED).count(),
                last_failure=failed.last_error if failed else "",
            )
        )
    return rows
