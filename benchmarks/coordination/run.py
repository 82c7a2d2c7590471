"""Benchmark: essentially identical transactions (Art 2(22), Art 16(5)) against many denials.

Usage (from the project root):

    .venv/bin/python benchmarks/coordination/run.py [--denials 4000] [--probes 900] [--verbose]

Every new case, every dossier run and every grant is checked against the valid denials of the
other Member States. This benchmark builds that many denied transactions from real restricted
organisations (the companies and other bodies of the BIS Denied Persons List and the OFAC SDN
and non-SDN lists in ../shared/data/sanctions, with addresses and countries), each with a
cyber-surveillance item, and checks probe transactions against them, in three kinds:

- IDENTICAL: a denied end user written differently (case, punctuation, legal form dropped or
  written out, "&" for "and", a typo), with the same entry or its head entry: the denial must
  be found first;
- OTHER PARTY: another body of the same lists that no denial names (same normalised name left
  out), with a denied item: no match expected. Some are related to a denied body (a
  subsidiary, a sister company), so a few matches are arguable; `--verbose` prints them;
- OTHER ITEM: a denied end user with an item of another entry: no match.

Systems, side by side on the same probes:

- Licentia, index kept between checks (`DenialIndex` built once per set of valid denials, as
  `coordination.decisions` keeps it): build time, then per-check median and p95;
- Licentia rebuilding the index on every check (what a check costs when the set changed);
- peer: brute-force rapidfuzz (`process.extract`, WRatio with default processing, cutoff 90)
  over every denied party name, then the same item comparison. A plain, common approach.

Figures and their reading: README.md beside this file. Skips with a message when
../shared/data is absent.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from licentia.coordination.matching import (  # noqa: E402
    DenialIndex,
    ItemRecord,
    PartyRecord,
    Transaction,
    compare_items,
)
from licentia.screening.importers import read_list  # noqa: E402
from licentia.screening.model import ListedEntity  # noqa: E402

SANCTIONS = ROOT.parent / "shared" / "data" / "sanctions"
DENIED_FROM = (
    ("us/bis-denied-persons-2022-09.txt", "us-bis-dpl"),
    ("us/ofac-sdn-2021-07/sdn.csv", "us-ofac-sdn-csv"),
    ("us/ofac-non-sdn-2025-12/cons_prim.csv", "us-ofac-sdn-csv"),
)
SEED = 20261126
PEER_CUTOFF = 90
# Denied items: cyber-surveillance entries, with a sub-entry each for IDENTICAL probes.
ENTRIES = {
    "5A001.j": "5A001",
    "5A001.f": "5A001",
    "4A005": "4A005",
    "4D004": "4D004",
    "5D001.e": "5D001",
    "5A004.b": "5A004",
}
OTHER_ENTRY = "6A003.b.4"
DESCRIPTIONS = (
    "IP network communications surveillance system",
    "Mobile telecommunications interception equipment",
    "Intrusion software platform for remote device access",
    "Lawful interception monitoring centre",
)
LEGAL_FORMS = {
    " LLC": " Limited Liability Company",
    " LTD": " Limited",
    " LTD.": " Limited",
    " LIMITED": " Ltd",
    " INC": " Incorporated",
    " INC.": " Incorporated",
    " CO.": " Company",
    " CO": " Company",
    " COMPANY": " Co",
    " GMBH": " Gesellschaft mit beschränkter Haftung",
    " CORPORATION": " Corp",
    " CORP": " Corporation",
}


@dataclass(frozen=True)
class Probe:
    kind: str
    transaction: Transaction
    expected: str | None  # the denial that must be found, or None: no match at all


def skip(reason: str) -> None:
    print(f"SKIPPED: {reason}")
    raise SystemExit(0)


def entities(relative: str, file_format: str) -> list[ListedEntity]:
    _, stream = read_list(SANCTIONS / relative, file_format)
    return [e for e in stream if e.names and e.schema.is_body]


def party(entity: ListedEntity, role: str = "end-user") -> PartyRecord:
    country = next((c for c in entity.countries if c), "")
    address = entity.addresses[0].full if entity.addresses else ""
    return PartyRecord(role, entity.names[0].full, country, address)


def split(
    found: Sequence[ListedEntity], count: int, rng: random.Random
) -> tuple[list[Transaction], list[ListedEntity]]:
    """`count` denied transactions, and the bodies that no denial names (for OTHER PARTY)."""
    unique = list({normalised(e.names[0].full): e for e in found}.values())
    rng.shuffle(unique)
    made = []
    for number, entity in enumerate(unique[:count]):
        end_user = party(entity)
        made.append(
            Transaction(
                key=f"denial-{number}",
                parties=(end_user,),
                items=(ItemRecord(rng.choice(list(ENTRIES)), rng.choice(DESCRIPTIONS), True),),
                destinations=(end_user.country,) if end_user.country else (),
            )
        )
    return made, unique[count:]


def normalised(name: str) -> str:
    return " ".join(utils.default_process(name).split())


def variant(name: str, rng: random.Random) -> str:
    """The same organisation's name as another authority might have typed it."""
    change = rng.choice(("case", "legal form", "typo", "punctuation", "and"))
    if change == "legal form":
        upper = name.upper()
        for form, written in LEGAL_FORMS.items():
            if upper.endswith(form) and len(upper) > len(form) + 3:
                return name[: -len(form)] + rng.choice(("", written))
        change = "case"
    if change == "and" and " AND " in name.upper():
        at = name.upper().index(" AND ")
        return name[:at] + " & " + name[at + 5 :]
    words = name.replace(",", " ").replace(".", " ").split()
    if change == "typo":
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[longest]
        if len(word) > 5:
            at = rng.randrange(1, len(word) - 1)
            words[longest] = word[:at] + rng.choice(string.ascii_lowercase) + word[at + 1 :]
            return " ".join(words)
    if change == "punctuation":
        return " ".join(words)
    return name.title() if name.isupper() else name.upper()


