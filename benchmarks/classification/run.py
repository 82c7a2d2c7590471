"""Benchmark the classification assistant against a plain BM25 baseline on the labelled cases.

Usage (from the project root):

    .venv/bin/python benchmarks/classification/run.py [--json PATH] [--verbose] [--split tuning]

Two configurations are run when possible: the full Annex I list imported from
../shared/data (skipped with a message when that folder is absent) and the curated excerpt
that ships with the package. In each, Licentia's `Classifier` and a plain `rank_bm25`
baseline answer the same descriptions over the same provisions, and the figures are printed
for the TUNING set (`cases.jsonl`), the FRESH set (`cases-fresh.jsonl`) and ALL cases.

The TUNING set was used to develop the assistant; the FRESH set was written afterwards by
someone who never saw the assistant, its curated data or the tuning set, and is for
reporting only: never tune on its failures (see README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rank_bm25 import BM25Okapi

from licentia.controls.classify import Classifier, Outcome
from licentia.controls.curated import load_curated
from licentia.controls.importers.eu_annex_json import parse_eu_annex_json
from licentia.controls.model import ControlList

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent
CASES = HERE / "cases.jsonl"
FRESH_CASES = HERE / "cases-fresh.jsonl"
FULL_LIST = (
    PROJECT_ROOT.parent / "shared" / "data" / "controls" / "eu-annex-i-consolidated-2025-11-15.json"
)

NOT_LISTED = "NOT_LISTED"
INSUFFICIENT = "INSUFFICIENT_INFORMATION"
_OUTCOME_LABELS = {
    Outcome.NOT_LISTED.value: NOT_LISTED,
    Outcome.INSUFFICIENT_INFORMATION.value: INSUFFICIENT,
}
SPLITS = ("TUNING", "FRESH", "ALL")
METRICS = ("exact", "head", "top3", "over", "under")
METRIC_TITLES = {
    "exact": "exact match",
    "head": "head-entry match",
    "top3": "top-3 recall",
    "over": "over-classification",
    "under": "under-classification",
}
# Lower is better for these; the ratio is still Licentia / baseline.
LOWER_IS_BETTER = {"over", "under"}


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    description: str
    label: str
    trap: bool
    cyber_non_listed: bool

    @property
    def split(self) -> str:
        return "FRESH" if self.id.startswith("f") else "TUNING"

    @property
    def listed(self) -> bool:
        return self.label not in (NOT_LISTED, INSUFFICIENT)

    @property
    def kind(self) -> str:
        if self.listed:
            return "listed"
        if self.label == INSUFFICIENT:
            return "insufficient"
        if self.cyber_non_listed:
            return "non-listed-cyber"
        return "trap" if self.trap else "ordinary"


@dataclass(frozen=True, slots=True)
class Answer:
    top: str
    ranked: tuple[str, ...]


def load_cases(path: Path = CASES) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        cases.append(
            Case(
                id=raw["id"],
                description=raw["description"],
                label=_clean(raw["label"]),
                trap=bool(raw["trap"]),
                cyber_non_listed=bool(raw["cyber_surveillance_non_listed"]),
            )
        )
    return cases


def _clean(answer: str) -> str:
    answer = answer.strip().rstrip(".")
    return _OUTCOME_LABELS.get(answer, answer)


def _is_listed(answer: str) -> bool:
    return answer not in (NOT_LISTED, INSUFFICIENT)


class Licentia:
    name = "licentia"

    def __init__(self, control_list: ControlList) -> None:
        self.classifier = Classifier(control_list, load_curated())

    def answer(self, description: str) -> Answer:
        result = self.classifier.classify(description)
        ranked = tuple(_clean(a) for a in result.ranked_answers())
        return Answer(_clean(result.top), ranked)


class Baseline:
    """Plain BM25 over the provision texts, whitespace tokens, no domain knowledge."""

    name = "bm25"

    def __init__(self, control_list: ControlList) -> None:
        # The curated excerpt carries no legal text; its summaries stand in for it.
        self.paths = [entry.path for entry in control_list]
        corpus = [_ws_tokens(entry.text or entry.summary) for entry in control_list]
        self.bm25 = BM25Okapi(corpus)

    def answer(self, description: str) -> Answer:
        scores = self.bm25.get_scores(_ws_tokens(description))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        if not order or scores[order[0]] <= 0:
            return Answer(NOT_LISTED, (NOT_LISTED,))
        ranked = tuple(self.paths[i] for i in order[:3])
        return Answer(ranked[0], ranked)


def _ws_tokens(text: str) -> list[str]:
    return text.lower().split()


def score(cases: Sequence[Case], answers: Sequence[Answer]) -> dict[str, float | None]:
    """The five figures of the README for one split; None when the split has no such cases."""
    exact = head = top3 = 0
    not_listed = over = listed = under = 0
    for case, answer in zip(cases, answers, strict=True):
        exact += answer.top == case.label
        if case.listed:
            head += answer.top[:5] == case.label[:5]
        else:
            head += answer.top == case.label
        top3 += case.label in answer.ranked[:3]
        if case.listed:
            listed += 1
            under += not _is_listed(answer.top)
        else:
            not_listed += 1
            over += _is_listed(answer.top)
    total = len(cases)
    return {
        "n": float(total),
        "exact": exact / total if total else None,
        "head": head / total if total else None,
        "top3": top3 / total if total else None,
        "over": over / not_listed if not_listed else None,
        "under": under / listed if listed else None,
    }


def by_kind(cases: Sequence[Case], answers: Sequence[Answer]) -> dict[str, float]:
    kinds: dict[str, list[bool]] = {}
    for case, answer in zip(cases, answers, strict=True):
        kinds.setdefault(case.kind, []).append(answer.top == case.label)
    return {kind: sum(hits) / len(hits) for kind, hits in sorted(kinds.items())}


def run_system(
    make: Callable[[ControlList], Licentia | Baseline], control_list: ControlList, cases: list[Case]
) -> tuple[list[Answer], float, float]:
    started = time.perf_counter()
    system = make(control_list)
    built = time.perf_counter()
    answers = [system.answer(case.description) for case in cases]
    elapsed = time.perf_counter() - built
    return answers, len(cases) / elapsed if elapsed else float("inf"), built - started


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None:
        return "    -"
    if theirs == 0:
        return "  inf" if ours else "  1.0"
    return f"{ours / theirs:5.2f}"


def evaluate(
    name: str, control_list: ControlList, cases: list[Case], args: argparse.Namespace
) -> dict[str, Any]:
    ours, ours_rate, ours_build = run_system(Licentia, control_list, cases)
    base, base_rate, base_build = run_system(Baseline, control_list, cases)
    figures: dict[str, Any] = {
        "configuration": name,
        "provisions": len(control_list),
        "list_version": control_list.version,
        "throughput": {"licentia": ours_rate, "bm25": base_rate},
        "build_seconds": {"licentia": ours_build, "bm25": base_build},
        "splits": {},
    }
    print(f"\n=== {name}: {len(control_list)} provisions, list version {control_list.version} ===")
    header = f"{'split':<14}{'metric':<30}{'licentia':>9}{'bm25':>9}{'ratio':>7}"
    print(header)
    print("-" * len(header))
    for split in SPLITS:
        chosen = [i for i, c in enumerate(cases) if split == "ALL" or c.split == split]
        split_cases = [cases[i] for i in chosen]
        ours_fig = score(split_cases, [ours[i] for i in chosen])
        base_fig = score(split_cases, [base[i] for i in chosen])
        figures["splits"][split] = {
            "n": len(split_cases),
            "licentia": {k: ours_fig[k] for k in METRICS},
            "bm25": {k: base_fig[k] for k in METRICS},
            "licentia_by_kind": by_kind(split_cases, [ours[i] for i in chosen]),
            "bm25_by_kind": by_kind(split_cases, [base[i] for i in chosen]),
        }
        for metric in METRICS:
            label = METRIC_TITLES[metric] + (" (lower)" if metric in LOWER_IS_BETTER else "")
            print(
                f"{split + f' ({len(split_cases)})' if metric == 'exact' else '':<14}"
                f"{label:<30}{_fmt(ours_fig[metric]):>9}{_fmt(base_fig[metric]):>9}"
                f"{_ratio(ours_fig[metric], base_fig[metric]):>7}"
            )
        print()
    kinds = figures["splits"]["ALL"]
    print(
        "exact match by kind (ALL): "
        + ", ".join(
            f"{kind} {kinds['licentia_by_kind'][kind]:.2f} vs {kinds['bm25_by_kind'][kind]:.2f}"
            for kind in kinds["licentia_by_kind"]
        )
    )
    print(
        f"throughput: licentia {ours_rate:,.0f} descriptions/s (index built in "
        f"{ours_build:.2f} s), bm25 {base_rate:,.0f} descriptions/s (built in {base_build:.2f} s)"
    )
    if args.verbose:
        _print_failures(cases, ours, base, args.split)
    return figures


def _print_failures(cases: list[Case], ours: list[Answer], base: list[Answer], split: str) -> None:
    wanted = {"tuning": "TUNING", "fresh": "FRESH"}.get(split)
    print(f"\nLicentia failures ({split} split):")
    for case, answer, baseline in zip(cases, ours, base, strict=True):
        if answer.top == case.label or (wanted and case.split != wanted):
            continue
        print(
            f"  {case.id} [{case.kind}] label {case.label}; got {answer.top}; "
            f"top 3 {list(answer.ranked[:3])}; bm25 {baseline.top}"
        )
        print(f"      {case.description}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--verbose", action="store_true", help="print each failure")
    parser.add_argument(
        "--split",
        choices=("tuning", "fresh", "all"),
        default="tuning",
        help="which set's failures --verbose prints (default: tuning)",
    )
    args = parser.parse_args(argv)
    cases = load_cases(CASES) + load_cases(FRESH_CASES)
    print(
        f"{len(cases)} cases: {sum(c.split == 'TUNING' for c in cases)} TUNING, "
        f"{sum(c.split == 'FRESH' for c in cases)} FRESH (never tuned on)"
    )
    results = []
    if FULL_LIST.exists():
        results.append(evaluate("full Annex I", parse_eu_annex_json(FULL_LIST), cases, args))
    else:
        print(
            f"\nSkipping the full-list configuration: {FULL_LIST} is absent "
            "(../shared/data is only present beside the project)."
        )
    results.append(evaluate("curated excerpt", load_curated().control_list(), cases, args))
    if args.json:
        args.json.write_text(json.dumps({"configurations": results}, indent=2) + "\n")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
