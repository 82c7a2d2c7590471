"""Licences: issue on a grant, and every change of state afterwards.

Business rules live here; views and the API call these functions with keyword arguments.
Every state change goes through `licentia.audit.services.apply_transition`, so it is checked
against the table in `states.py`, guarded against concurrent changes, and audited.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from licentia.accounts.access import Actor as AccessActor
from licentia.accounts.access import Forbidden, actor_of
from licentia.applications.models import ApplicationKind
from licentia.audit.services import Actor, apply_transition, record
from licentia.cases.models import Decision, Outcome, RestrictiveKind
from licentia.cases.restrictive import record_restrictive_decision
from licentia.errors import Conflict, InvalidInput, NotFound, StaleObject
from licentia.licences.models import (
    Licence,
    LicenceLine,
    LicenceNumberSequence,
    Shipment,
)
from licentia.licences.states import LICENCE, LicenceState, LicenceTransition
from licentia.notifications.services import notify
from licentia.rules.model import PartyRole

DEFAULT_VALIDITY_MONTHS = 24
# Art 12(4) of Regulation (EU) 2021/821: up to two years; up to four for large projects.
MAX_VALIDITY_MONTHS = 24
MAX_LARGE_PROJECT_VALIDITY_MONTHS = 48

KIND_CODES: dict[str, str] = {
    ApplicationKind.INDIVIDUAL: "IEA",
    ApplicationKind.GLOBAL: "GEA",
    ApplicationKind.LARGE_PROJECT: "LPA",
    ApplicationKind.BROKERING: "BRA",
    ApplicationKind.TECHNICAL_ASSISTANCE: "TAA",
}
# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read aloud or typed from paper is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4


def issue_licence(
    decision: Decision,
    *,
    actor: Actor,
    validity_months: int | None = None,
    valid_from: date | None = None,
) -> Licence:
    """The licence a grant decision issues: number, code, validity, lines, parties, conditions.

    `validity_months` defaults to the granting recommendation's, then the application's
    request, then 24; more than 24 months (48 for a large project) is refused.
    """
    if decision.outcome != Outcome.GRANT:
        raise InvalidInput(
            f"a licence is issued only on a grant, not on {decision.get_outcome_display()}",
            details={"field": "outcome"},
        )
    case = decision.case
    application = case.application
    months = _validity_months(decision, validity_months)
    start = valid_from or timezone.localdate()
    with transaction.atomic():
        if Licence.objects.filter(decision=decision).exists():
            raise Conflict(
                f"decision {decision.pk} has already issued a licence",
                details={"decision": decision.pk},
            )
        licence = Licence.objects.create(
            decision=decision,
            holder=application.organisation,
            authority=case.authority,
            number=_next_number(
                member_state=case.authority.member_state, kind=application.kind, year=start.year
            ),
            verification_code=new_verification_code(),
            kind=application.kind,
            valid_from=start,
            valid_until=add_months(start, months) - timedelta(days=1),
            destinations=sorted(set(application.destinations)),
            end_users=[
                {"name": party.name, "country": party.country, "type": party.type}
                for party in application.parties.filter(role=PartyRole.END_USER).order_by("pk")
            ],
            conditions=decision.conditions,
        )
        LicenceLine.objects.bulk_create(
            LicenceLine(
                licence=licence,
                goods_line=goods,
                position=goods.position,
                description=goods.description,
                control_entry=goods.control_entry,
                quantity=goods.quantity,
                unit=goods.unit,
                value_eur=goods.value_eur,
            )
            for goods in application.goods_lines.order_by("position")
        )
        _tell_holder(
            licence,
            f"Licence {licence.number} was issued, valid from {licence.valid_from} to "
            f"{licence.valid_until}. Download it from the licence page.",
        )
        record(
            actor=actor,
            action="licence.issue",
            obj=licence,
            to_state=licence.state,
            payload={
                "number": licence.number,
                "decision": decision.pk,
                "valid_from": licence.valid_from,
                "valid_until": licence.valid_until,
                "lines": application.goods_lines.count(),
            },
        )
    return licence


def check_validity(*, kind: str, months: int) -> int:
    """`months` if a licence of `kind` may run that long; `InvalidInput` otherwise."""
    limit = (
        MAX_LARGE_PROJECT_VALIDITY_MONTHS
        if kind == ApplicationKind.LARGE_PROJECT
        else MAX_VALIDITY_MONTHS
    )
    if not 1 <= months <= limit:
        raise InvalidInput(
            f"a {ApplicationKind(kind).label} may be valid for 1 to {limit} months "
            f"(Art 12(4) of Regulation (EU) 2021/821), not {months}",
            details={"field": "validity_months", "limit": limit},
        )
    return months


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def new_verification_code() -> str:
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def _validity_months(decision: Decision, requested: int | None) -> int:
    application = decision.case.application
    if requested is None:
        recommendation = (
            decision.case.recommendations.filter(
                outcome=Outcome.GRANT, validity_months__isnull=False
            )
            .order_by("-recommended_at", "-pk")
            .first()
        )
        requested = (
            recommendation.validity_months
            if recommendation is not None
            else application.requested_validity_months
        )
    months = DEFAULT_VALIDITY_MONTHS if requested is None else requested
    return check_validity(kind=application.kind, months=months)


def _next_number(*, member_state: str, kind: str, year: int) -> str:
    """`DE-IEA-2026-000042`: the next in the Member State's series for the kind and year.

    The row is locked until the caller's transaction ends, so two issues at once on
    PostgreSQL wait for each other instead of taking the same number.
    """
    code = KIND_CODES[kind]
    key = {"member_state": member_state, "kind_code": code, "year": year}
    try:
        with transaction.atomic():
            LicenceNumberSequence.objects.get_or_create(**key)
    except IntegrityError:
        pass  # created by a concurrent issue in the meantime: lock it below
    sequence = LicenceNumberSequence.objects.select_for_update().get(**key)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{member_state}-{code}-{year}-{sequence.last:06d}"


def filter_licences(
    licences: QuerySet[Licence], *, state: str = "", kind: str = "", text: str = ""
) -> QuerySet[Licence]:
    """`licences` (what the caller may see) in `state`, of `kind`, matching number or holder."""
    if state:
        licences = licences.filter(state=state)
    if kind:
        licences = licences.filter(kind=kind)
    if text.strip():
        licences = licences.filter(
            Q(number__icontains=text.strip()) | Q(holder__name__icontains=text.strip())
        )
    return licences.select_related("holder", "authority")


def as_seen(licence: Licence, version: int | None) -> Licence:
    """The licence at the version the user's form or request showed: a change made to it
    is then refused (`StaleObject`, 409) if someone else changed the licence since."""
    if version is not None:
        licence.version = version
    return licence


# -- changes after issue -------------------------------------------------------------------


@dataclass(frozen=True)
class LineChange:
    """New granted quantity and value of a licence line (by position), in an amendment."""

    position: int
    quantity: Decimal
    value_eur: Decimal


def amend_licence(
    licence: Licence,
    *,
    actor: Actor,
    reason: str,
    conditions: str | None = None,
    valid_until: date | None = None,
    lines: Sequence[LineChange] = (),
    substantial_limitation: bool = False,
    criteria: Sequence[str] = (),
) -> Licence:
    """The authority changes conditions, validity or lines; the amendment number goes up.

    Validity stays within the Art 12(4) limit from `valid_from` and covers every shipment
    made; a line never drops below what was shipped under it. A `substantial_limitation` is
    also recorded as a restrictive decision for the other Member States (Art 16(2)).
    """
    _check_actor(actor, licence, LicenceTransition.AMEND)
    changes: dict[str, Any] = {}
    what: dict[str, Any] = {}
    if conditions is not None and conditions.strip() != licence.conditions:
        changes["conditions"] = conditions.strip()
        what["conditions"] = [licence.conditions, conditions.strip()]
    if valid_until is not None and valid_until != licence.valid_until:
        _check_valid_until(licence, valid_until)
        changes["valid_until"] = valid_until
        what["valid_until"] = [licence.valid_until, valid_until]
    usage = {u.line.position: u for u in line_usage(licence)}
    line_updates: list[tuple[LicenceLine, LineChange]] = []
    for change in lines:
        current = usage.get(change.position)
        if current is None:
            raise InvalidInput(
                f"licence {licence.number} has no line {change.position}",
                details={"field": "lines"},
            )
        if (change.quantity, change.value_eur) == (current.line.quantity, current.line.value_eur):
            continue
        _check_line_change(current, change)
        line_updates.append((current.line, change))
        what[f"line {change.position}"] = [
            {"quantity": current.line.quantity, "value_eur": current.line.value_eur},
            {"quantity": change.quantity, "value_eur": change.value_eur},
        ]
    if not what:
        raise InvalidInput("the amendment changes nothing", details={"field": "reason"})
    changes["amendment"] = licence.amendment + 1
    with transaction.atomic():
        apply_transition(
            licence,
            LICENCE,
            LicenceTransition.AMEND,
            actor=actor,
            reason=reason,
            payload={"amendment": changes["amendment"], "changes": what},
            changes=changes,
        )
        for line, change in line_updates:
            line.quantity, line.value_eur = change.quantity, change.value_eur
            line.save(update_fields=["quantity", "value_eur"])
        if substantial_limitation:
            record_restrictive_decision(
                kind=RestrictiveKind.SUBSTANTIAL_LIMITATION,
                case=licence.decision.case,
                reason=reason,
                actor=actor,
                criteria=criteria,
                licence=licence,
            )
        _exhaust_if_used_up(licence)
    _tell_holder(licence, f"Licence {licence.number} was amended (amendment {licence.amendment}).")
    return licence


def suspend_licence(
    licence: Licence, *, actor: Actor, reason: str, criteria: Sequence[str] = ()
) -> Licence:
    """Art 16(2): no exports until reinstated; recorded for the other Member States."""
    return _restrict(
        licence, LicenceTransition.SUSPEND, actor=actor, reason=reason, criteria=criteria
    )


def reinstate_licence(licence: Licence, *, actor: Actor, reason: str) -> Licence:
    _check_actor(actor, licence, LicenceTransition.REINSTATE)
    apply_transition(licence, LICENCE, LicenceTransition.REINSTATE, actor=actor, reason=reason)
    _tell_holder(licence, f"Licence {licence.number} was reinstated: {reason}")
    return licence


def annul_licence(
    licence: Licence, *, actor: Actor, reason: str, criteria: Sequence[str] = ()
) -> Licence:
    """Treated as never valid; recorded for the other Member States."""
    return _restrict(
        licence, LicenceTransition.ANNUL, actor=actor, reason=reason, criteria=criteria
    )


def revoke_licence(
    licence: Licence, *, actor: Actor, reason: str, criteria: Sequence[str] = ()
) -> Licence:
    """No longer valid from now; recorded for the other Member States."""
    return _restrict(
        licence, LicenceTransition.REVOKE, actor=actor, reason=reason, criteria=criteria
    )


def surrender_licence(licence: Licence, *, actor: Actor, reason: str = "") -> Licence:
    """The holder gives the licence up; it cannot be used again."""
    _check_actor(actor, licence, LicenceTransition.SURRENDER)
    apply_transition(licence, LICENCE, LicenceTransition.SURRENDER, actor=actor, reason=reason)
    _tell_holder(licence, f"Licence {licence.number} was surrendered.")
    return licence


def expire_licences(*, today: date | None = None) -> list[Licence]:
    """Expire every licence in force whose validity ended before `today`: the scheduled job.

    Idempotent: an expired licence is not selected again, and a licence another run or
    person changed meanwhile is left for the next run.
    """
    day = today or timezone.localdate()
    expired: list[Licence] = []
    due = Licence.objects.filter(
        state__in=[LicenceState.ACTIVE, LicenceState.SUSPENDED], valid_until__lt=day
    ).order_by("pk")
    for licence in due:
        try:
            apply_transition(
                licence,
                LICENCE,
                LicenceTransition.EXPIRE,
                actor=None,
                payload={"valid_until": licence.valid_until, "run_on": day},
            )
        except StaleObject:
            continue
        _tell_holder(licence, f"Licence {licence.number} expired on {licence.valid_until}.")
        expired.append(licence)
    return expired


_RESTRICTIVE_KINDS = {
    LicenceTransition.SUSPEND: RestrictiveKind.SUSPENSION,
    LicenceTransition.ANNUL: RestrictiveKind.ANNULMENT,
    LicenceTransition.REVOKE: RestrictiveKind.REVOCATION,
}


def _restrict(
    licence: Licence,
    name: LicenceTransition,
    *,
    actor: Actor,
    reason: str,
    criteria: Sequence[str],
) -> Licence:
    _check_actor(actor, licence, name)
    with transaction.atomic():
        apply_transition(
            licence, LICENCE, name, actor=actor, reason=reason, payload={"criteria": list(criteria)}
        )
        record_restrictive_decision(
            kind=_RESTRICTIVE_KINDS[name],
            case=licence.decision.case,
            reason=reason,
            actor=actor,
            criteria=criteria,
            licence=licence,
        )
    _tell_holder(
        licence, f"Licence {licence.number} was {licence.status.value} by the authority: {reason}"
    )
    return licence


def _check_actor(actor: Actor, licence: Licence, name: LicenceTransition) -> None:
    """The table names who may apply each transition; the licence must be theirs."""
    who = _actor(actor)
    allowed = LICENCE.transition(name).actors
    role = "exporter" if who.is_exporter else str(who.role)
    if role not in allowed:
        raise Forbidden(f"only {', '.join(sorted(allowed))} may {name} a licence")
    own = licence.holder_id if who.is_exporter else licence.authority_id
    if own != who.organisation.pk:
        raise NotFound(f"no licence {licence.pk} that you may see")


def _check_holder(actor: Actor, licence: Licence) -> None:
    """Only the holder's people record exports under a licence."""
    who = _actor(actor)
    if not who.is_exporter:
        raise Forbidden("only the licence holder records shipments")
    if licence.holder_id != who.organisation.pk:
        raise NotFound(f"no licence {licence.pk} that you may see")


