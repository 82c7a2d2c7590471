"""Consistency of national decisions: where Member States diverge.

For each destination and item category (the Annex I category of the control entry, or
"not listed"), the grants and refusals of each Member State and their rates; and the pairs
where one state granted a transaction essentially identical (Art 2(22)) to one another state
refused, with the days between the two decisions.

Sources: the decisions of the authorities on this deployment, and the refusals other
deployments notified (Art 16(2)); a remote state's grants are known only when it granted
despite a denial (Art 16(5)), so its approval rate is marked partial.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from licentia.cases.models import Decision, Outcome, RestrictiveKind
from licentia.coordination import facts
from licentia.coordination.matching import DenialIndex
from licentia.coordination.models import DenialNotice, GrantDespiteDenial
from licentia.errors import InvalidInput

NOT_LISTED = "not listed"
MAX_GRANTS = 2_000


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

    decisions = Decision.objects.filter(outcome__in=[Outcome.GRANT, Outcome.REFUSE]).select_related(
        "case__authority", "case__application"
    )
    if since:
        decisions = decisions.filter(decided_at__date__gte=since)
    grants = []
    for decision in decisions.prefetch_related("case__application__goods_lines"):
        application = decision.case.application
        entries = [line.control_entry for line in application.goods_lines.all()]
        keys = _keys(application.destinations, entries)
        add(keys, decision.case.authority.member_state, decision.outcome == Outcome.GRANT, False)
        if decision.outcome == Outcome.GRANT:
            grants.append(decision)
    refusals = DenialNotice.objects.filter(kind=RestrictiveKind.REFUSAL)
    if since:
        refusals = refusals.filter(decided_on__gte=since)
    for notice in refusals.filter(authority__isnull=True):
        keys = _keys(notice.destinations, [i.get("entry", "") for i in notice.items])
        add(keys, notice.member_state, False, True)
    remote_grants = GrantDespiteDenial.objects.filter(authority__isnull=True).prefetch_related(
        "denials"
    )
    for grant in remote_grants:
        for notice in grant.denials.all():
            keys = _keys(notice.destinations, [i.get("entry", "") for i in notice.items])
            add(keys, grant.member_state, True, True)
    rows = sorted(cells.values(), key=lambda c: (c.destination, c.category, c.member_state))
    return Report(
        rates=[c.as_dict() for c in rows],
        divergences=divergences(grants[-MAX_GRANTS:], list(refusals), remote_grants, destination),
    )


def divergences(
    grants: list[Decision],
    refusals: list[DenialNotice],
    remote_grants: Iterable[GrantDespiteDenial],
    destination: str = "",
) -> list[dict[str, Any]]:
    """Each grant essentially identical to another state's refusal, with the days between
    (negative: the grant came first)."""
    by_key = {str(n.uid): n for n in refusals}
    index = DenialIndex(
        [
            facts.transaction(
                key,
                items=n.items,
                end_users=n.end_users,
                consignees=n.consignees,
                destinations=n.destinations,
            )
            for key, n in by_key.items()
        ]
    )
    out = []
    for decision in grants:
        case = decision.case
        granted_on = decision.decided_at.date()
        for match in index.matches(facts.case_transaction(case)):
            refused = by_key[match.key]
            if refused.member_state == case.authority.member_state:
                continue
            out.append(
                _pair(
                    case.authority.member_state,
                    granted_on,
                    refused,
                    score=match.score,
                    destinations=case.application.destinations,
                    reference=str(case.application),
                )
            )
    for grant in remote_grants:
        for refused in grant.denials.all():
            out.append(
                _pair(
                    grant.member_state,
                    grant.granted_on,
                    refused,
                    score=None,
                    destinations=refused.destinations,
                    reference="",
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
