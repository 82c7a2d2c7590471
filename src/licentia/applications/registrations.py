"""Registrations for the Union general export authorisations (EU001-EU008) and usage reports.

A UGEA needs no application: the exporter registers before (or notifies within 30 days
after) the first use, and reports the exports made under it periodically. One live
registration per authorisation and organisation; a withdrawn one may be registered again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from licentia.accounts.models import Organisation
from licentia.applications.models import GeneralAuthorisationRegistration, UsageReport
from licentia.applications.services import checked_amount, control_entry
from licentia.audit.services import record
from licentia.errors import Conflict, InvalidInput
from licentia.reference.countries import country
from licentia.reference.eu import is_member_state
from licentia.rules.law import GENERAL_AUTHORISATIONS, GeneralAuthorisationRule

MAX_LINES = 2000
MAX_QUANTITY = Decimal("1000000000")
MAX_VALUE_EUR = Decimal("10000000000")
_RULES = {rule.code: rule for rule in GENERAL_AUTHORISATIONS}


def general_authorisation_choices() -> list[tuple[str, str]]:
    return [(rule.code, f"{rule.code}: {rule.title}") for rule in GENERAL_AUTHORISATIONS]


def rule_of(code: str) -> GeneralAuthorisationRule:
    rule = _RULES.get(code.strip().upper())
    if rule is None:
        raise InvalidInput(
            f"unknown general authorisation {code!r}; choose one of {', '.join(_RULES)}",
            details={"field": "code"},
        )
    return rule


def registrations_of(*, organisation: Organisation) -> QuerySet[GeneralAuthorisationRegistration]:
    return GeneralAuthorisationRegistration.objects.filter(organisation=organisation).order_by(
        "withdrawn_at", "code", "-registered_at"
    )


def register(
    *,
    organisation: Organisation,
    code: str,
    user: AbstractBaseUser,
    first_use_on: date | None = None,
) -> GeneralAuthorisationRegistration:
    """Register the organisation for a UGEA; acknowledged at once with the registration's number."""
    rule = rule_of(code)
    if not organisation.member_state or not is_member_state(
        organisation.member_state, timezone.localdate()
    ):
        raise InvalidInput(
            "only an exporter established in a Member State may use a Union general export "
            "authorisation",
            details={"field": "code"},
        )
    if first_use_on is not None and first_use_on > timezone.localdate():
        raise InvalidInput(
            "the first use cannot be in the future; leave it empty until you use it",
            details={"field": "first_use_on"},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            registration = GeneralAuthorisationRegistration.objects.create(
                organisation=organisation,
                code=rule.code,
                acknowledged_at=now,
                first_use_on=first_use_on,
            )
            record(
                actor=user,
                action="registration.register",
                obj=registration,
                payload={"code": rule.code, "first_use_on": first_use_on},
            )
    except IntegrityError:
        raise Conflict(
            f"your organisation is already registered for {rule.code}",
            details={"field": "code"},
        ) from None
    return registration


def withdraw_registration(
    *, registration: GeneralAuthorisationRegistration, user: AbstractBaseUser
) -> GeneralAuthorisationRegistration:
    with transaction.atomic():
        updated = GeneralAuthorisationRegistration.objects.filter(
            pk=registration.pk, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        if updated != 1:
            raise Conflict(f"the registration for {registration.code} is already withdrawn")
        registration.refresh_from_db()
        record(
            actor=user,
            action="registration.withdraw",
            obj=registration,
            payload={"code": registration.code},
        )
    return registration


@dataclass(frozen=True)
class ReportLine:
    item: str
    entry: str
    quantity: Decimal
    value_eur: Decimal
    consignee: str
    destination: str


def submit_report(
    *,
    registration: GeneralAuthorisationRegistration,
    period_start: date,
    period_end: date,
    lines: Sequence[Mapping[str, Any]],
    user: AbstractBaseUser,
) -> UsageReport:
    """A report of the exports made under the registration in a period (none: a nil report)."""
    rule = rule_of(registration.code)
    if period_end < period_start:
        raise InvalidInput("the period ends before it starts", details={"field": "period_end"})
    if period_end > timezone.localdate():
        raise InvalidInput("the period cannot end in the future", details={"field": "period_end"})
    registered_on = timezone.localdate(registration.registered_at)
    first_day = min(registered_on, registration.first_use_on or registered_on)
    if period_end < first_day:
        raise InvalidInput(
            f"the period ends before the registration ({first_day.isoformat()})",
            details={"field": "period_end"},
        )
    if registration.withdrawn_at is not None:
        withdrawn_on = timezone.localdate(registration.withdrawn_at)
        if period_start > withdrawn_on:
            raise InvalidInput(
                f"the registration was withdrawn on {withdrawn_on.isoformat()}; no exports "
                "after that can be reported under it",
                details={"field": "period_start"},
            )
    if len(lines) > MAX_LINES:
        raise InvalidInput(
            f"a report holds at most {MAX_LINES} lines; split the period",
            details={"field": "lines"},
        )
    checked = [_line(rule, number, line, period_end) for number, line in enumerate(lines, 1)]
    with transaction.atomic():
        overlapping = registration.reports.select_for_update().filter(
            period_start__lte=period_end, period_end__gte=period_start
        )
        clash = overlapping.first()
        if clash is not None:
            raise Conflict(
                f"a report for {clash.period_start.isoformat()} to {clash.period_end.isoformat()} "
                "overlaps this period",
                details={"field": "period_start"},
            )
        report = UsageReport.objects.create(
            registration=registration,
            period_start=period_start,
            period_end=period_end,
            lines=[
                {
                    "item": c.item,
                    "entry": c.entry,
                    "quantity": str(c.quantity),
                    "value_eur": str(c.value_eur),
                    "consignee": c.consignee,
                    "destination": c.destination,
                }
                for c in checked
            ],
            submitted_by=user,
        )
        record(
            actor=user,
            action="registration.report",
            obj=registration,
            payload={
                "report": report.pk,
                "period": [period_start.isoformat(), period_end.isoformat()],
                "lines": len(checked),
            },
        )
    return report


def _line(
    rule: GeneralAuthorisationRule, number: int, line: Mapping[str, Any], day: date
) -> ReportLine:
    where = f"lines[{number}]"

    def field(name: str) -> str:
        return f"{where}.{name}"

    def refuse(name: str, message: str) -> InvalidInput:
        return InvalidInput(f"line {number}: {message}", details={"field": field(name)})

    item = str(line.get("item", "")).strip()
    if not item:
        raise refuse("item", "describe the item")
    try:
        entry, _ = control_entry(str(line.get("entry", "")).strip() or "-", field=field("entry"))
    except InvalidInput as error:
        raise refuse("entry", error.message) from None
    lineage = tuple(".".join(entry.split(".")[:n]) for n in range(entry.count(".") + 1, 0, -1))
    if not rule.covers_entry(lineage) or rule.excluding(lineage) is not None:
        raise refuse("entry", f"{rule.code} does not cover {entry}")
    try:
        quantity = checked_amount(
            line.get("quantity", ""), "quantity", places=3, bound=MAX_QUANTITY, positive=True
        )
        value = checked_amount(
            line.get("value_eur", ""), "value_eur", places=2, bound=MAX_VALUE_EUR
        )
    except InvalidInput as error:
        raise refuse(str(error.details["field"]), error.message) from None
    consignee = str(line.get("consignee", "")).strip()
    if not consignee or len(consignee) > 300:
        raise refuse("consignee", "name the consignee (at most 300 characters)")
    try:
        destination = country(str(line.get("destination", ""))).alpha2
    except InvalidInput as error:
        raise refuse("destination", error.message) from None
    if not rule.lists(destination, day):
        raise refuse("destination", f"{destination} is not a destination of {rule.code}")
    return ReportLine(item[:500], entry, quantity, value, consignee, destination)
