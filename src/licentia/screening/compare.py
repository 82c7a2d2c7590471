"""Name-pair comparison: how well one query name matches one listed name, part by part.

Each reading of the two names is aligned part by part: first by shared rigour symbols
(the same Wikidata name in two scripts, a nickname, a legal-form class, a number), then the
rest by rigour's cost-folded edit distance, after putting person names in the same order.
Every part ends in one `PartMatch`: matched (with a similarity), or left over on one side.

The score is a weighted mean of the part similarities, with two policies of our own that
the name-bench cases call for:

* a *conflict* - an identifying part left over on both sides ("AL-DURI" against
  "AL-TIKRITI", "Atlanta" against "Boston") - multiplies the score down: a different
  family name or a different place is a different party, however much else agrees;
* a part left over on one side only (a dropped middle name, an added legal form) costs
  less, and less for people than for organisations, whose extra words ("Chile",
  "Systems") usually name a different company.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process
from rigour.names import (
    Alignment,
    Name,
    NamePart,
    NamePartTag,
    NameTypeTag,
    SymbolCategory,
    align_person_name_order,
    compare_parts,
    pair_symbols,
)

from licentia.screening.names import NameAnalysis, NameKind


class PartHow(StrEnum):
    """How a part of the query name was matched to the listed name."""

    SAME = "same"
    SYMBOL = "symbol"
    FUZZY = "fuzzy"
    INITIAL = "initial"
    QUERY_ONLY = "query_only"
    LISTED_ONLY = "listed_only"
    CONFLICT = "conflict"

    @property
    def description(self) -> str:
        return {
            PartHow.SAME: "The same part on both sides",
            PartHow.SYMBOL: "The same name in another script or spelling, a nickname, or the same legal form",
            PartHow.FUZZY: "A close spelling (typo, transliteration variant)",
            PartHow.INITIAL: "An initial standing for the name",
            PartHow.QUERY_ONLY: "A part of the query with no counterpart in the listed name",
            PartHow.LISTED_ONLY: "A part of the listed name with no counterpart in the query",
            PartHow.CONFLICT: "A part that differs on both sides (different family name, place...)",
        }[self]


@dataclass(frozen=True, slots=True)
class NameScoring:
    """The weights of the name comparison; `DEFAULT_SCORING` is tuned on name-bench."""

    symbol_scores: tuple[tuple[str, float], ...] = (
        ("NAME", 0.9),
        ("NICK", 0.8),
        ("INITIAL", 0.8),
        ("SYMBOL", 0.95),
        ("PHONETIC", 0.8),
    )
    legal_weight: float = 0.25
    stop_weight: float = 0.4
    person_query_extra: float = 0.3
    person_listed_extra: float = 0.2
    org_query_extra: float = 1.0
    org_listed_extra: float = 1.0
    conflict_penalty: float = 0.7
    weak_fuzzy: float = 0.0  # a fuzzy pair scoring below this counts as a conflict
    number_mismatch_penalty: float = 0.7
    order_penalty: float = 0.92
    initial_score: float = 0.8
    symbol_map: dict[str, float] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.symbol_map.update(dict(self.symbol_scores))


DEFAULT_SCORING = NameScoring()


@dataclass(frozen=True, slots=True)
class PartMatch:
    query: str
    listed: str
    how: PartHow
    score: float
    weight: float


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The best alignment of one query name with one listed name."""

    score: float
    query_name: str
    listed_name: str
    parts: tuple[PartMatch, ...]
    conflicts: int

    @property
    def summary(self) -> str:
        shown = []
        for part in self.parts:
            if part.how in (PartHow.SAME,):
                shown.append(part.query)
            elif part.how is PartHow.QUERY_ONLY:
                shown.append(f"+{part.query}")
            elif part.how is PartHow.LISTED_ONLY:
                shown.append(f"-{part.listed}")
            else:
                shown.append(f"{part.query}~{part.listed}({part.how.value} {part.score:.2f})")
        return " ".join(shown)


NO_MATCH = NameComparison(0.0, "", "", (), 0)


_LEGAL = NamePartTag.LEGAL
_STOP = NamePartTag.STOP


def _weigh(parts: tuple[NamePart, ...], scoring: NameScoring, person: bool) -> tuple[float, bool]:
    """The weight of aligned parts and whether they identify (`_identifying`), in one pass."""
    all_legal = True
    for p in parts:
        tag = p.tag
        if tag == _LEGAL:
            continue
        all_legal = False
        if tag != _STOP or (person and p.comparable not in _PARTICLES):
            return 1.0, True
    return (scoring.legal_weight if all_legal else scoring.stop_weight), False


