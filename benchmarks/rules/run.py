"""Benchmark: licence determinations per second on one core, next to a generic rule engine.

Usage (from the project root):

    .venv/bin/python benchmarks/rules/run.py [--transactions 5000] [--rounds 3]

Workload: transactions generated with a fixed seed over the curated Annex I excerpt that ships
with Licentia (and over the full list from ../shared/data when present): exports, brokering,
technical assistance, transit and intra-EU transfers of listed and non-listed items to
destinations across the world, with and without catch-all knowledge, end-user types and
purposes. Figures:

- Licentia pure engine (`RuleEngine.determine` on ready `Transaction` values), first pass
  (cold caches) and best of the following passes;
- the whole JSON path (`parse_transaction` + `determine` + `document`), as the API runs it;
- peer: `rule-engine` 5.1 (a generic Python rule engine) evaluating a reduced rule set for
  the same transactions: Art 3 for listed items, the sanctions prohibitions by destination, and
  each general authorisation's destination and item-scope tests. The peer does less work (no
  catch-all, no trace, no citations), so the ratio flatters the peer.

The goal of the issue: >= 20,000 determinations per second on one core for the pure engine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import rule_engine

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from licentia.controls.curated import load_curated  # noqa: E402
from licentia.controls.importers import parse_control_list  # noqa: E402
from licentia.controls.model import ControlList  # noqa: E402
from licentia.reference.countries import all_countries  # noqa: E402
from licentia.reference.eu import is_member_state  # noqa: E402
from licentia.rules.engine import RuleEngine  # noqa: E402
from licentia.rules.law import GENERAL_AUTHORISATIONS, SANCTIONS  # noqa: E402
from licentia.rules.model import (  # noqa: E402
    Activity,
    Concern,
    Exporter,
    Item,
    Outcome,
    Party,
    PartyRole,
    PartyType,
    Purpose,
    Transaction,
)
from licentia.rules.schema import document, parse_transaction  # noqa: E402

FULL_LIST = ROOT.parent / "shared" / "data" / "controls" / "eu-annex-i-consolidated-2025-11-15.json"
TODAY = dt.date(2026, 11, 26)


def workload(control_list: ControlList, count: int, seed: int = 2021) -> list[Transaction]:
    rng = random.Random(seed)
    paths = [e.path for e in control_list]
    third = [c.alpha2 for c in all_countries() if not is_member_state(c.alpha2, TODAY)]
    states = ["DE", "FR", "NL", "IT", "SE", "PL", "ES"]
    activities = [Activity.EXPORT] * 6 + [
        Activity.INTANGIBLE_TRANSFER,
        Activity.RE_EXPORT,
        Activity.BROKERING,
        Activity.TECHNICAL_ASSISTANCE,
        Activity.TRANSIT,
        Activity.INTRA_EU_TRANSFER,
    ]
    # The day of each transaction falls in the list version's validity.
    span = (TODAY - control_list.valid_from).days + 1
    transactions = []
    for _ in range(count):
        activity = rng.choice(activities)
        state = rng.choice(states)
        if activity is Activity.INTRA_EU_TRANSFER:
            destination = rng.choice([s for s in states if s != state])
        else:
            destination = rng.choice(third)
        items = tuple(
            Item(entry=rng.choice(paths), annex_iv=rng.random() < 0.1)
            if rng.random() < 0.8
            else Item(description="non-listed item", cyber_surveillance=rng.random() < 0.5)
            for _ in range(rng.choice((1, 1, 1, 2, 3)))
        )
        concerns = frozenset(c for c in Concern if rng.random() < 0.05)
        transactions.append(
            Transaction(
                exporter=Exporter(established_in=state),
                activity=activity,
                date=TODAY - dt.timedelta(days=rng.randrange(0, span)),
                items=items,
                destination=destination,
                parties=(
                    Party(PartyRole.END_USER, rng.choice(list(PartyType))),
                    Party(PartyRole.CONSIGNEE, PartyType.PRIVATE, intra_group=rng.random() < 0.2),
                ),
                purpose=rng.choice(
                    [Purpose.STANDARD] * 4
                    + [Purpose.TEMPORARY_EXHIBITION, Purpose.RETURN_AFTER_REPAIR]
                )
                if activity.is_export
                else Purpose.STANDARD,
                informed=concerns if rng.random() < 0.5 else frozenset(),
                aware=concerns,
                transit_state=rng.choice(states) if activity is Activity.TRANSIT else None,
                internal_compliance_programme=rng.random() < 0.5,
            )
        )
    return transactions


def as_document(tx: Transaction) -> dict[str, object]:
    return {
        "exporter": {"established_in": tx.exporter.established_in},
        "activity": tx.activity.value,
        "date": tx.date.isoformat(),
        "items": [
            {"entry": i.entry, "annex_iv": i.annex_iv}
            if i.entry
            else {"description": i.description, "cyber_surveillance": i.cyber_surveillance}
            for i in tx.items
        ],
        "destination": tx.destination,
        "parties": [
            {"role": p.role.value, "type": p.type.value, "intra_group": p.intra_group}
            for p in tx.parties
        ],
        "purpose": tx.purpose.value,
        "informed": [c.value for c in tx.informed],
        "aware": [c.value for c in tx.aware],
        "transit_state": tx.transit_state,
        "internal_compliance_programme": tx.internal_compliance_programme,
    }


class PeerRules:
    """The reduced rule set in `rule-engine` expressions."""

    def __init__(self) -> None:
        prohibited = sorted(
            {m.country for m in SANCTIONS if m.effect is Outcome.PROHIBITED and m.end_users is None}
        )
        self.listed = rule_engine.Rule("listed")
        self.sanctions = rule_engine.Rule(f"listed and destination in {prohibited!r}")
        self.general = []
        for rule in GENERAL_AUTHORISATIONS:
            if rule.destinations_excluded:
                where = f"not (destination in {sorted(rule.destinations_excluded)!r})"
            else:
                where = f"destination in {sorted({d.country for d in rule.destinations})!r}"
            scope = (
                f"head in {sorted({c.split('.')[0] for c in rule.covers})!r}"
                if rule.covers is not None
                else "true"
            )
            section = "not section_i" if rule.section_i else "true"
            self.general.append(rule_engine.Rule(f"{where} and {scope} and {section}"))

    def evaluate(self, tx: Transaction, lists: ControlList) -> tuple[bool, bool, list[bool]]:
        facts = [
            {
                "listed": item.entry is not None,
                "destination": tx.destination,
                "head": (item.entry or "").split(".")[0],
                "section_i": bool(
                    item.entry
                    and (entry := lists.get(item.entry)) is not None
                    and entry.excluded_from_general_authorisations
                ),
            }
            for item in tx.items
        ]
        licence = any(self.listed.matches(f) for f in facts)
        prohibited = any(self.sanctions.matches(f) for f in facts)
        usable = [all(rule.matches(f) for f in facts if f["listed"]) for rule in self.general]
        return licence, prohibited, usable


def rate(work: Callable[[], None], count: int, rounds: int) -> tuple[float, float]:
    """(first pass, best later pass) in operations per second."""
    timings = []
    for _ in range(rounds + 1):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return count / timings[0], count / min(timings[1:] or timings)


def run(name: str, control_list: ControlList, count: int, rounds: int) -> None:
    engine = RuleEngine([control_list])
    transactions = workload(control_list, count)
    documents = [as_document(tx) for tx in transactions]
    outcomes: dict[str, int] = {}
    for tx in transactions:
        outcome = engine.determine(tx).outcome.value
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    fresh = RuleEngine([control_list])
    cold, _ = rate(lambda: [fresh.determine(tx) for tx in transactions], count, 0)
    _, warm = rate(lambda: [engine.determine(tx) for tx in transactions], count, rounds)
    _, json_path = rate(
        lambda: [document(engine.determine(parse_transaction(d))) for d in documents],
        count,
        rounds,
    )
    peer = PeerRules()
    _, peer_rate = rate(
        lambda: [peer.evaluate(tx, control_list) for tx in transactions], count, rounds
    )
    print(f"\n== {name}: {len(control_list)} provisions, {count} transactions ==")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    rows: Sequence[tuple[str, float]] = (
        ("Licentia engine, first pass (cold caches)", cold),
        ("Licentia engine, best warm pass", warm),
        ("Licentia JSON path (parse + determine + document)", json_path),
        ("peer: rule-engine 5.1, reduced rule set", peer_rate),
    )
    for label, value in rows:
        print(f"  {label:<52} {value:>10,.0f} /s")
    print(
        f"  ratio engine (warm) / peer: {warm / peer_rate:.1f}x; goal 20,000/s: "
        f"{'met' if warm >= 20_000 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    run("curated excerpt", load_curated().control_list(), args.transactions, args.rounds)
    if FULL_LIST.exists():
        full = parse_control_list(FULL_LIST, file_format="eu-annex-i-json")
        run("full Annex I (2025-11-15)", full, args.transactions, args.rounds)
    else:
        print(
            f"\nSKIPPED full Annex I run: {FULL_LIST} is absent (only present beside the project)"
        )


if __name__ == "__main__":
    main()
