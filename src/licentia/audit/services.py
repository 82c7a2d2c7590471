"""Recording events, applying state transitions, and verifying the chain.

`apply_transition` is the one function every state machine in Licentia goes through: it
checks the transition against the machine's table, updates the object only if nobody changed
it since it was read (optimistic locking on `version`), and appends the audit event, all in one
transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from licentia.audit.models import AuditChainHead, AuditEvent
from licentia.errors import InvalidInput, StaleObject
from licentia.workflow.machine import StateMachine

SYSTEM = "system"
Actor = AbstractBaseUser | AnonymousUser | None


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    from_state: str = "",
    to_state: str = "",
) -> AuditEvent:
    """Append one event after the chain's head, inside the caller's transaction."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        user_id = actor.pk if actor is not None and actor.is_authenticated else None
        event = AuditEvent(
            sequence=head.sequence + 1,
            at=timezone.now(),
            actor=actor.get_username() if user_id is not None and actor else SYSTEM,
            actor_id=user_id,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            payload=json.loads(json.dumps(dict(payload or {}), default=str)),
            previous_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save()
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def apply_transition(
    obj: models.Model,
    machine: StateMachine[Any, Any],
    name: StrEnum,
    *,
    actor: Actor,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> StrEnum:
    """Move `obj` (with `state` and `version` fields) by transition `name`; returns the new state.

    Raises `IllegalTransition` (409) when the table forbids it, `StaleObject` (409) when the
    object changed since it was read, `InvalidInput` when a reason is required and missing.
    """
    current = type(machine.initial)(obj.state)  # type: ignore[attr-defined]
    target = machine.target(current, name)
    if machine.transition(name).needs_reason and not reason.strip():
        raise InvalidInput(f"{name} needs a reason", details={"field": "reason"})
    version: int = obj.version  # type: ignore[attr-defined]
    with transaction.atomic():
        updated = (
            type(obj)
            ._default_manager.filter(pk=obj.pk, state=current.value, version=version)
            .update(state=target.value, version=F("version") + 1, **dict(changes or {}))
        )
        if updated != 1:
            raise StaleObject(
                f"{obj._meta.verbose_name} {obj.pk} was changed by someone else; reload it and "
                "try again",
                details={"object": obj._meta.label_lower, "id": obj.pk},
            )
        record(
            actor=actor,
            action=f"{machine.name}.{name}",
            obj=obj,
            reason=reason,
            payload=payload,
            from_state=current.value,
            to_state=target.value,
        )
    obj.state = target.value  # type: ignore[attr-defined]
    obj.version = version + 1  # type: ignore[attr-defined]
    for field, value in (changes or {}).items():
        setattr(obj, field, value)
    return target


def event_hash(event: AuditEvent) -> str:
    content = {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "payload": event.payload,
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Verification:
    events: int
    head: str
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify() -> Verification:
    """Recompute every hash: an edited, inserted or deleted event breaks the chain."""
    problems: list[str] = []
    previous, expected, count = "0" * 64, 1, 0
    for event in _events():
        count += 1
        if event.sequence != expected:
            problems.append(f"events {expected} to {event.sequence - 1} are missing")
        if event.previous_hash != previous:
            problems.append(f"event {event.sequence} does not follow the event before it")
        if event_hash(event) != event.hash:
            problems.append(f"event {event.sequence} was changed after it was recorded")
        previous, expected = event.hash, event.sequence + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (expected - 1, previous):
        problems.append(
            f"the chain head records event {head.sequence}, but the last event is {expected - 1}"
        )
    return Verification(count, previous, tuple(problems))


def history(obj: models.Model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