def _actor(actor: Actor) -> AccessActor:
    if actor is None:
        raise Forbidden("this needs a signed-in user")
    return actor_of(actor)


def _check_valid_until(licence: Licence, valid_until: date) -> None:
    months = (
        MAX_LARGE_PROJECT_VALIDITY_MONTHS
        if licence.kind == ApplicationKind.LARGE_PROJECT
        else MAX_VALIDITY_MONTHS
    )
    latest = add_months(licence.valid_from, months) - timedelta(days=1)
    last_shipment = Shipment.objects.filter(line__licence=licence).order_by("-shipped_on").first()
    earliest = max(licence.valid_from, last_shipment.shipped_on if last_shipment else date.min)
    if not earliest <= valid_until <= latest:
        raise InvalidInput(
            f"the licence may run from {earliest} to {latest} at most "
            f"({months} months from {licence.valid_from}, covering every shipment made)",
            details={"field": "valid_until"},
        )


def _check_line_change(usage: LineUsage, change: LineChange) -> None:
    if change.quantity < usage.used_quantity or change.value_eur < usage.used_value:
        raise InvalidInput(
            f"line {change.position} cannot be less than what was shipped under it: "
            f"{usage.used_quantity} {usage.line.unit}, EUR {usage.used_value}",
            details={"field": "lines"},
        )
    if change.quantity <= 0 or change.value_eur < 0:
        raise InvalidInput(
            f"line {change.position}: the quantity must be positive and the value not negative",
            details={"field": "lines"},
        )