# Particles of person names that identify no one; other words rigour calls stopwords
# ("un" in "Kim Jong Un") are real name parts in a person's name.
_PARTICLES = frozenset(
    [
        "al",
        "el",
        "bin",
        "ben",
        "ibn",
        "bint",
        "abu",
        "abd",
        "abdul",
        "de",
        "da",
        "di",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "du",
        "dos",
        "das",
        "y",
        "e",
        "ul",
        "ur",
        "ud",
    ]
)


def _identifying(parts: tuple[NamePart, ...], person: bool = False) -> bool:
    for p in parts:
        if p.tag == NamePartTag.LEGAL:
            continue
        if p.tag != NamePartTag.STOP or (person and p.comparable not in _PARTICLES):
            return True
    return False


def _numbers(name: Name) -> set[str]:
    return {p.comparable for p in name.parts if p.numeric}


def _compare_readings(
    query: Name, listed: Name, person: bool, scoring: NameScoring
) -> tuple[float, list[Alignment], int]:
    if query.comparable == listed.comparable:
        return 1.0, [Alignment(query.parts, listed.parts, score=1.0)], 0
    best: tuple[float, list[Alignment], int] = (0.0, [], 0)
    pairings = pair_symbols(query, listed)[:8] or [()]
    for edges in pairings:
        aligned: list[Alignment] = []
        for edge in edges:
            assert edge.symbol is not None
            if edge.qstr == edge.rstr:
                edge.score = 1.0
            else:
                edge.score = scoring.symbol_map.get(edge.symbol.category.value, 1.0)
            aligned.append(edge)
        used_q = {p for e in edges for p in e.qps}
        used_r = {p for e in edges for p in e.rps}
        rest_q = [p for p in query.parts if p not in used_q]
        rest_r = [p for p in listed.parts if p not in used_r]
        if rest_q or rest_r:
            if person:
                rest_q, rest_r = align_person_name_order(rest_q, rest_r)
            else:
                rest_q, rest_r = NamePart.tag_sort(rest_q), NamePart.tag_sort(rest_r)
            aligned.extend(_pair_initials(compare_parts(rest_q, rest_r), scoring))
        total = weighted = 0.0
        extra_q = extra_r = 0
        query_extra = scoring.person_query_extra if person else scoring.org_query_extra
        listed_extra = scoring.person_listed_extra if person else scoring.org_listed_extra
        for a in aligned:
            qps, rps = a.qps, a.rps
            if qps and rps:
                w_q, identifying = _weigh(qps, scoring, person)
                w = (w_q + _weigh(rps, scoring, person)[0]) / 2
                part_score = a.score
                if part_score < scoring.weak_fuzzy and a.symbol is None and identifying:
                    extra_q += 1
                    extra_r += 1
                weighted += w * part_score
            elif qps:
                w_q, identifying = _weigh(qps, scoring, person)
                w = w_q * query_extra
                extra_q += identifying
            else:
                w_r, identifying = _weigh(rps, scoring, person)
                w = w_r * listed_extra
                extra_r += identifying
            a.weight = w
            total += w
        score = weighted / total if total else 0.0
        conflicts = min(extra_q, extra_r)
        score *= scoring.conflict_penalty**conflicts
        if person and _order_changed(aligned):
            score *= scoring.order_penalty
        if score > best[0]:
            best = (score, aligned, conflicts)
    numbers_q, numbers_r = _numbers(query), _numbers(listed)
    if numbers_q != numbers_r and numbers_q and numbers_r:
        best = (best[0] * scoring.number_mismatch_penalty, best[1], best[2])
    return best


def _pair_initials(aligned: list[Alignment], scoring: NameScoring) -> list[Alignment]:
    """Pair a left-over one-letter part ("V.") with a left-over part it abbreviates."""
    only_q = [a for a in aligned if a.qps and not a.rps]
    only_r = [a for a in aligned if a.rps and not a.qps]
    if not only_q or not only_r:
        return aligned
    kept = [a for a in aligned if a.qps and a.rps]
    for short, long, query_short in ((only_q, only_r, True), (only_r, only_q, False)):
        for a in list(short):
            if len(a.qps or a.rps) != 1:
                continue
            letter = (a.qps or a.rps)[0].comparable
            if len(letter) != 1:
                continue
            for b in long:
                parts = b.rps if query_short else b.qps
                if (
                    len(parts) == 1
                    and len(parts[0].comparable) > 1
                    and parts[0].comparable[0] == letter
                ):
                    qps, rps = (a.qps, b.rps) if query_short else (b.qps, a.rps)
                    kept.append(Alignment(qps, rps, score=scoring.initial_score))
                    short.remove(a)
                    long.remove(b)
                    break
    return kept + only_q + only_r