def probes(
    denied: Sequence[Transaction], others: Sequence[ListedEntity], count: int, rng: random.Random
) -> list[Probe]:
    made = []
    strangers = iter(rng.sample(list(others), min(len(others), count // 3 + 1)))
    for number in range(count):
        original = rng.choice(denied)
        (end_user,) = original.parties
        (item,) = original.items
        kind = ("IDENTICAL", "OTHER PARTY", "OTHER ITEM")[number % 3]
        if kind == "IDENTICAL":
            entry = rng.choice((item.entry, ENTRIES[item.entry]))
            checked = Transaction(
                f"probe-{number}",
                (PartyRecord("end-user", variant(end_user.name, rng), end_user.country),),
                (ItemRecord(entry, rng.choice(DESCRIPTIONS), True),),
                original.destinations,
            )
            made.append(Probe(kind, checked, original.key))
        elif kind == "OTHER PARTY":
            stranger = party(next(strangers, rng.choice(others)))
            checked = Transaction(
                f"probe-{number}", (stranger,), original.items, original.destinations
            )
            made.append(Probe(kind, checked, None))
        else:
            other = ItemRecord(OTHER_ENTRY, "Night-vision camera", False)
            checked = Transaction(
                f"probe-{number}", original.parties, (other,), original.destinations
            )
            made.append(Probe(kind, checked, None))
    return made


class BruteForcePeer:
    """Every denied party name compared with rapidfuzz; the same item rule afterwards."""

    def __init__(self, denied: Sequence[Transaction]) -> None:
        self.owners = [(t, p) for t in denied for p in t.parties]
        self.names = [p.name for _, p in self.owners]

    def matches(self, transaction: Transaction) -> list[str]:
        found: dict[str, float] = {}
        for checked in transaction.parties:
            hits = process.extract(
                checked.name,
                self.names,
                scorer=fuzz.WRatio,
                processor=utils.default_process,
                score_cutoff=PEER_CUTOFF,
                limit=None,
            )
            for _, score, position in hits:
                denied, _ = self.owners[position]
                items = [
                    compare_items(item, denied_item)
                    for item in transaction.items
                    for denied_item in denied.items
                ]
                if any(items):
                    found[denied.key] = max(found.get(denied.key, 0.0), score)
        return sorted(found, key=lambda key: -found[key])


Check = Callable[[Transaction], list[str]]


def run(check: Check, probes: Sequence[Probe]) -> tuple[list[list[str]], list[float]]:
    """The denials each probe matched (best first), and the seconds each check took."""
    found, times = [], []
    for probe in probes:
        start = time.perf_counter()
        found.append(check(probe.transaction))
        times.append(time.perf_counter() - start)
    return found, times


def wrong(probe: Probe, keys: Sequence[str]) -> bool:
    if probe.expected is None:
        return bool(keys)
    return not keys or keys[0] != probe.expected


def ms(values: Sequence[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--denials", type=int, default=4000)
    parser.add_argument("--probes", type=int, default=900)
    parser.add_argument("--rebuilds", type=int, default=15, help="checks that rebuild the index")
    parser.add_argument("--verbose", action="store_true", help="print each wrong answer")
    options = parser.parse_args()
    if not SANCTIONS.is_dir():
        skip(f"{SANCTIONS} is absent: the denied parties come from the real lists there")
    rng = random.Random(SEED)
    denied_parties = [e for relative, fmt in DENIED_FROM for e in entities(relative, fmt)]
    denied, others = split(denied_parties, options.denials, rng)
    if len(denied) < options.denials or not others:
        skip(f"{len(denied)} distinct bodies in the lists: too few for --denials and strangers")
    checks = probes(denied, others, options.probes, rng)
    print(
        f"{len(denied):,} denied transactions (organisations of BIS DPL, OFAC SDN and non-SDN), "
        f"{len(checks)} probes (IDENTICAL / OTHER PARTY / OTHER ITEM in thirds)\n"
    )

    DenialIndex(denied[:50]).matches(checks[0].transaction)  # load the name models once
    start = time.perf_counter()
    index = DenialIndex(denied)
    built = time.perf_counter() - start
    ours, our_times = run(lambda t: [m.key for m in index.matches(t)], checks)
    _, rebuild_times = run(
        lambda t: [m.key for m in DenialIndex(denied).matches(t)], checks[: options.rebuilds]
    )
    start = time.perf_counter()
    peer = BruteForcePeer(denied)
    peer_built = time.perf_counter() - start
    theirs, peer_times = run(peer.matches, checks)

    names = {t.key: t.parties[0].name for t in denied}
    print(
        "Quality: probes answered wrongly (IDENTICAL: the denial not found first; others: any match)"
    )
    print(f"  {'kind':12} {'probes':>7} {'Licentia':>9} {'rapidfuzz':>10}")
    for kind in ("IDENTICAL", "OTHER PARTY", "OTHER ITEM"):
        rows = [n for n, probe in enumerate(checks) if probe.kind == kind]
        mine = [n for n in rows if wrong(checks[n], ours[n])]
        peers = [n for n in rows if wrong(checks[n], theirs[n])]
        print(f"  {kind:12} {len(rows):7} {len(mine):9} {len(peers):10}")
        for n in sorted(set(mine) | set(peers)) if options.verbose else ():
            name = checks[n].transaction.parties[0].name
            print(
                f"    {name!r}: Licentia {[names[k] for k in ours[n][:1]]}, "
                f"rapidfuzz {[names[k] for k in theirs[n][:1]]}"
            )
    print("\nSpeed (one check = every party of one transaction against every valid denial)")
    print(f"  Licentia, index kept:     {ms(our_times)} (index built in {built:.2f} s)")
    print(f"  Licentia, index rebuilt:  {ms(rebuild_times)} ({len(rebuild_times)} checks)")
    print(f"  rapidfuzz brute force:    {ms(peer_times)} (prepared in {peer_built:.2f} s)")
    kept, rebuilt, brute = (statistics.median(t) for t in (our_times, rebuild_times, peer_times))
    print(
        f"  ratios: brute force / index kept {brute / kept:.1f}x; "
        f"index rebuilt / index kept {rebuilt / kept:.0f}x"
    )


if __name__ == "__main__":
    main()
