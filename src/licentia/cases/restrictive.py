"""Recording refusals, annulments, suspensions, limitations and revocations.

Art 16(2) of Regulation (EU) 2021/821: a Member State tells the others and the Commission of
every such decision. Each is recorded here with a copy of what it concerned, and the signal
`restrictive_decision_recorded` goes out once the transaction commits. The cases (refusals)
and the licences (suspension, annulment, revocation, substantial limitation) call
`record_restrictive_decision`; it imports neither of their services.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from licentia.audit.services import Actor, record
from licentia.cases.models import Case, Criterion, RestrictiveDecision, RestrictiveKind
from licentia.cases.signals import restrictive_decision_recorded
from licentia.errors import InvalidInput
from licentia.rules.model import PartyRole

if TYPE_CHECKING:
    from licentia.licences.models import Licence


def record_restrictive_decision(
    *,
    kind: RestrictiveKind,
    case: Case,
    reason: str,
    actor: Actor,
    criteria: Sequence[str] = (),
    licence: Licence | None = None,
    decided_at: datetime | None = None,
) -> RestrictiveDecision:
    """Record one restrictive decision with a copy of its items, end users and destinations.

    With a licence, the copy is of the licence as granted; otherwise of the application.
    Criterion codes must be those of `Criterion`; a refusal must cite at least one.
    """
    if not reason.strip():
        raise InvalidInput("reason: say why", details={"field": "reason"})
    codes = list(dict.fromkeys(criteria))
    unknown = [c for c in codes if c not in Criterion.values]
    if unknown:
        raise InvalidInput(
            f"criteria: unknown criterion code(s) {', '.join(unknown)}; choose from "
            f"{', '.join(Criterion.values)}",
            details={"field": "criteria"},
        )
    if kind == RestrictiveKind.REFUSAL and not codes:
        raise InvalidInput("criteria: a refusal cites its criteria", details={"field": "criteria"})
    application = case.application
    lines = licence.lines.all() if licence is not None else application.goods_lines.all()
    items = [
        {
            "description": line.description,
            "entry": line.control_entry,
            "quantity": str(line.quantity),
            "value_eur": str(line.value_eur),
        }
        for line in lines
    ]
    if licence is not None:
        end_users, destinations = list(licence.end_users), list(licence.destinations)
    else:
        end_users = [
            {"name": p.name, "country": p.country, "type": p.type, "address": p.address}
            for p in application.parties.filter(role=PartyRole.END_USER)
        ]
        destinations = list(application.destinations)
    with transaction.atomic():
        decision = RestrictiveDecision.objects.create(
            kind=kind,
            case=case,
            licence=licence,
            authority=case.authority,
            criteria=codes,
            reason=reason.strip(),
            decided_by=actor if isinstance(actor, AbstractBaseUser) else None,
            decided_at=decided_at or timezone.now(),
            items=items,
            end_users=end_users,
            destinations=destinations,
        )
        record(
            actor=actor,
            action=f"restrictive-decision.{kind}",
            obj=decision,
            reason=decision.reason,
            payload={
                "case": case.pk,
                "licence": licence.pk if licence else None,
                "criteria": codes,
            },
        )
        transaction.on_commit(
            lambda: restrictive_decision_recorded.send(
                sender=RestrictiveDecision, decision=decision
            )
        )
    return decision