def _order_changed(aligned: list[Alignment]) -> bool:
    """True when the matched parts come in another order (Hans Friedrich / Friedrich Hans)."""
    pairs = sorted(
        (min(p.index for p in a.qps), min(p.index for p in a.rps))
        for a in aligned
        if a.qps and a.rps and _identifying(a.qps)
    )
    listed = [r for _, r in pairs]
    return listed != sorted(listed)


def _how(a: Alignment) -> PartHow:
    if not a.rps:
        return PartHow.QUERY_ONLY
    if not a.qps:
        return PartHow.LISTED_ONLY
    if a.qstr == a.rstr:
        return PartHow.SAME
    if a.symbol is not None:
        return PartHow.INITIAL if a.symbol.category == SymbolCategory.INITIAL else PartHow.SYMBOL
    return PartHow.FUZZY


@dataclass(frozen=True, slots=True)
class NameAlignment:
    """The best alignment of two names, before it is written out as a `NameComparison`.

    Screening compares a query with several listed names and keeps the best; only that one
    needs the part-by-part explanation, so it is built on demand (`comparison()`).
    """

    score: float
    query: NameAnalysis
    listed: NameAnalysis
    aligned: tuple[Alignment, ...]
    conflicts: int

    def comparison(self) -> NameComparison:
        parts = tuple(
            PartMatch(
                query=a.qstr,
                listed=a.rstr,
                how=_how(a),
                score=round(a.score if a.qps and a.rps else 0.0, 4),
                weight=round(a.weight, 4),
            )
            for a in self.aligned
        )
        return NameComparison(
            score=self.score,
            query_name=self.query.original,
            listed_name=self.listed.original,
            parts=parts,
            conflicts=self.conflicts,
        )


def align_names(
    query: NameAnalysis, listed: NameAnalysis, scoring: NameScoring = DEFAULT_SCORING
) -> NameAlignment:
    """The score of the best alignment over the readings of both names, in [0, 1]."""
    person = NameKind.PERSON in (query.kind, listed.kind) or (
        query.kind is NameKind.UNKNOWN and listed.kind is NameKind.UNKNOWN
    )
    best_score = -1.0
    best: tuple[list[Alignment], int] | None = None
    for q in query.readings:
        for r in listed.readings:
            # Vessels and aircraft keep their word order.
            person_rule = person and NameTypeTag.OBJ not in (q.tag, r.tag)
            score, aligned, conflicts = _compare_readings(q, r, person_rule, scoring)
            if score > best_score:
                best_score, best = score, (aligned, conflicts)
            if score >= 1.0:
                break
        if best_score >= 1.0:
            break
    if best is None:
        return NameAlignment(0.0, query, listed, (), 0)
    aligned, conflicts = best
    return NameAlignment(max(0.0, min(1.0, best_score)), query, listed, tuple(aligned), conflicts)


def compare_names(
    query: NameAnalysis, listed: NameAnalysis, scoring: NameScoring = DEFAULT_SCORING
) -> NameComparison:
    """Score the best alignment over the readings of both names, in [0, 1], part by part."""
    found = align_names(query, listed, scoring)
    if not found.aligned and found.score <= 0 and not (query.readings and listed.readings):
        return NO_MATCH
    return found.comparison()


def quick_similarity(queries: Sequence[str], listed: Sequence[str]) -> list[float]:
    """A cheap pre-score in [0, 100] of each listed form against the best of the query forms.

    The forms are the ASCII tokens of the names (`NameAnalysis.latin`); the score is the mean
    of rapidfuzz's token-sort ratio (word order ignored) and token-set ratio (extra words
    ignored), or the plain ratio of the forms without spaces when higher (words split or
    joined: "alislam" / "al islam"). It only orders candidates for `align_names`, which
    decides; 100 means the same words.
    """
    if not queries or not listed:
        return [0.0] * len(listed)
    sort = process.cdist(queries, listed, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    same = process.cdist(queries, listed, scorer=fuzz.token_set_ratio, dtype=np.float32)
    joined = process.cdist(
        [q.replace(" ", "") for q in queries],
        [name.replace(" ", "") for name in listed],
        scorer=fuzz.ratio,
        dtype=np.float32,
    )
    best: list[float] = np.maximum((sort + same) / 2, joined).max(axis=0).tolist()
    return best
