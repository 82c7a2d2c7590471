"""Decisions as the product stores them: organisation, application, case, decision, licence."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from licentia.accounts.models import Organisation, OrganisationKind
from licentia.applications.models import Application, ApplicationParty, GoodsLine
from licentia.cases.models import Case, Decision

_counter = itertools.count(1)


def organisation(
    name: str, kind: str = OrganisationKind.EXPORTER, state: str = "DE"
) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, member_state=state)


def decision(
    *,
    exporter: Organisation,
    authority: Organisation,
    outcome: str = "grant",
    destinations: tuple[str, ...] = ("CN",),
    lines: tuple[tuple[str, str], ...] = (("5A001.j", "100000"),),
    end_user: str = "police",
    kind: str = "individual",
    decided_on: dt.date = dt.date(2026, 3, 2),
    non_listed_cyber: bool = False,
) -> Decision:
    n = next(_counter)
    application = Application.objects.create(
        organisation=exporter,
        reference=f"{authority.member_state}-2026-{n:06d}",
        kind=kind,
        title=f"application {n}",
        member_state=authority.member_state,
        destinations=list(destinations),
        state="decided",
    )
    for position, (entry, value) in enumerate(lines, start=1):
        GoodsLine.objects.create(
            application=application,
            position=position,
            description=f"item {position}",
            control_entry=entry,
            cyber_surveillance=non_listed_cyber and not entry,
            quantity=Decimal(1),
            value_eur=Decimal(value),
        )
    for destination in destinations:
        ApplicationParty.objects.create(
            application=application,
            role="end-user",
            type=end_user,
            name=f"end user in {destination}",
            country=destination,
        )
    case = Case.objects.create(application=application, authority=authority, state="decided")
    made = Decision.objects.create(case=case, outcome=outcome, reasoning="test")
    moment = timezone.make_aware(dt.datetime.combine(decided_on, dt.time(12, 0)))
    Decision.objects.filter(pk=made.pk).update(decided_at=moment)
    made.refresh_from_db()
    return made


def many(count: int, **kwargs: Any) -> list[Decision]:
    return [decision(**kwargs) for _ in range(count)]
