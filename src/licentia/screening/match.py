"""Screening: a query party against the index, scored in [0, 1], every hit explained.

The score starts from the best name comparison (`compare.compare_names`) between any query
name and any name of the listed party, then qualifiers move it: the same identifier raises
it; a disjoint birth date, another country, or another kind of party (a person against a
company) lowers it. A weak alias ("low quality" a.k.a., nickname) alone never makes a hit:
it needs the same identifier as well.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from licentia.errors import InvalidInput
from licentia.reference.countries import country as lookup_country
from licentia.screening.compare import (
    DEFAULT_SCORING,
    NameAlignment,
    NameComparison,
    NameScoring,
    PartMatch,
    align_names,
    quick_similarity,
)
from licentia.screening.index import ScreeningIndex
from licentia.screening.model import EntitySchema, ListedEntity, NameType
from licentia.screening.names import (
    MAX_NAME_LENGTH,
    NameAnalysis,
    NameKind,
    analyze_name,
    clean_text,
    has_letters,
)

MAX_QUERY_NAMES = 20
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID_CHARS = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True, slots=True)
class MatchProfile:
    """Thresholds for one use: a hit scores at least `threshold`.

    `candidates` listed names come from the index; they are ordered by a cheap pre-score and
    the first `compare` fully compared (with every name of the same words or of a listing
    with the query's identifier). Only while a round comes within `CONTINUE_MARGIN` of the
    threshold does the next run: first every name with a pre-score of `NEAR_WORDS` or more,
    then `compare` at a time. `None`: every candidate is fully compared.
    """

    name: str
    threshold: float
    description: str
    candidates: int = 30
    compare: int | None = 4


PROFILES: dict[str, MatchProfile] = {
    profile.name: profile
    for profile in (
        MatchProfile(
            "standard",
            0.70,
            "Transaction and onboarding screening: tuned for precision and recall together",
        ),
        MatchProfile(
            "broad",
            0.55,
            "Investigations and re-screening after a list update: more hits to review, fewer misses",
            candidates=60,
            compare=None,
        ),
        MatchProfile("narrow", 0.85, "Automated clearing: only strong matches stop a shipment"),
    )
}
DEFAULT_PROFILE = PROFILES["standard"]


def profile(name: str) -> MatchProfile:
    found = PROFILES.get(name)
    if found is None:
        raise InvalidInput(f"Unknown match profile {name!r}; choose one of {', '.join(PROFILES)}.")
    return found


class Feature(StrEnum):
    """What contributed to a score."""

    NAME = "name"
    IDENTIFIER = "identifier"
    BIRTH_DATE = "birth_date"
    COUNTRY = "country"
    ENTITY_TYPE = "entity_type"
    WEAK_ALIAS = "weak_alias"

    @property
    def description(self) -> str:
        return {
            Feature.NAME: "Best match between a query name and a listed name",
            Feature.IDENTIFIER: "The same identifier (passport, registration, IMO...) raises the score",
            Feature.BIRTH_DATE: "A birth date the listing rules out lowers the score; the same date raises it",
            Feature.COUNTRY: "A country the listing does not mention lowers the score",
            Feature.ENTITY_TYPE: "A person against a company (or a vessel) lowers the score",
            Feature.WEAK_ALIAS: "Matched only a weak alias: not a hit unless an identifier also matches",
        }[self]


# Contributions of the qualifiers, added to the name score.
IDENTIFIER_BONUS = 0.3
BIRTH_DAY_BONUS = 0.05
BIRTH_YEAR_DISJOINT = -0.15
BIRTH_DAY_DISJOINT = -0.1
COUNTRY_MATCH_BONUS = 0.03
COUNTRY_MISMATCH = -0.1
TYPE_MISMATCH = -0.2


@dataclass(frozen=True, slots=True)
class ScreeningQuery:
    """A party to screen. Build it with `ScreeningQuery.create`, which checks every field."""

    names: tuple[str, ...]
    country: str | None = None
    birth_date: str | None = None
    schema: EntitySchema | None = None
    identifiers: tuple[str, ...] = ()

    @classmethod
    def create(
        cls,
        name: str | Sequence[str],
        *,
        country: str | None = None,
        birth_date: str | dt.date | None = None,
        schema: EntitySchema | str | None = None,
        identifiers: Sequence[str] = (),
    ) -> ScreeningQuery:
        raw = [name] if isinstance(name, str) else list(name)
        if not raw:
            raise InvalidInput("A name to screen is required.", details={"field": "name"})
        if len(raw) > MAX_QUERY_NAMES:
            raise InvalidInput(
                f"At most {MAX_QUERY_NAMES} names per party.", details={"field": "name"}
            )
        names: list[str] = []
        for value in raw:
            if not isinstance(value, str):
                raise InvalidInput("Each name must be text.", details={"field": "name"})
            text = clean_text(value)
            if not text:
                raise InvalidInput("The name is empty.", details={"field": "name"})
            if len(text) > MAX_NAME_LENGTH:
                raise InvalidInput(
                    f"The name has {len(text)} characters; names longer than {MAX_NAME_LENGTH} "
                    "are not screened (is this an address or a description?).",
                    details={"field": "name", "length": len(text)},
                )
            if not has_letters(text):
                raise InvalidInput(
                    f"The name {text[:40]!r} has no letters.", details={"field": "name"}
                )
            names.append(text)
        code = lookup_country(country).alpha2 if country and country.strip() else None
        return cls(
            names=tuple(dict.fromkeys(names)),
            country=code,
            birth_date=_birth_date(birth_date),
            schema=_schema(schema),
            identifiers=tuple(v for v in (_id_key(i) for i in identifiers) if v),
        )

    @property
    def kind(self) -> NameKind:
        return NameKind.of_schema(self.schema)


def _birth_date(value: str | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value.strip()
    if not text:
        return None
    if not _DATE.match(text):
        raise InvalidInput(
            f"Birth date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD.",
            details={"field": "birth_date"},
        )
    parts = text.split("-")
    try:
        dt.date(
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 1,
            int(parts[2]) if len(parts) > 2 else 1,
        )
    except ValueError as exc:
        raise InvalidInput(
            f"Birth date {text!r} is impossible: {exc}.", details={"field": "birth_date"}
        ) from exc
    return text


_SCHEMA_WORDS = {
    "person": EntitySchema.PERSON,
    "individual": EntitySchema.PERSON,
    "organization": EntitySchema.ORGANIZATION,
    "organisation": EntitySchema.ORGANIZATION,
    "company": EntitySchema.COMPANY,
    "entity": EntitySchema.LEGAL_ENTITY,
    "legalentity": EntitySchema.LEGAL_ENTITY,
    "vessel": EntitySchema.VESSEL,
    "airplane": EntitySchema.AIRPLANE,
    "aircraft": EntitySchema.AIRPLANE,
}


def _schema(value: EntitySchema | str | None) -> EntitySchema | None:
    if value is None or isinstance(value, EntitySchema):
        return value
    text = value.strip().lower().replace("_", "").replace("-", "")
    if not text:
        return None
    found = _SCHEMA_WORDS.get(text)
    if found is None:
        raise InvalidInput(
            f"Unknown party type {value!r}; use person, organization, company, vessel or airplane.",
            details={"field": "type"},
        )
    return found


def _id_key(value: str) -> str:
    """Identifiers compare without spaces, dashes and case ("AB-123 45" == "ab12345")."""
    return _ID_CHARS.sub("", value.upper())


@dataclass(frozen=True, slots=True)
class FeatureScore:
    feature: Feature
    contribution: float
    detail: str


@dataclass(frozen=True, slots=True)
class Hit:
    """One listed party that matched, with everything needed to check the match."""

    entity: ListedEntity
    score: float
    list_version: str | None
    query_name: str
    listed_name: str
    listed_name_type: NameType
    parts: tuple[PartMatch, ...]
    features: tuple[FeatureScore, ...]

    @property
    def source(self) -> str:
        return self.entity.source

    @property
    def source_id(self) -> str:
        return self.entity.source_id

    @property
    def explanation(self) -> str:
        lines = [
            f"{self.query_name!r} matched {self.listed_name_type.value} {self.listed_name!r} "
            f"of {self.entity.source} entry {self.entity.source_id} (list version {self.list_version or 'unknown'})"
        ]
        lines.extend(
            f"{f.feature.value}: {f.contribution:+.2f} ({f.detail})" for f in self.features
        )
        return "; ".join(lines)


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Hits at or above the profile's threshold, best first, and what was screened against."""

    query: ScreeningQuery
    profile: MatchProfile
    hits: tuple[Hit, ...]
    lists: dict[str, str] = field(default_factory=dict)  # source -> list version
    candidates_scored: int = 0

    @property
    def lists_checked(self) -> bool:
        return bool(self.lists)


@dataclass(frozen=True, slots=True)
class _Scored:
    """One listed party scored; the part-by-part explanation is written out only for a hit."""

    score: float
    entity: ListedEntity
    alignment: NameAlignment
    name_type: NameType
    features: tuple[FeatureScore, ...]

    @property
    def comparison(self) -> NameComparison:
        return self.alignment.comparison()

    @property
    def weak_alone(self) -> bool:
        return any(f.feature is Feature.WEAK_ALIAS for f in self.features)

    def hit(self, index: ScreeningIndex) -> Hit:
        comparison = self.comparison
        return Hit(
            entity=self.entity,
            score=self.score,
            list_version=index.versions.get(self.entity.source),
            query_name=comparison.query_name,
            listed_name=comparison.listed_name,
            listed_name_type=self.name_type,
            parts=comparison.parts,
            features=self.features,
        )


def _birth_feature(query: str, entity: ListedEntity) -> FeatureScore | None:
    if not entity.birth_dates:
        return None
    year = query[:4]
    if any(d.earliest[:4] <= year <= d.latest[:4] for d in entity.birth_dates):
        if len(query) == 10 and any(
            d.earliest == query or d.latest == query for d in entity.birth_dates
        ):
            return FeatureScore(Feature.BIRTH_DATE, BIRTH_DAY_BONUS, f"same birth date {query}")
        exact_days = [
            d.earliest
            for d in entity.birth_dates
            if len(d.earliest) == 10 and d.earliest == d.latest
        ]
        if (
            len(query) == 10
            and exact_days
            and all(d[:4] == year for d in exact_days)
            and not any(d.circa for d in entity.birth_dates)
        ):
            return FeatureScore(
                Feature.BIRTH_DATE,
                BIRTH_DAY_DISJOINT,
                f"listed birth date {', '.join(exact_days)}, query {query}",
            )
        return FeatureScore(Feature.BIRTH_DATE, 0.0, f"birth year {year} fits the listing")
    if any(d.circa for d in entity.birth_dates):
        return FeatureScore(Feature.BIRTH_DATE, 0.0, "listing gives an approximate birth date")
    listed = ", ".join(
        d.earliest if d.earliest == d.latest else f"{d.earliest}..{d.latest}"
        for d in entity.birth_dates
    )
    return FeatureScore(Feature.BIRTH_DATE, BIRTH_YEAR_DISJOINT, f"listed {listed}, query {query}")


def _country_feature(query: str, entity: ListedEntity) -> FeatureScore | None:
    listed = (
        set(entity.nationalities)
        | set(entity.countries)
        | {a.country for a in entity.addresses if a.country}
    )
    listed |= {i.country for i in entity.identifiers if i.country}
    if not listed:
        return None
    if query in listed:
        return FeatureScore(Feature.COUNTRY, COUNTRY_MATCH_BONUS, f"{query} is in the listing")
    return FeatureScore(
        Feature.COUNTRY,
        COUNTRY_MISMATCH,
        f"listing names {', '.join(sorted(listed))}, query {query}",
    )


def _type_feature(query: EntitySchema, entity: ListedEntity) -> FeatureScore | None:
    same = query is entity.schema or (query.is_body and entity.schema.is_body)
    if same or entity.schema is EntitySchema.LEGAL_ENTITY or query is EntitySchema.LEGAL_ENTITY:
        return None
    return FeatureScore(
        Feature.ENTITY_TYPE,
        TYPE_MISMATCH,
        f"query is a {query.value}, listing a {entity.schema.value}",
    )


def score_entity(
    query: ScreeningQuery,
    analyses: Sequence[NameAnalysis],
    entity: ListedEntity,
    listed: Iterable[tuple[NameAnalysis, NameType]],
    scoring: NameScoring = DEFAULT_SCORING,
) -> _Scored | None:
    """Score one listed party: best name pair, then the qualifiers."""
    pairs = [
        (_best_alignment(analyses, listed_analysis, scoring), name_type)
        for listed_analysis, name_type in listed
    ]
    return _score_aligned(query, entity, pairs)


def _best_alignment(
    analyses: Sequence[NameAnalysis], listed: NameAnalysis, scoring: NameScoring
) -> NameAlignment:
    """The best of the query names against one listed name (the first of equals)."""
    best: NameAlignment | None = None
    for analysis in analyses:
        found = align_names(analysis, listed, scoring)
        if best is None or found.score > best.score:
            best = found
    assert best is not None, "a query has at least one analysed name"
    return best


def _score_aligned(
    query: ScreeningQuery,
    entity: ListedEntity,
    pairs: Iterable[tuple[NameAlignment, NameType]],
) -> _Scored | None:
    """The qualifiers on top of the best aligned name of one listed party."""
    best: tuple[NameAlignment, NameType] | None = None
    best_strong: tuple[NameAlignment, NameType] | None = None
    for alignment, name_type in pairs:
        if best is None or alignment.score > best[0].score:
            best = (alignment, name_type)
        if name_type is not NameType.WEAK_ALIAS and (
            best_strong is None or alignment.score > best_strong[0].score
        ):
            best_strong = (alignment, name_type)
    if best is None or best[0].score <= 0:
        return None
    features: list[FeatureScore] = []
    id_match = _id_match(query, entity)
    # Prefer a strong name unless the weak alias is clearly better and an identifier backs it.
    if best[1] is NameType.WEAK_ALIAS and best_strong is not None and not id_match:
        best = best_strong
    alignment, name_type = best
    features.append(
        FeatureScore(
            Feature.NAME,
            alignment.score,
            f"{alignment.query.original!r} ~ {alignment.listed.original!r}",
        )
    )
    score = alignment.score
    if id_match:
        features.append(FeatureScore(Feature.IDENTIFIER, IDENTIFIER_BONUS, "same identifier"))
    if query.birth_date and entity.schema.is_person:
        found = _birth_feature(query.birth_date, entity)
        if found:
            features.append(found)
    if query.country:
        found = _country_feature(query.country, entity)
        if found:
            features.append(found)
    if query.schema is not None:
        found = _type_feature(query.schema, entity)
        if found:
            features.append(found)
    score += sum(f.contribution for f in features[1:])
    if name_type is NameType.WEAK_ALIAS and not id_match:
        features.append(FeatureScore(Feature.WEAK_ALIAS, 0.0, "weak alias alone: not a hit"))
    return _Scored(
        round(max(0.0, min(1.0, score)), 4), entity, alignment, name_type, tuple(features)
    )


def _id_match(query: ScreeningQuery, entity: ListedEntity) -> bool:
    """True when the listing has one of the query's identifiers."""
    return bool(query.identifiers) and any(
        _id_key(i.value) in query.identifiers for i in entity.identifiers if _id_key(i.value)
    )


def analyse_query(
    query: ScreeningQuery,
    cache: dict[tuple[str, NameKind], NameAnalysis] | None = None,
) -> dict[NameKind, list[NameAnalysis]]:
    """The query names analysed as the kind of party given, or as a person and as an organisation."""
    kinds = (
        [query.kind]
        if query.kind is not NameKind.UNKNOWN
        else [NameKind.PERSON, NameKind.ORGANIZATION]
    )
    found: dict[NameKind, list[NameAnalysis]] = {}
    for kind in kinds:
        if cache is None:
            analyses = [analyze_name(n, kind, query=True) for n in query.names]
        else:
            analyses = []
            for n in query.names:
                known = cache.get((n, kind))
                if known is None:
                    known = cache[(n, kind)] = analyze_name(n, kind, query=True)
                analyses.append(known)
        kept = [a for a in analyses if not a.is_empty]
        if kept:
            found[kind] = kept
    return found


def _analyses_for(
    analyses: dict[NameKind, list[NameAnalysis]], entity: ListedEntity
) -> list[NameAnalysis]:
    kind = NameKind.of_schema(entity.schema)
    if kind is NameKind.OBJECT:
        kind = NameKind.ORGANIZATION
    return analyses.get(kind) or next(iter(analyses.values()))


def screen(
    index: ScreeningIndex,
    query: ScreeningQuery,
    profile: MatchProfile = DEFAULT_PROFILE,
    *,
    threshold: float | None = None,
    limit: int = 10,
    scoring: NameScoring = DEFAULT_SCORING,
) -> ScreeningResult:
    """Screen one party. `threshold` overrides the profile's; `limit` caps the hits."""
    return _screen(index, query, profile, threshold, limit, scoring, None)


def _screen(
    index: ScreeningIndex,
    query: ScreeningQuery,
    profile: MatchProfile,
    threshold: float | None,
    limit: int,
    scoring: NameScoring,
    cache: dict[tuple[str, NameKind], NameAnalysis] | None,
) -> ScreeningResult:
    if threshold is not None:
        if not 0.0 <= threshold <= 1.0:
            raise InvalidInput(
                f"Threshold {threshold} is outside [0, 1].", details={"field": "threshold"}
            )
        profile = MatchProfile(
            profile.name, threshold, profile.description, profile.candidates, profile.compare
        )
    ranked = _rank(
        index,
        query,
        analyse_query(query, cache),
        candidates=profile.candidates,
        compare=profile.compare,
        threshold=profile.threshold,
        scoring=scoring,
    )
    hits = tuple(
        scored.hit(index)
        for scored in [s for s in ranked if s.score >= profile.threshold and not s.weak_alone][
            :limit
        ]
    )
    return ScreeningResult(
        query, profile, hits, dict(index.versions), candidates_scored=len(ranked)
    )


# A query's words against a listed name's, in `quick_similarity`: 100 is the same words.
SAME_WORDS = 100.0
# The next round of full comparisons runs while the last round scored a name this close to
# the threshold (qualifiers can add up to +0.08 without an identifier).
CONTINUE_MARGIN = 0.10
# The second round takes every name with at least this pre-score (at least `compare` names).
# Tuned, with the round size and the margin, on variants of non-UN listings and generated
# names drawn with other seeds than the benchmark's.
NEAR_WORDS = 55.0


def rank(
    index: ScreeningIndex,
    query: ScreeningQuery,
    *,
    candidates: int = DEFAULT_PROFILE.candidates,
    compare: int | None = DEFAULT_PROFILE.compare,
    threshold: float = DEFAULT_PROFILE.threshold,
    scoring: NameScoring = DEFAULT_SCORING,
) -> list[Hit]:
    """The candidates worth a full comparison, scored and sorted (hits or not): for review and benchmarks.

    `compare` and `threshold` steer the pre-score (see `MatchProfile`); `compare=None` fully
    compares every candidate the index proposes.
    """
    ranked = _rank(
        index,
        query,
        analyse_query(query),
        candidates=candidates,
        compare=compare,
        threshold=threshold,
        scoring=scoring,
    )
    return [scored.hit(index) for scored in ranked]


def compare_order(
    index: ScreeningIndex,
    query: ScreeningQuery,
    analyses: Sequence[NameAnalysis],
    name_ids: Sequence[int],
) -> tuple[list[int], int, int]:
    """Candidate names (ids) in the order they are fully compared, how many must be, and how
    many lead the order with a pre-score of at least `NEAR_WORDS`.

    Those that must be come first: a listed name with the same words as a query name, and any
    name of a listing that has one of the query's identifiers. The others follow by their
    pre-score (`quick_similarity`), ties in the index's order.
    """
    forms = list(dict.fromkeys(a.latin for a in analyses))
    quick = quick_similarity(forms, [index.forms[i] for i in name_ids])
    must: list[int] = []
    rest: list[tuple[float, int]] = []
    for name_id, similarity in zip(name_ids, quick, strict=True):
        if similarity >= SAME_WORDS or (
            query.identifiers and _id_match(query, index.entities[index.name_refs[name_id][0]])
        ):
            must.append(name_id)
        else:
            rest.append((similarity, name_id))
    rest.sort(key=lambda pair: -pair[0])
    near = len(must) + sum(1 for similarity, _ in rest if similarity >= NEAR_WORDS)
    return must + [name_id for _, name_id in rest], len(must), near


def _rank(
    index: ScreeningIndex,
    query: ScreeningQuery,
    analyses: dict[NameKind, list[NameAnalysis]],
    *,
    candidates: int,
    compare: int | None,
    threshold: float,
    scoring: NameScoring,
) -> list[_Scored]:
    if not analyses:
        return []
    every = [a for group in analyses.values() for a in group]
    found = [name_id for name_id, _ in index.candidate_ids(every, limit=candidates)]
    if compare is None or compare >= len(found):
        order, due, near = found, len(found), 0
    else:
        order, due, near = compare_order(index, query, every, found)
        due = max(due, compare)
    by_entity: dict[int, list[tuple[NameAlignment, NameType]]] = {}
    done = rounds = 0
    while done < len(order):
        best = 0.0
        for name_id in order[done : done + due]:
            entity_no, name_no = index.name_refs[name_id]
            entity = index.entities[entity_no]
            alignment = _best_alignment(
                _analyses_for(analyses, entity), index.analysis(name_id), scoring
            )
            by_entity.setdefault(entity_no, []).append((alignment, entity.names[name_no].type))
            best = max(best, alignment.score)
        done += due
        rounds += 1
        if best < threshold - CONTINUE_MARGIN:
            break
        # A near hit: next every name the pre-score puts near, then rounds of `compare`.
        due = compare or len(order)
        if rounds == 1:
            due = max(due, near - done)
    ranked: list[_Scored] = []
    for entity_no, pairs in by_entity.items():
        scored = _score_aligned(query, index.entities[entity_no], pairs)
        if scored is not None:
            ranked.append(scored)
    ranked.sort(key=lambda s: (-s.score, s.entity.source, s.entity.source_id))
    return ranked


# Identical parties in one batch are screened once; at most this many results are kept.
_BATCH_MEMO = 10_000


def screen_many(
    index: ScreeningIndex,
    queries: Iterable[ScreeningQuery],
    profile: MatchProfile = DEFAULT_PROFILE,
    *,
    threshold: float | None = None,
    limit: int = 10,
) -> Iterator[ScreeningResult]:
    """Screen a batch lazily, one result per query, in order (a pure function of the index).

    Work is shared across the batch: each distinct name is analysed once per kind of party,
    and a party that recurs (same names and qualifiers) gets the result already computed.
    """
    analyses: dict[tuple[str, NameKind], NameAnalysis] = {}
    done: dict[ScreeningQuery, ScreeningResult] = {}
    for query in queries:
        result = done.get(query)
        if result is None:
            if len(analyses) > _BATCH_MEMO:
                analyses.clear()
            result = _screen(index, query, profile, threshold, limit, DEFAULT_SCORING, analyses)
            if len(done) < _BATCH_MEMO:
                done[query] = result
        yield result