# -- use: shipments ------------------------------------------------------------------------


@dataclass(frozen=True)
class LineUsage:
    line: LicenceLine
    used_quantity: Decimal
    used_value: Decimal

    @property
    def remaining_quantity(self) -> Decimal:
        return self.line.quantity - self.used_quantity

    @property
    def remaining_value(self) -> Decimal:
        return self.line.value_eur - self.used_value

    @property
    def used_up(self) -> bool:
        """Nothing more can be shipped: no quantity left, or no value left of a priced line."""
        return self.remaining_quantity <= 0 or (
            self.line.value_eur > 0 and self.remaining_value <= 0
        )


def line_usage(licence: Licence) -> list[LineUsage]:
    lines = licence.lines.annotate(
        used_quantity=Sum("shipments__quantity"), used_value=Sum("shipments__value_eur")
    ).order_by("position")
    return [
        LineUsage(line, line.used_quantity or Decimal(0), line.used_value or Decimal(0))
        for line in lines
    ]


def shipments_of(licence: Licence) -> QuerySet[Shipment]:
    return Shipment.objects.filter(line__licence=licence).select_related("line", "recorded_by")


def keep_until(shipped_on: date) -> date:
    """Art 27: at least five years from the end of the calendar year of the export."""
    return date(shipped_on.year + 5, 12, 31)


