"""Consistency of national decisions: where Member States diverge.

For each destination and item category (the Annex I category of the control entry, or
"not listed"), the grants and refusals of each Member State and their rates; and the pairs
where one state granted a transaction essentially identical (Art 2(22)) to one another state
refused, with the days between the two decisions.

Sources: the decisions of the authorities on this deployment; for the states on other
deployments, the monthly counts they send (`DecisionStatistics`, `send_statistics` here), and
for the months not counted yet the refusals they notified (Art 16(2)) and their grants despite
a denial (Art 16(5)), marked partial since their other grants are not known. The pairs are recorded
when they arise, so the report reads them instead of matching every grant again: a grant
despite a standing denial (`GrantDespiteDenial`, made here or received) and a grant made here
that a later refusal matches (`EarlierGrant`, `coordination.rechecks`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from licentia.applications.models import GoodsLine
from licentia.cases.models import Decision, Outcome, RestrictiveKind
from licentia.coordination import outbox
from licentia.coordination.common import authorities, today_or
from licentia.coordination.models import (
    DecisionStatistics,
    DenialNotice,
    EarlierGrant,
    GrantDespiteDenial,
)
from licentia.errors import InvalidInput

NOT_LISTED = "not listed"


def category(entry: str) -> str:
    """The Annex I category (0-9) of an entry, or "not listed"."""
    return entry[0] if entry[:1].isdigit() else NOT_LISTED


@dataclass
class Cell:
    """One Member State's decisions for one destination and item category."""

    destination: str
    category: str
    member_state: str
    granted: int = 0
    refused: int = 0
    partial: bool = False

    @property
    def decided(self) -> int:
        return self.granted + self.refused

    def as_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "category": self.category,
            "member_state": self.member_state,
            "granted": self.granted,
            "refused": self.refused,
            "approval_rate": round(self.granted / self.decided, 4) if self.decided else None,
            "denial_rate": round(self.refused / self.decided, 4) if self.decided else None,
            "partial": self.partial,
        }


@dataclass
class Report:
    rates: list[dict[str, Any]] = field(default_factory=list)
    divergences: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rates": self.rates, "divergences": self.divergences}


def _keys(destinations: Iterable[str], entries: Iterable[str]) -> set[tuple[str, str]]:
    return {(d, category(e)) for d in destinations for e in entries}


def _decided(decisions: QuerySet[Decision]) -> Iterator[tuple[str, str, set[tuple[str, str]]]]:
    """(outcome, Member State, destination and category keys) of each grant or refusal."""
    rows = list(
        decisions.filter(outcome__in=[Outcome.GRANT, Outcome.REFUSE]).values_list(
            "outcome",
            "case__authority__member_state",
            "case__application_id",
            "case__application__destinations",
        )
    )
    entries: dict[int, list[str]] = {}
    lines = GoodsLine.objects.filter(application_id__in={row[2] for row in rows})
    for application_id, entry in lines.values_list("application_id", "control_entry"):
        entries.setdefault(application_id, []).append(entry)
    for outcome, member_state, application_id, destinations in rows:
        yield outcome, member_state, _keys(destinations, entries.get(application_id, []))


def report(
    *, destination: str = "", category_filter: str = "", since: date | None = None
) -> Report:
    """Rates per destination, category and Member State, and the divergences."""
    destination = destination.strip().upper()
    if destination and not (len(destination) == 2 and destination.isalpha()):
        raise InvalidInput(
            f"destination: {destination!r} is not an ISO 3166-1 alpha-2 code",
            details={"field": "destination"},
        )
    if category_filter and category_filter not in [*"0123456789", NOT_LISTED]:
        raise InvalidInput(
            f"category: a digit 0-9 or {NOT_LISTED!r}", details={"field": "category"}
        )
    cells: dict[tuple[str, str, str], Cell] = {}

    def add(
        keys: Iterable[tuple[str, str]],
        member_state: str,
        *,
        granted: int = 0,
        refused: int = 0,
        partial: bool = False,
    ) -> None:
        for dest, cat in keys:
            if (destination and dest != destination) or (
                category_filter and cat != category_filter
            ):
                continue
            cell = cells.setdefault((dest, cat, member_state), Cell(dest, cat, member_state))
            cell.granted += granted
            cell.refused += refused
            cell.partial = cell.partial or partial

    decisions = Decision.objects.all()
    if since:
        decisions = decisions.filter(decided_at__date__gte=since)
    for outcome, member_state, keys in _decided(decisions):
        granted = outcome == Outcome.GRANT
        add(keys, member_state, granted=int(granted), refused=int(not granted))
    # Other deployments' states: their monthly counts where received, then what their
    # refusals and grants despite a denial tell of the months not counted yet (partial).
    counted: dict[str, date] = {}
    received = DecisionStatistics.objects.filter(received_at__isnull=False)
    if since:
        received = received.filter(month__gte=since.replace(day=1))
    for month in received:
        for cell in month.cells:
            keys = [(cell["destination"], cell["category"])]
            add(keys, month.member_state, granted=cell["granted"], refused=cell["refused"])
        counted[month.member_state] = max(counted.get(month.member_state, month.month), month.month)
    refusals = DenialNotice.objects.filter(kind=RestrictiveKind.REFUSAL, authority__isnull=True)
    if since:
        refusals = refusals.filter(decided_on__gte=since)
    for notice in refusals:
        if not _after(notice.decided_on, counted.get(notice.member_state)):
            continue
        keys = _keys(notice.destinations, [i.get("entry", "") for i in notice.items])
        add(keys, notice.member_state, refused=1, partial=True)
    remote_grants = GrantDespiteDenial.objects.filter(authority__isnull=True).prefetch_related(
        "denials"
    )
    for grant in remote_grants:
        if not _after(grant.granted_on, counted.get(grant.member_state)):
            continue
        for notice in grant.denials.all():
            keys = _keys(notice.destinations, [i.get("entry", "") for i in notice.items])
            add(keys, grant.member_state, granted=1, partial=True)
    cells_in_order = sorted(
        cells.values(), key=lambda c: (c.destination, c.category, c.member_state)
    )
    return Report(rates=[c.as_dict() for c in cells_in_order], divergences=divergences(destination))


