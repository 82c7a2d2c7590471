"""Consistency of national decisions: where Member States diverge.

For each destination and item category (the Annex I category of the control entry, or
"not listed"), the grants and refusals of each Member State and their rates; and the pairs
where one state granted a transaction essentially identical (Art 2(22)) to one another state
refused, with the days between the two decisions.

Sources: the decisions of the authorities on this deployment, and the refusals other
deployments notified (Art 16(2)); a remote state's grants are known only when it granted
despite a denial (Art 16(5)), so its approval rate is marked partial. The pairs are recorded
when they arise, so the report reads them instead of matching every grant again: a grant
despite a standing denial (`GrantDespiteDenial`, made here or received) and a grant made here
that a later refusal matches (`EarlierGrant`, `coordination.rechecks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from licentia.applications.models import GoodsLine
from licentia.cases.models import Decision, Outcome, RestrictiveKind
from licentia.coordination.models import DenialNotice, EarlierGrant, GrantDespiteDenial
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

    def add(keys: set[tuple[str, str]], member_state: str, granted: bool, partial: bool) -> None:
        for dest, cat in keys:
            if (destination and dest != destination) or (
                category_filter and cat != category_filter
            ):
                continue
            cell = cells.setdefault((dest, cat, member_state), Cell(dest, cat, member_state))
            if granted:
                cell.granted += 1
            else:
                cell.refused += 1
            cell.partial = cell.partial or partial

    decisions = Decision.objects.filter(outcome__in=[Outcome.GRANT, Outcome.REFUSE])
    if since:
        decisions = decisions.filter(decided_at__date__gte=since)
    rows = list(
        decisions.values_list(
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
        keys = _keys(destinations, entries.get(application_id, []))
        add(keys, member_state, outcome == Outcome.GRANT, False)
    refusals = DenialNotice.objects.filter(kind=RestrictiveKind.REFUSAL, authority__isnull=True)
    if since:
        refusals = refusals.filter(decided_on__gte=since)
    for notice in refusals:
        keys = _keys(notice.destinations, [i.get("entry", "") for i in notice.items])
        add(keys, notice.member_state, False, True)
    remote_grants = GrantDespiteDenial.objects.filter(authority__isnull=True).prefetch_related(
        "denials"
    )
    for grant in remote_grants:
        for notice in grant.denials.all():
            keys = _keys(notice.destinations, [i.get("entry", "") for i in notice.items])
            add(keys, grant.member_state, True, True)
    cells_in_order = sorted(
        cells.values(), key=lambda c: (c.destination, c.category, c.member_state)
    )
    return Report(rates=[c.as_dict() for c in cells_in_order], divergences=divergences(destination))


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