def record_shipment(
    licence: Licence,
    *,
    actor: Actor,
    position: int,
    quantity: Decimal,
    value_eur: Decimal,
    shipped_on: date,
    consignee: str,
    destination: str,
    customs_reference: str = "",
    version: int | None = None,
) -> Shipment:
    """An export under line `position`; the licence is exhausted when every line is used up.

    `version` is the licence version the form showed: a licence changed since is a conflict.
    """
    _check_holder(actor, licence)
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        if version is not None and locked.version != version:
            raise StaleObject(
                f"licence {locked.number} changed since you opened it; reload it and try again",
                details={"object": "licences.licence", "id": locked.pk},
            )
        if not locked.status.usable:
            raise Conflict(
                f"licence {locked.number} is {locked.status.value}: "
                f"{locked.status.description.lower()}; no exports may be recorded under it",
                details={"state": locked.state},
            )
        usage = {u.line.position: u for u in line_usage(locked)}
        line = usage.get(position)
        if line is None:
            raise InvalidInput(
                f"licence {locked.number} has no line {position}", details={"field": "line"}
            )
        _check_shipment(locked, line, quantity, value_eur, shipped_on, destination.upper())
        if not consignee.strip():
            raise InvalidInput("name the consignee", details={"field": "consignee"})
        shipment = Shipment.objects.create(
            line=line.line,
            quantity=quantity,
            value_eur=value_eur,
            shipped_on=shipped_on,
            consignee=consignee.strip(),
            destination=destination.upper(),
            customs_reference=customs_reference.strip(),
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
            keep_until=keep_until(shipped_on),
        )
        record(
            actor=actor,
            action="licence.shipment",
            obj=locked,
            payload={
                "shipment": shipment.pk,
                "line": position,
                "quantity": quantity,
                "value_eur": value_eur,
                "shipped_on": shipped_on,
                "destination": shipment.destination,
                "customs_reference": shipment.customs_reference,
            },
        )
        _exhaust_if_used_up(locked)
    licence.state, licence.version = locked.state, locked.version
    return shipment