def _after(day: date, counted_through: date | None) -> bool:
    """True when `day` falls after the last month counted (`counted_through`, its first day)."""
    return counted_through is None or day >= _next_month(counted_through)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def monthly_cells(member_state: str, month: date) -> list[dict[str, Any]]:
    """The grants and refusals of `member_state`'s authorities here in the month beginning on
    `month`, counted per destination and category."""
    decisions = Decision.objects.filter(
        case__authority__member_state=member_state,
        decided_at__date__gte=month,
        decided_at__date__lt=_next_month(month),
    )
    counts: dict[tuple[str, str], list[int]] = {}
    for outcome, _, keys in _decided(decisions):
        for key in keys:
            counts.setdefault(key, [0, 0])[0 if outcome == Outcome.GRANT else 1] += 1
    return [
        {"destination": dest, "category": cat, "granted": granted, "refused": refused}
        for (dest, cat), (granted, refused) in sorted(counts.items())
    ]


def send_statistics(*, today: date | None = None) -> list[DecisionStatistics]:
    """For each Member State whose authority is here: each whole month from its first decision
    up to the last month before `today`, counted and sent to the other states once."""
    day = today_or(today)
    this_month = day.replace(day=1)
    sent = []
    for member_state in authorities().values_list("member_state", flat=True).distinct():
        first = (
            Decision.objects.filter(case__authority__member_state=member_state)
            .order_by("decided_at")
            .values_list("decided_at", flat=True)
            .first()
        )
        if first is None:
            continue
        done = set(
            DecisionStatistics.objects.filter(
                member_state=member_state, received_at__isnull=True
            ).values_list("month", flat=True)
        )
        month = timezone.localdate(first).replace(day=1)
        while month < this_month:
            if month not in done:
                with transaction.atomic():
                    counted = DecisionStatistics.objects.create(
                        member_state=member_state,
                        month=month,
                        cells=monthly_cells(member_state, month),
                    )
                    outbox.send(outbox.decision_statistics_payload(counted))
                sent.append(counted)
            month = _next_month(month)
    return sent


def divergences(destination: str = "") -> list[dict[str, Any]]:
    """Each grant essentially identical to another state's refusal, with the days between
    (negative: the grant came first): the grants despite a denial, made here or notified by
    other states (Art 16(5)), and the grants made here that a later refusal matches."""
    out = []
    despite = GrantDespiteDenial.objects.select_related("case__application").prefetch_related(
        "denials"
    )
    for grant in despite:
        application = grant.case.application if grant.case is not None else None
        for refused in grant.denials.all():
            out.append(
                _pair(
                    grant.member_state,
                    grant.granted_on,
                    refused,
                    score=grant.scores.get(str(refused.uid)),
                    destinations=application.destinations
                    if application is not None
                    else refused.destinations,
                    reference=str(application) if application is not None else "",
                )
            )
    earlier = EarlierGrant.objects.select_related(
        "notice", "decision__case__authority", "decision__case__application"
    )
    for pair in earlier:
        case = pair.decision.case
        out.append(
            _pair(
                case.authority.member_state,
                pair.decision.decided_at.date(),
                pair.notice,
                score=pair.score,
                destinations=case.application.destinations,
                reference=str(case.application),
            )
        )
    if destination:
        out = [d for d in out if destination in d["destinations"]]
    return sorted(out, key=lambda d: (d["granted_on"], d["denial"]))


def _pair(
    granting: str,
    granted_on: date,
    refused: DenialNotice,
    *,
    score: float | None,
    destinations: list[str],
    reference: str,
) -> dict[str, Any]:
    return {
        "granted_by": granting,
        "granted_on": granted_on.isoformat(),
        "case": reference,
        "refused_by": refused.member_state,
        "refused_on": refused.decided_on.isoformat(),
        "denial": str(refused.uid),
        "denial_id": refused.pk,
        "days_between": (granted_on - refused.decided_on).days,
        "score": score,
        "destinations": list(destinations),
        "categories": sorted({category(i.get("entry", "")) for i in refused.items}),
    }
