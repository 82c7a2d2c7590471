"""Benchmark the screening matcher side by side with nomenklatura logic-v2 and rapidfuzz.

Usage (from the project root):

    .venv/bin/python benchmarks/screening/run.py [--variants 400] [--negatives 1000] [--verbose]

Three parts, in one run:

1. Quality on name-bench (../shared/data/name-matching/name-bench-cases.csv): precision,
   recall and F1 of Licentia's name comparison at the standard threshold, next to logic-v2
   (run live from the installed nomenklatura; the frozen reference scores are used, and
   said so, when it cannot run). About 30 % of the cases, chosen by a hash of
   (case_group, name2) so that variants of one anchor name stay together, are HELD-OUT:
   they were never looked at while tuning; the figures are printed for TUNING, HELD-OUT, ALL.
2. Recall and false alarms on real lists: variants of UN list names (typos, reordered and
   dropped parts, Latin<->Cyrillic and original-script names, legal-form changes), fixed
   seed, must come back in the top 5; generated names of people and companies that are on
   no list must not come back at or above the threshold.
3. Speed and size against the combined index of every list in ../shared/data/sanctions/:
   build time, index size, memory, query latency (median, p95), batch names per second on
   one core; next to a brute-force rapidfuzz scan of every name and to logic-v2 scoring the
   same candidates our index proposes.

Each part is skipped with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licentia.screening import (
    DEFAULT_PROFILE,
    Feature,
    Hit,
    ListedEntity,
    MatchProfile,
    NameKind,
    ScreeningIndex,
    ScreeningQuery,
    analyze_name,
    compare_names,
    rank,
    screen,
    screen_many,
)
from licentia.screening.importers import read_list
from licentia.screening.model import EntitySchema

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent.parent / "shared" / "data"
BENCH_CASES = SHARED / "name-matching" / "name-bench-cases.csv"
FROZEN = SHARED / "name-matching" / "name-bench-logicv2-frozen.csv"
SANCTIONS = SHARED / "sanctions"
LIST_FILES = (
    ("un/un-consolidated-2026-02-27.xml", "un-sc-xml"),
    ("us/ofac-sdn-2021-07/sdn.csv", "us-ofac-sdn-csv"),
    ("us/ofac-non-sdn-2025-12/cons_prim.csv", "us-ofac-sdn-csv"),
    ("us/bis-denied-persons-2022-09.txt", "us-bis-dpl"),
    ("us/csl-sample-2025.csv", "us-csl-csv"),
    ("us/csl-sample-2019.csv", "us-csl-csv"),
)
UN_LIST = "un/un-consolidated-2026-02-27.xml"
SEED = 20260827
THRESHOLD = DEFAULT_PROFILE.threshold
LOGIC_V2_THRESHOLD = 0.7
# The standard profile without the pre-score: every candidate fully compared.
FULL_PROFILE = MatchProfile(
    DEFAULT_PROFILE.name,
    DEFAULT_PROFILE.threshold,
    DEFAULT_PROFILE.description,
    DEFAULT_PROFILE.candidates,
    compare=None,
)


def skip(part: str, reason: str) -> None:
    print(f"SKIPPED {part}: {reason}")


def held_out(row: dict[str, str]) -> bool:
    digest = hashlib.sha256(f"{row['case_group']}|{row['name2']}".encode()).hexdigest()
    return int(digest, 16) % 10 < 3


def schema_of(value: str) -> EntitySchema | None:
    try:
        return EntitySchema(value)
    except ValueError:
        return None


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


# -- 1. name-bench ------------------------------------------------------------------------


def logic_v2_scorer() -> Callable[[str, str, str], float] | None:
    """logic-v2 on two name-only entities; None when nomenklatura is not installed."""
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        return None
    config = ScoringConfig.defaults()
    counter = iter(range(10**9))

    def score(schema: str, left: str, right: str) -> float:
        # Each entity needs its own id: nomenklatura caches name analyses by entity id.
        entities = []
        for name in (left, right):
            entity = model.make_entity(schema)
            entity.id = f"bench-{next(counter)}"
            entity.add("name", name)
            entities.append(entity)
        return float(algorithm.compare(entities[0], entities[1], config).score)

    return score


def name_bench(verbose: bool) -> None:
    print("\n== 1. Quality on name-bench (826 labelled name pairs) ==")
    if not BENCH_CASES.exists():
        skip("name-bench", f"{BENCH_CASES} is absent")
        return
    rows = list(csv.DictReader(BENCH_CASES.open(encoding="utf-8")))
    peer = logic_v2_scorer()
    frozen: dict[tuple[str, str, str], float] = {}
    if peer is None and FROZEN.exists():
        print("logic-v2: nomenklatura is not installed; using the frozen reference scores")
        for row in csv.DictReader(FROZEN.open(encoding="utf-8")):
            frozen[(row["schema"], row["name1"], row["name2"])] = float(row["score"])
    ours = {split: Counts() for split in ("TUNING", "HELD-OUT", "ALL")}
    theirs = {split: Counts() for split in ("TUNING", "HELD-OUT", "ALL")}
    our_time = their_time = 0.0
    # Warm up both: rigour loads its name corpus on first use (seconds, once per process).
    compare_names(
        analyze_name("Warm Up", NameKind.PERSON), analyze_name("Warm Up", NameKind.PERSON)
    )
    if peer is not None:
        peer("Person", "Warm Up", "Warm Up")
    errors: list[str] = []
    for row in rows:
        kind = NameKind.of_schema(schema_of(row["schema"]))
        actual = row["is_match"] == "true"
        started = time.perf_counter()
        query = analyze_name(row["name1"], kind, query=True)
        listed = analyze_name(row["name2"], kind)
        score = compare_names(query, listed).score
        our_time += time.perf_counter() - started
        if peer is not None:
            started = time.perf_counter()
            peer_score: float | None = peer(row["schema"], row["name1"], row["name2"])
            their_time += time.perf_counter() - started
        else:
            peer_score = frozen.get((row["schema"], row["name1"], row["name2"]))
        split = "HELD-OUT" if held_out(row) else "TUNING"
        for name in (split, "ALL"):
            ours[name].add(score >= THRESHOLD, actual)
            if peer_score is not None:
                theirs[name].add(peer_score >= LOGIC_V2_THRESHOLD, actual)
        if verbose and (score >= THRESHOLD) != actual and split == "TUNING":
            errors.append(
                f"  {'FP' if actual is False else 'FN'} {score:.2f} {row['name1']!r} / {row['name2']!r}"
            )
    peer_label = "logic-v2 (live)" if peer is not None else "logic-v2 (frozen)"
    print(f"threshold: Licentia {THRESHOLD}, logic-v2 {LOGIC_V2_THRESHOLD}")
    print(
        f"{'split':<9} {'n':>4} | {'Licentia P/R/F1':<20} | {peer_label + ' P/R/F1':<28} | F1 ratio"
    )
    for split in ("TUNING", "HELD-OUT", "ALL"):
        a, b = ours[split], theirs[split]
        n = a.tp + a.fp + a.fn + a.tn
        print(
            f"{split:<9} {n:>4} | {a.precision:.3f} {a.recall:.3f} {a.f1:.3f}    "
            f"| {b.precision:.3f} {b.recall:.3f} {b.f1:.3f}            | {ratio(a.f1, b.f1)}"
        )
    if their_time:
        print(
            f"time per pair (analysis + comparison): Licentia {our_time / len(rows) * 1e6:.0f} us, "
            f"logic-v2 {their_time / len(rows) * 1e6:.0f} us ({ratio(their_time, our_time)} faster)"
        )
    for line in errors:
        print(line)


# -- lists --------------------------------------------------------------------------------


def load_lists(files: Iterable[tuple[str, str]]) -> tuple[list[ListedEntity], dict[str, str]]:
    entities: list[ListedEntity] = []
    versions: dict[str, str] = {}
    for relative, file_format in files:
        header, stream = read_list(SANCTIONS / relative, file_format)
        entities.extend(stream)
        label = header.version or (
            header.published.isoformat() if header.published else Path(relative).name
        )
        versions.setdefault(header.source, label)
    return entities, versions


# -- 2. variants of UN names and non-listed names ---------------------------------------

_CYRILLIC = {
    "shch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "yu": "ю", "ya": "я",
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "y": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
    "u": "у", "f": "ф", "h": "х", "c": "к", "j": "дж", "q": "к", "w": "в", "x": "кс",
}  # fmt: skip
_LEGAL_FORMS = ("LLC", "Ltd", "Co. Ltd", "GmbH", "JSC", "OOO", "Limited", "Company", "S.A.", "Inc.")
_LEGAL_WORDS = {
    "llc",
    "ltd",
    "ltd.",
    "limited",
    "company",
    "co",
    "co.",
    "inc",
    "inc.",
    "corporation",
    "jsc",
    "s.a.",
}


def to_cyrillic(text: str) -> str:
    out, i, lower = [], 0, text.lower()
    while i < len(lower):
        for size in (4, 2, 1):
            chunk = lower[i : i + size]
            if chunk in _CYRILLIC:
                out.append(_CYRILLIC[chunk])
                i += size
                break
        else:
            out.append(lower[i])
            i += 1
    return "".join(out)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "vowel"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    vowels = "aeiou"
    spots = [j for j, ch in enumerate(word) if ch.lower() in vowels]
    if not spots:
        return word
    j = rng.choice(spots)
    return word[:j] + rng.choice([v for v in vowels if v != word[j].lower()]) + word[j + 1 :]


def variant(entity: ListedEntity, rng: random.Random) -> tuple[str, str] | None:
    """One treated name of a UN entry, and the treatment."""
    primary = entity.names[0].full
    words = primary.replace(",", " ").split()
    if not words:
        return None
    originals = [
        n.full for n in entity.names if n.script not in (None, "Latn") or not n.full.isascii()
    ]
    body = entity.schema is not EntitySchema.PERSON
    options = ["typo", "typo2", "reorder"]
    if len(words) >= 3:
        options.append("drop")
    if not body:
        options.append("cyrillic")
    if originals:
        options.append("original_script")
    if body:
        options.append("legal_form")
    treatment = rng.choice(options)
    if treatment == "typo":
        i = rng.randrange(len(words))
        words[i] = typo(words[i], rng)
    elif treatment == "typo2":
        for i in rng.sample(range(len(words)), min(2, len(words))):
            words[i] = typo(words[i], rng)
    elif treatment == "reorder":
        if len(words) < 2:
            words[0] = typo(words[0], rng)
        else:
            words = words[-1:] + words[:-1]
    elif treatment == "drop":
        del words[rng.randrange(1, len(words) - 1)]
    elif treatment == "cyrillic":
        return to_cyrillic(" ".join(words)), treatment
    elif treatment == "original_script":
        return rng.choice(originals), treatment
    elif treatment == "legal_form":
        kept = [w for w in words if w.lower() not in _LEGAL_WORDS] or words
        return " ".join(kept) + " " + rng.choice(_LEGAL_FORMS), treatment
    return " ".join(words), treatment


_FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Paul",
    "Emily",
    "Andrew",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Lukas",
    "Sophie",
    "Jan",
    "Anna",
    "Pieter",
    "Marie",
    "Francesca",
    "Giulia",
    "Matteo",
    "Lorenzo",
    "Hugo",
    "Chloe",
    "Louis",
    "Camille",
    "Elena",
    "Pablo",
    "Lucia",
    "Javier",
    "Carmen",
    "Henrik",
    "Ingrid",
    "Sven",
    "Astrid",
    "Tomasz",
    "Katarzyna",
    "Piotr",
    "Agnieszka",
    "Mihai",
    "Ioana",
    "Dimitris",
    "Eleni",
    "Joao",
    "Ines",
    "Ahmet",
    "Ayse",
    "Mehmet",
    "Fatma",
    "Hiroshi",
    "Yuki",
    "Wei",
    "Mei",
    "Raj",
    "Priya",
    "Arjun",
    "Ananya",
    "Chen",
    "Jun",
]
_LAST = [
    "Smithers",
    "Johansson",
    "Williamson",
    "Brownlee",
    "Jonesy",
    "Garciaz",
    "Millerton",
    "Davison",
    "Rodrigues",
    "Wilsons",
    "Martinelli",
    "Andersen",
    "Taylorson",
    "Thomasson",
    "Hernandes",
    "Moorehouse",
    "Martinsen",
    "Jacksons",
    "Thompsen",
    "Whitfield",
    "Lopez-Vidal",
    "Leeming",
    "Gonzalvez",
    "Harrisford",
    "Clarkson",
    "Lewisham",
    "Robinsons",
    "Walkerton",
    "Youngblood",
    "Allenby",
    "Kingsley",
    "Wrightson",
    "Scotland",
    "Torresi",
    "Nguyenova",
    "Hillary",
    "Floresca",
    "Greenfield",
    "Adamsky",
    "Nelsons",
    "Bakerfield",
    "Halloran",
    "Riveros",
    "Campbello",
    "Mitchum",
    "Carterton",
    "Robertsen",
    "Gomezano",
    "Philipsen",
    "Evansky",
    "Turnbull",
    "Diazmo",
    "Parkerson",
    "Cruzado",
    "Edwardsen",
    "Collinson",
    "Reyesa",
    "Stewartson",
    "Morrisey",
    "Moraleda",
    "Murphey",
    "Cookson",
    "Rogersen",
    "Gutierrez-Sol",
    "Ortizano",
    "Morganti",
    "Petersen",
    "Baileyson",
    "Kowalczyk",
    "Nowakowski",
    "Wisniewska",
    "Dubois",
    "Lefevre",
    "Moreau",
    "Laurent",
    "Fontaine",
    "Rossi",
    "Bianchi",
    "Esposito",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Lindqvist",
    "Nyberg",
    "Virtanen",
    "Korhonen",
    "Novak",
    "Horvat",
    "Kovac",
    "Papadopoulos",
    "Silva",
    "Santos",
    "Ferreira",
    "Pereira",
    "Oliveira",
    "Costa",
    "Tanaka",
    "Suzuki",
    "Watanabe",
    "Kobayashi",
    "Sato",
    "Yamamoto",
    "Nakamura",
    "Sharma",
    "Verma",
    "Gupta",
    "Iyer",
    "Nair",
    "Reddy",
    "Kapoor",
    "Mehta",
    "Janssen",
    "Peeters",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
]
_COMPANY_A = [
    "Nordic",
    "Alpine",
    "Baltic",
    "Atlantic",
    "Pacific",
    "Riverside",
    "Lakeside",
    "Summit",
    "Harbor",
    "Meridian",
    "Crescent",
    "Evergreen",
    "Silverline",
    "Bluewater",
    "Redwood",
    "Granite",
    "Horizon",
    "Pioneer",
    "Keystone",
    "Sterling",
    "Oakridge",
    "Brightwater",
    "Northwind",
    "Sunrise",
    "Westfield",
    "Eastgate",
    "Highland",
    "Greenleaf",
    "Ironbridge",
    "Clearview",
]
_COMPANY_B = [
    "Logistics",
    "Dairy",
    "Bakery",
    "Textiles",
    "Furniture",
    "Software",
    "Consulting",
    "Printing",
    "Optics",
    "Ceramics",
    "Packaging",
    "Farming",
    "Tooling",
    "Plastics",
    "Analytics",
    "Catering",
    "Cosmetics",
    "Robotics",
    "Acoustics",
    "Gardening",
    "Brewing",
    "Medical",
    "Dental",
    "Veterinary",
    "Publishing",
    "Freight",
    "Lighting",
    "Flooring",
    "Tiles",
    "Glassworks",
]
_COMPANY_C = (
    "GmbH",
    "Ltd",
    "BV",
    "AB",
    "Oy",
    "S.r.l.",
    "SAS",
    "LLC",
    "Inc.",
    "ApS",
    "AS",
    "Sp. z o.o.",
)


def non_listed(count: int, rng: random.Random) -> list[tuple[str, EntitySchema]]:
    names: list[tuple[str, EntitySchema]] = []
    while len(names) < count:
        if rng.random() < 0.6:
            parts = [rng.choice(_FIRST)]
            if rng.random() < 0.3:
                parts.append(rng.choice(_FIRST))
            parts.append(rng.choice(_LAST))
            names.append((" ".join(parts), EntitySchema.PERSON))
        else:
            name = f"{rng.choice(_COMPANY_A)} {rng.choice(_COMPANY_B)} {rng.choice(_COMPANY_C)}"
            names.append((name, EntitySchema.COMPANY))
    return names


def real_lists(variants: int, negatives: int, verbose: bool) -> None:
    print("\n== 2. UN name variants (top-5 recall) and non-listed names (false alarms) ==")
    print("   3. Speed and size on the combined index of every list in ../shared/data/sanctions/")
    if not (SANCTIONS / UN_LIST).exists():
        skip("real lists and speed", f"{SANCTIONS} is absent")
        return
    entities, versions = load_lists(LIST_FILES)
    names = sum(len(e.names) for e in entities)
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    index = ScreeningIndex.build(entities, versions)
    build_seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Build again without tracemalloc for an honest time (tracing slows allocation).
    gc.collect()
    started = time.perf_counter()
    index = ScreeningIndex.build(entities, versions)
    build_seconds = time.perf_counter() - started
    path = HERE / ".index.pickle"
    index.save(path)
    size = path.stat().st_size
    started = time.perf_counter()
    loaded = ScreeningIndex.load(path)
    load_seconds = time.perf_counter() - started
    path.unlink()
    del loaded

    rng = random.Random(SEED)
    un = [e for e in entities if e.source == "un-sc"]
    sample = rng.sample(un, min(variants, len(un)))
    cases: list[tuple[str, EntitySchema, ListedEntity, str]] = []
    for entity in sample:
        made = variant(entity, rng)
        if made:
            cases.append((made[0], entity.schema, entity, made[1]))
    found_by: dict[str, list[int]] = {}
    pre_scored_hits: list[list[tuple[str, str]]] = []
    latencies: list[float] = []
    candidates_seen: list[list[tuple[str, EntitySchema, list[str]]]] = []
    for text, _schema, entity, treatment in cases:
        query = ScreeningQuery.create(text)
        started = time.perf_counter()
        ranked = rank(index, query, candidates=DEFAULT_PROFILE.candidates)
        latencies.append(time.perf_counter() - started)
        top = [(h.source, h.source_id) for h in ranked[:5]]
        hit = (entity.source, entity.source_id) in top
        pre_scored_hits.append(hits_of(ranked))
        found_by.setdefault(treatment, []).append(int(hit))
        candidates_seen.append(
            [(text, h.entity.schema, [n.full for n in h.entity.names[:3]]) for h in ranked]
        )
        if verbose and not hit:
            print(
                f"  missed ({treatment}): {text!r} for {entity.caption!r}; top: {[h.listed_name for h in ranked[:3]]}"
            )
    total = sum(sum(v) for v in found_by.values())
    print(
        f"UN variants: {total}/{len(cases)} in the top 5 = {total / len(cases):.3f} (goal >= 0.99)"
    )
    for treatment, hits in sorted(found_by.items()):
        print(f"  {treatment:<16} {sum(hits)}/{len(hits)}")
    # The same with every candidate fully compared (no pre-score), for comparison.
    full_found = 0
    agreement = Agreement()
    for (text, _schema, entity, _treatment), fast in zip(cases, pre_scored_hits, strict=True):
        query = ScreeningQuery.create(text)
        full = rank(index, query, candidates=DEFAULT_PROFILE.candidates, compare=None)
        full_found += (entity.source, entity.source_id) in [
            (h.source, h.source_id) for h in full[:5]
        ]
        agreement.add(fast, hits_of(full))
    print(
        f"  without the pre-score (all {DEFAULT_PROFILE.candidates} candidates fully compared): "
        f"{full_found}/{len(cases)} = {full_found / len(cases):.3f}"
    )

    alarms = 0
    negative_latencies: list[float] = []
    for text, schema in non_listed(negatives, random.Random(SEED + 1)):
        query = ScreeningQuery.create(text, schema=schema)
        started = time.perf_counter()
        result = screen(index, query)
        negative_latencies.append(time.perf_counter() - started)
        agreement.add(hits_of(result.hits), hits_of(screen(index, query, FULL_PROFILE).hits))
        if result.hits:
            alarms += 1
            if verbose:
                top = result.hits[0]
                print(f"  false alarm: {text!r} -> {top.listed_name!r} {top.score:.2f}")
    print(
        f"non-listed names: {alarms}/{negatives} above the threshold {THRESHOLD} = {alarms / negatives:.3f}"
    )
    print(
        f"pre-score against full comparison, hits at {THRESHOLD} over all {agreement.queries} "
        f"queries: {agreement.same} queries with the same hits; {agreement.lost} of "
        f"{agreement.full} hits lost, {agreement.gained} gained"
    )

    # Speed. The batch goes through `screen_many`, the batch path of the Python API, which
    # screens a recurring party once (17 of the 1,000 generated names recur).
    all_latencies = sorted(latencies + negative_latencies)
    queries = [c[0] for c in cases] + [n for n, _ in non_listed(negatives, random.Random(SEED + 1))]
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in screen_many(index, (ScreeningQuery.create(text) for text in queries)):
        pass
    batch_rate = len(queries) / (time.perf_counter() - started)
    # CPU time of this process: the rate per core, without the time other processes took.
    cpu_rate = len(queries) / (time.process_time() - cpu_started)

    brute = brute_force(index, queries[:200])
    peer = logic_v2_candidates(candidates_seen[:100])
    median = statistics.median(all_latencies) * 1000
    p95 = all_latencies[int(len(all_latencies) * 0.95)] * 1000
    print(f"index: {len(entities)} entities, {names} names, {len(index.postings)} keys")
    print(f"build {build_seconds:.2f} s (goal <= 10), file {size / 1e6:.1f} MB, load {load_seconds:.2f} s, "
          f"peak memory while building {peak / 1e6:.0f} MB (tracemalloc)")  # fmt: skip
    print(f"{'per query':<34} {'median ms':>10} {'p95 ms':>8} {'names/s':>9}")
    print(f"{'Licentia (index + scoring)':<34} {median:>10.2f} {p95:>8.2f} {batch_rate:>9.0f}")
    if brute:
        print(f"{'rapidfuzz WRatio scan, all names':<34} {brute[0]:>10.2f} {brute[1]:>8.2f} {1000 / brute[0]:>9.0f}"
              f"   Licentia is {brute[0] / median:.1f}x faster (median)")  # fmt: skip
    if peer:
        print(f"{'logic-v2 on the same candidates':<34} {peer[0]:>10.2f} {peer[1]:>8.2f} {1000 / peer[0]:>9.0f}"
              f"   Licentia is {peer[0] / median:.1f}x faster (median)")  # fmt: skip
    print(f"batch: {batch_rate:.0f} names/s (wall clock), {cpu_rate:.0f} names per CPU second")
    print("goals: median <= 2 ms, >= 1,000 names/s per core in batch")


def hits_of(ranked: Iterable[Hit]) -> list[tuple[str, str]]:
    """The parties that are hits at the standard threshold (a weak alias alone is not)."""
    return [
        (h.source, h.source_id)
        for h in ranked
        if h.score >= THRESHOLD and not any(f.feature is Feature.WEAK_ALIAS for f in h.features)
    ]


@dataclass
class Agreement:
    """Hits with the pre-score against hits with every candidate fully compared."""

    queries: int = 0
    same: int = 0
    full: int = 0
    lost: int = 0
    gained: int = 0

    def add(self, fast: list[tuple[str, str]], full: list[tuple[str, str]]) -> None:
        self.queries += 1
        self.same += fast == full
        self.full += len(full)
        self.lost += len(set(full) - set(fast))
        self.gained += len(set(fast) - set(full))


def brute_force(index: ScreeningIndex, queries: list[str]) -> tuple[float, float] | None:
    try:
        from rapidfuzz import fuzz, process, utils
    except ImportError:
        return None
    choices = [index.entities[e].names[n].full for e, n in index.name_refs]
    processed = [utils.default_process(c) for c in choices]
    times = []
    for text in queries:
        started = time.perf_counter()
        process.extract(
            utils.default_process(text), processed, scorer=fuzz.WRatio, limit=10, processor=None
        )
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def logic_v2_candidates(
    batches: list[list[tuple[str, EntitySchema, list[str]]]],
) -> tuple[float, float] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        return None
    config = ScoringConfig.defaults()
    counter = iter(range(10**9))

    def make(schema: str, names: list[str]) -> Any:
        entity = model.make_entity(schema)
        entity.id = f"c-{next(counter)}"
        entity.add("name", names)
        return entity

    times = []
    for batch in batches:
        if not batch:
            continue
        query = make("LegalEntity", [batch[0][0]])
        listed = [make(schema.value, names) for _, schema, names in batch]
        started = time.perf_counter()
        for candidate in listed:
            algorithm.compare(query, candidate, config)
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=400, help="UN entries to make variants of")
    parser.add_argument("--negatives", type=int, default=1000, help="non-listed names")
    parser.add_argument("--verbose", action="store_true", help="print misses and false alarms")
    args = parser.parse_args(argv)
    name_bench(args.verbose)
    real_lists(args.variants, args.negatives, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
