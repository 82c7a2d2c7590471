"""Licences: issue on a grant, and every change of state afterwards.

Business rules live here; views and the API call these functions with keyword arguments.
Every state change goes through `licentia.audit.services.apply_transition`, so it is checked
against the table in `states.py`, guarded against concurrent changes, and audited.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from licentia.applications.models import ApplicationKind
from licentia.audit.services import Actor, record
from licentia.cases.models import Decision, Outcome
from licentia.errors import Conflict, InvalidInput
from licentia.licences.models import Licence, LicenceLine, LicenceNumberSequence
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
    return check_validity(kind=application.kind, months=requested or DEFAULT_VALIDITY_MONTHS)


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
