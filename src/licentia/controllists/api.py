"""Control list endpoints: thin, each one call into the services."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema

from licentia.controllists import services
from licentia.controllists.models import ControlListVersion
from licentia.controls.classify import Candidate, Classification
from licentia.controls.diff import ListDiff
from licentia.controls.model import ControlEntry, Exclusion, Regime

router = Router()


class VersionOut(Schema):
    regime: str
    version: str
    excerpt: bool
    valid_from: date
    valid_to: date | None
    title: str
    source: str
    source_url: str
    checksum: str
    entry_count: int


class NoteOut(Schema):
    kind: str
    text: str


class ExclusionOut(Schema):
    key: str
    summary: str
    releases: list[str]
    source_note: str


class EntryOut(Schema):
    path: str
    code: str
    parent: str | None
    category: str
    product_group: str
    text: str
    summary: str
    notes: list[NoteOut]
    exclusions: list[ExclusionOut]
    defined_terms: list[str]
    questions: list[str]
    cyber_surveillance: bool
    annex_iv: bool | None = Field(
        None, description="Listed in Annex IV; null when the list source does not say"
    )
    excluded_from_general_authorisations: bool
    origin: str
    related_codes: list[str]
    reasons_for_control: list[str]
    citation: str


class EntryVersionOut(Schema):
    version: str
    excerpt: bool
    change: str | None = Field(
        None, description="added or changed in this version; null: unchanged"
    )


class EntryDetailOut(EntryOut):
    ancestors: list[str]
    children: list[EntryOut]
    history: list[EntryVersionOut]


class SearchHitOut(Schema):
    score: float
    matched_terms: list[str]
    entry: EntryOut


class SearchOut(Schema):
    list_version: VersionOut
    hits: list[SearchHitOut]


class ChangeOut(Schema):
    path: str
    kind: str
    fields: list[str]


class CompareOut(Schema):
    regime: str
    old_version: str
    new_version: str
    counts: dict[str, int]
    changes: list[ChangeOut]


class ClassifyIn(Schema):
    description: str = Field(..., max_length=5000)
    regime: Regime = Regime.EU_ANNEX_I
    version: str | None = None


class ReleaseOut(Schema):
    source_note: str
    summary: str
    matched: list[str]


class CandidateOut(Schema):
    path: str
    score: float
    summary: str
    citation: str
    matched_terms: list[str]
    provisions: list[list[str]]
    cyber_surveillance: bool
    questions: list[str]
    may_release: list[ExclusionOut]
    released_by: list[ReleaseOut]


class NonListedFlagOut(Schema):
    category: str
    summary: str
    matched: list[str]
    pointer: str


class ClassificationOut(Schema):
    outcome: str
    outcome_description: str
    top: str
    reason: str
    list_regime: str
    list_version: str
    candidates: list[CandidateOut]
    released: list[CandidateOut]
    non_listed_flags: list[NonListedFlagOut]
    questions: list[str]


def version_out(version: ControlListVersion) -> VersionOut:
    return VersionOut(
        regime=version.regime,
        version=version.version,
        excerpt=version.excerpt,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        title=version.title,
        source=version.source,
        source_url=version.source_url,
        checksum=version.checksum,
        entry_count=version.entries.count(),
    )


def entry_out(entry: ControlEntry, citation: str) -> EntryOut:
    return EntryOut(
        path=entry.path,
        code=entry.code,
        parent=entry.parent,
        category=entry.category,
        product_group=entry.product_group.value,
        text=entry.text,
        summary=entry.summary,
        notes=[NoteOut(kind=n.kind.value, text=n.text) for n in entry.notes],
        exclusions=[_exclusion_out(x) for x in entry.exclusions],
        defined_terms=list(entry.defined_terms),
        questions=list(entry.questions),
        cyber_surveillance=entry.cyber_surveillance,
        annex_iv=entry.annex_iv,
        excluded_from_general_authorisations=entry.excluded_from_general_authorisations,
        origin=entry.origin.value,
        related_codes=list(entry.related_codes),
        reasons_for_control=list(entry.reasons_for_control),
        citation=citation,
    )


def classification_out(result: Classification) -> ClassificationOut:
    return ClassificationOut(
        outcome=result.outcome.value,
        outcome_description=result.outcome.description,
        top=result.top,
        reason=result.reason,
        list_regime=result.list_regime,
        list_version=result.list_version,
        candidates=[_candidate_out(c) for c in result.candidates],
        released=[_candidate_out(c) for c in result.released],
        non_listed_flags=[
            NonListedFlagOut(
                category=f.category.key,
                summary=f.category.summary,
                matched=list(f.matched),
                pointer=f.pointer,
            )
            for f in result.non_listed_flags
        ],
        questions=list(result.questions),
    )


def compare_out(regime: str, diff: ListDiff) -> CompareOut:
    return CompareOut(
        regime=regime,
        old_version=diff.old_version,
        new_version=diff.new_version,
        counts=diff.counts(),
        changes=[
            ChangeOut(path=c.path, kind=c.kind.value, fields=list(c.fields)) for c in diff.changes
        ],
    )


@router.get("/versions", response=list[VersionOut], summary="Stored list versions")
def versions(request: HttpRequest, regime: Regime | None = None) -> list[VersionOut]:
    return [version_out(v) for v in services.list_versions(regime=regime)]


@router.get("/search", response=SearchOut, summary="Search a list version by words or code")
def search(
    request: HttpRequest,
    q: str,
    regime: Regime = Regime.EU_ANNEX_I,
    version: str | None = None,
    limit: int = 20,
) -> SearchOut:
    list_version = services.get_version(regime=regime, version=version)
    index = services.index_for(list_version=list_version)
    hits = index.search(q, limit=min(max(limit, 1), 100))
    return SearchOut(
        list_version=version_out(list_version),
        hits=[
            SearchHitOut(
                score=hit.score,
                matched_terms=list(hit.matched_terms),
                entry=entry_out(hit.entry, index.control_list.citation(hit.entry.path)),
            )
            for hit in hits
        ],
    )


@router.get(
    "/entries/{path}", response=EntryDetailOut, summary="One entry with its tree and history"
)
def entry(
    request: HttpRequest, path: str, regime: Regime = Regime.EU_ANNEX_I, version: str | None = None
) -> EntryDetailOut:
    list_version = services.get_version(regime=regime, version=version)
    control_list = services.core_list(list_version=list_version)
    found = services.get_entry(list_version=list_version, path=path)
    base = entry_out(found, control_list.citation(found.path))
    return EntryDetailOut(
        **base.model_dump(),
        ancestors=[a.path for a in control_list.ancestors(found.path)],
        children=[
            entry_out(c, control_list.citation(c.path)) for c in control_list.children(found.path)
        ],
        history=[
            EntryVersionOut(version=v.version, excerpt=v.excerpt, change=change)
            for v, change in services.entry_history(regime=regime, path=found.path)
        ],
    )


@router.get("/compare", response=CompareOut, summary="Differences between two versions")
def compare(
    request: HttpRequest, old: str, new: str, regime: Regime = Regime.EU_ANNEX_I
) -> CompareOut:
    diff = services.compare(
        old=services.get_version(regime=regime, version=old),
        new=services.get_version(regime=regime, version=new),
    )
    return compare_out(regime.value, diff)


@router.post("/classify", response=ClassificationOut, summary="Classification assistant")
def classify(request: HttpRequest, payload: ClassifyIn) -> ClassificationOut:
    list_version = services.get_version(regime=payload.regime, version=payload.version)
    return classification_out(
        services.classify(description=payload.description, list_version=list_version)
    )


def _exclusion_out(exclusion: Exclusion) -> ExclusionOut:
    return ExclusionOut(
        key=exclusion.key,
        summary=exclusion.summary,
        releases=list(exclusion.releases),
        source_note=exclusion.source_note,
    )


def _candidate_out(candidate: Candidate) -> CandidateOut:
    return CandidateOut(
        path=candidate.path,
        score=candidate.score,
        summary=candidate.summary,
        citation=candidate.citation,
        matched_terms=list(candidate.matched_terms),
        provisions=[list(p) for p in candidate.provisions],
        cyber_surveillance=candidate.cyber_surveillance,
        questions=list(candidate.questions),
        may_release=[_exclusion_out(x) for x in candidate.may_release],
        released_by=[
            ReleaseOut(
                source_note=r.exclusion.source_note,
                summary=r.exclusion.summary,
                matched=list(r.matched),
            )
            for r in candidate.released_by
        ],
    )
