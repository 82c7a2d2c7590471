"""Benchmark: the risk model on documented export cases and benign controls, next to baselines.

Usage (from the project root):

    .venv/bin/python benchmarks/risk/run.py [--data ../shared/data/human-rights] [--verbose]

Each case of `cases.py` runs through `licentia.risk.assess` with the indicator files of
`--data` read by Licentia's importers, as of 31 December of the case's year (so the values of
that year and earlier count, never later ones). A documented case passes when it rates high or
very high, a benign control when it rates low. Beside the model, two single-indicator
baselines rate the same cases:

- Freedom House status from the political-rights and civil-liberties ratings of the year
  (mean 1.0-2.5 Free -> low, 3.0-5.0 Partly Free -> medium, 5.5-7.0 Not Free -> high);
- Political Terror Scale, the worst of the three codings of the year (1-2 low, 3 medium,
  4-5 high).

Every case runs twice: "before" is the model of revision 1 (`licentia-default-1`: general
reading only, no intrusiveness uplift), reproduced by configuration; "after" is the default of
`licentia.risk.config`. Neither was tuned on these cases; the fresh sets (`FRESH_DOCUMENTED`,
`FRESH_BENIGN`) were chosen before revision 2 was first run. Misses are printed, not hidden.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import BENIGN, DOCUMENTED, FRESH_BENIGN, FRESH_DOCUMENTED, Case  # noqa: E402

from licentia.risk.assess import Assessment, FactorKind, assess, request_from  # noqa: E402
from licentia.risk.config import DEFAULT_CONFIG, Rating, RiskConfig  # noqa: E402

# Revision 1 of the model, as configuration: the general reading for every item (no
# surveillance weights) and no intrusiveness uplift.
REVISION_1 = RiskConfig.from_dict(
    {
        "version": "licentia-default-1",
        "intrusion_uplift": 0.0,
        "groups": [
            {k: v for k, v in group.items() if k != "surveillance_weight"}
            for group in DEFAULT_CONFIG.to_dict()["groups"]
        ],
    }
)
from licentia.risk.store import MemoryStore  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "human-rights"
FILES = (
    ("pts-2024.csv", "pts"),
    ("vdem-v14-main-indices-1990-2023.csv", "vdem"),
    ("freedom-house-fiw-ratings-1972-2024.csv", "fh-fiw"),
    ("wgi-voice-accountability-1996-2023.csv", "wgi-va"),
    ("rsf-press-freedom-2014-2021.csv", "rsf"),
    ("fariss-human-rights-protection-1946-2019.csv", "fariss"),
)
SHORT = {
    FactorKind.DESTINATION: "dest",
    FactorKind.TREND: "trend",
    FactorKind.TECHNOLOGY: "tech",
    FactorKind.END_USER: "user",
    FactorKind.RED_FLAGS: "flags",
    FactorKind.IDENTITY: "ident",
}


def load(data: Path) -> MemoryStore | None:
    try:
        from licentia.risk.indicators import read_indicators
    except ImportError:
        print("SKIPPED: the indicator importers (licentia.risk.indicators) are not installed")
        return None
    present = [(data / name, fmt) for name, fmt in FILES if (data / name).is_file()]
    missing = [name for name, _ in FILES if not (data / name).is_file()]
    if not present:
        print(f"SKIPPED: no indicator file in {data} (expected {', '.join(n for n, _ in FILES)})")
        return None
    if missing:
        print(f"note: absent, run without them: {', '.join(missing)}")
    files = [read_indicators(path, fmt) for path, fmt in present]
    for file in files:
        print(f"loaded {file.edition.label}: {len(file.observations)} values")
    return MemoryStore.of_files(files)


def passes(case: Case, rating: Rating | None) -> bool:
    if case.expected == "low":
        return rating is Rating.LOW
    return rating in (Rating.HIGH, Rating.VERY_HIGH)


def _band(level: str | None, case: Case) -> bool | None:
    if level is None:
        return None
    return level == ("low" if case.expected == "low" else "high")


def fh_baseline(store: MemoryStore, case: Case) -> str | None:
    values = []
    for key in ("fh.pr", "fh.cl"):
        found = [o for o in store.series(key, case.destination) if o.year == case.year]
        if not found:
            return None
        values.append(found[0].value)
    mean = sum(values) / 2
    return "low" if mean <= 2.5 else "medium" if mean <= 5.0 else "high"


def pts_baseline(store: MemoryStore, case: Case) -> str | None:
    values = [
        o.value
        for key in ("pts.amnesty", "pts.hrw", "pts.state")
        for o in store.series(key, case.destination)
        if o.year == case.year
    ]
    if not values:
        return None
    worst = max(values)
    return "low" if worst <= 2 else "medium" if worst < 4 else "high"


def top_factors(result: Assessment) -> str:
    ranked = sorted(result.factors, key=lambda f: f.contribution, reverse=True)
    return " ".join(f"{SHORT[f.kind]} {f.contribution:.2f}" for f in ranked[:3] if f.contribution)


def run_case(store: MemoryStore, case: Case, config: RiskConfig = DEFAULT_CONFIG) -> Assessment:
    request = request_from(
        {
            "destination": case.destination,
            "date": dt.date(case.year, 12, 31).isoformat(),
            "end_user_type": case.end_user_type,
            "items": list(case.items),
            "categories": list(case.categories),
        }
    )
    return assess(request, store, config)


def report(store: MemoryStore, cases: Sequence[Case], verbose: bool) -> None:
    header = (
        f"{'case':18} {'dest':4} {'year':4} {'technology':20} {'end user':16} "
        f"{'before':17} {'after':17} {'ok':3} {'ind':3} {'top factors after':28} "
        f"{'FH':6} {'PTS':6}"
    )
    print(header)
    print("-" * len(header))
    before_ok = model_ok = fh_ok = pts_ok = fh_n = pts_n = agree_fh = 0
    misses: list[str] = []
    for case in cases:
        before = run_case(store, case, REVISION_1)
        result = run_case(store, case)
        before_ok += passes(case, before.rating)
        ok = passes(case, result.rating)
        model_ok += ok
        if not ok:
            misses.append(f"{case.id}: {result.rating_label} ({result.score:.2f})")
        fh, pts = fh_baseline(store, case), pts_baseline(store, case)
        for level, counter in ((fh, "fh"), (pts, "pts")):
            verdict = _band(level, case)
            if verdict is None:
                continue
            if counter == "fh":
                fh_n += 1
                fh_ok += verdict
                agree_fh += verdict == ok
            else:
                pts_n += 1
                pts_ok += verdict
        technology = ",".join(case.items + case.categories)
        used = [
            e for e in result.factor(FactorKind.DESTINATION).indicators if e.status.value == "used"
        ]
        was = f"{before.rating_label} {before.score:.2f}"
        now = f"{result.rating_label} {result.score:.2f}"
        print(
            f"{case.id:18} {case.destination:4} {case.year:4} {technology[:20]:20} "
            f"{(case.end_user_type or 'not declared'):16} {was:17} {now:17} "
            f"{'yes' if ok else 'NO':3} {len(used):3} {top_factors(result):28} "
            f"{fh or '-':6} {pts or '-':6}"
        )
        if verbose:
            print("\n".join("    " + p for p in result.reasoning) + "\n")
    total = len(cases)
    print(
        f"\nbefore (licentia-default-1): {before_ok}/{total} ({before_ok / total:.0%})   "
        f"after ({DEFAULT_CONFIG.version}): {model_ok}/{total} ({model_ok / total:.0%})   "
        f"FH-status baseline: {fh_ok}/{fh_n} ({fh_ok / max(fh_n, 1):.0%}, "
        f"{total - fh_n} without data)   "
        f"PTS baseline: {pts_ok}/{pts_n} ({pts_ok / max(pts_n, 1):.0%}, "
        f"{total - pts_n} without data)   model and FH agree on pass/miss: {agree_fh}/{fh_n}"
    )
    for miss in misses:
        print(f"  MISS {miss}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--verbose", action="store_true", help="print the draft reasoning")
    args = parser.parse_args()
    store = load(args.data)
    if store is None:
        return
    sets = (
        ("Documented cases (expected: high or very high)", DOCUMENTED),
        ("Benign controls (expected: low)", BENIGN),
        (
            "FRESH documented cases, chosen before revision 2 ran (expected: high or very high)",
            FRESH_DOCUMENTED,
        ),
        ("FRESH benign controls, chosen before revision 2 ran (expected: low)", FRESH_BENIGN),
    )
    for title, cases in sets:
        print(f"\n{title}\n")
        report(store, cases, args.verbose)
    print("\nAll original cases\n")
    report(store, DOCUMENTED + BENIGN, False)
    print("\nAll fresh cases\n")
    report(store, FRESH_DOCUMENTED + FRESH_BENIGN, False)


if __name__ == "__main__":
    main()