def _check_shipment(
    licence: Licence,
    usage: LineUsage,
    quantity: Decimal,
    value_eur: Decimal,
    shipped_on: date,
    destination: str,
) -> None:
    unit = usage.line.unit
    if quantity <= 0:
        raise InvalidInput("the quantity must be more than 0", details={"field": "quantity"})
    if value_eur < 0:
        raise InvalidInput("the value cannot be negative", details={"field": "value_eur"})
    if quantity > usage.remaining_quantity:
        raise InvalidInput(
            f"line {usage.line.position} has {usage.remaining_quantity} {unit} left, "
            f"not {quantity}",
            details={"field": "quantity", "remaining": usage.remaining_quantity},
        )
    if value_eur > usage.remaining_value:
        raise InvalidInput(
            f"line {usage.line.position} has EUR {usage.remaining_value} left, not {value_eur}",
            details={"field": "value_eur", "remaining": usage.remaining_value},
        )
    if not licence.valid_from <= shipped_on <= licence.valid_until:
        raise InvalidInput(
            f"the licence is valid from {licence.valid_from} to {licence.valid_until}; "
            f"{shipped_on} is outside that",
            details={"field": "shipped_on"},
        )
    if shipped_on > timezone.localdate():
        raise InvalidInput(
            "record a shipment once it is made, not before", details={"field": "shipped_on"}
        )
    if destination not in licence.destinations:
        raise InvalidInput(
            f"the licence covers {', '.join(licence.destinations)}, not {destination}",
            details={"field": "destination"},
        )


def _exhaust_if_used_up(licence: Licence) -> None:
    usage = line_usage(licence)
    if licence.status is LicenceState.ACTIVE and usage and all(u.used_up for u in usage):
        apply_transition(
            licence,
            LICENCE,
            LicenceTransition.EXHAUST,
            actor=None,
            payload={"lines": len(usage)},
        )
        _tell_holder(licence, f"Licence {licence.number} is used up (exhausted).")


def _tell_holder(licence: Licence, text: str) -> None:
    """In-app and e-mail to the holder's people, once the change commits."""
    notify(licence.holder, text, reverse("licences:detail", kwargs={"licence_id": licence.pk}))
