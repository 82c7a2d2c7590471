"""The pre-score that decides which candidates are fully compared, and the batch path.

No timing here: speed is measured in benchmarks/screening.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from licentia.errors import InvalidInput
from licentia.screening import (
    DEFAULT_PROFILE,
    EntitySchema,
    Feature,
    Identifier,
    ListedEntity,
    ListedName,
    MatchProfile,
    NameKind,
    ScreeningIndex,
    ScreeningQuery,
    analyze_name,
    rank,
    screen,
    screen_many,
)
from licentia.screening.compare import align_names, compare_names, quick_similarity
from licentia.screening.match import analyse_query, compare_order


def _person(source_id: str, *names: str, identifiers: tuple[Identifier, ...] = ()) -> ListedEntity:
    return ListedEntity(
        "test-list",
        source_id,
        EntitySchema.PERSON,
        tuple(ListedName(n) for n in names),
        identifiers=identifiers,
    )


# Many listed people share words with the queries below, so that the pre-score has to choose.
CROWD = [
    _person(f"K-{i}", name)
    for i, name in enumerate(
        [
            "Kim Chol Su",
            "Kim Chol Ung",
            "Kim Chol Nam",
            "Kim Tong Chol",
            "Kim Jong Chol",
            "Kim Il Chol",
            "Kim Song Chol",
            "Kim Kwang Chol",
            "Kim Yong Chol",
            "Ri Chol Su",
            "Pak Chol Su",
            "Kim Su Chol",
        ]
    )
]
SAME_WORDS = [_person("SAME-1", "Chol Kim"), _person("SAME-2", "KIM, Chol")]
SPELLINGS = [
    _person(f"A-{i}", name)
    for i, name in enumerate(
        [
            "Ali Hassan Mahmoud",
            "Aly Hassan Mahmoud",
            "Ali Hasan Mahmud",
            "Ali Hassan Mahmood",
            "Alee Hassan Mahmoud",
            "Ali Hassen Mahmoud",
            "Ali Hassan Mahmut",
        ]
    )
]
BY_PASSPORT = _person(
    "ID-1", "Chang Chol Ho", identifiers=(Identifier("passport", "PD 0012345", "KP"),)
)
ENTITIES = [*CROWD, *SAME_WORDS, *SPELLINGS, BY_PASSPORT]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(ENTITIES, {"test-list": "1"})


def _ids(hits: object) -> set[str]:
    return {h.source_id for h in hits}  # type: ignore[attr-defined]


def test_quick_similarity_orders_words_not_spelling() -> None:
    same, reordered, typo, other = quick_similarity(
        ["vladimir putin"], ["vladimir putin", "putin vladimir", "vladimir putine", "maria lopez"]
    )
    assert same == reordered == 100.0
    assert 80 < typo < 100
    assert other < 50
    assert quick_similarity([], ["x"]) == [0.0]
    assert quick_similarity(["x"], []) == []
    # The best of several query forms counts.
    assert quick_similarity(["maria lopez", "vladimir putin"], ["putin vladimir"]) == [100.0]


def test_same_words_are_always_fully_compared(index: ScreeningIndex) -> None:
    query = ScreeningQuery.create("Kim Chol", schema="person")
    analyses = [a for group in analyse_query(query).values() for a in group]
    found = [name_id for name_id, _ in index.candidate_ids(analyses, limit=30)]
    order, due, near = compare_order(index, query, analyses, found)
    assert due <= near <= len(order)
    assert sorted(order) == sorted(found)
    first = {index.entities[index.name_refs[i][0]].source_id for i in order[:due]}
    assert first == {"SAME-1", "SAME-2"}
    # Even with rounds of one name and no second round, both are scored and are hits.
    ranked = rank(index, query, compare=1, threshold=1.0)
    assert {"SAME-1", "SAME-2"} <= _ids(ranked)
    assert all(h.score >= 0.9 for h in ranked if h.source_id.startswith("SAME"))


def test_identifier_match_is_always_fully_compared(index: ScreeningIndex) -> None:
    # "Chang Chol" is far from the other names by pre-score; the passport makes it count.
    query = ScreeningQuery.create("Kim Chol Ho", schema="person", identifiers=["pd-001 2345"])
    analyses = [a for group in analyse_query(query).values() for a in group]
    found = [name_id for name_id, _ in index.candidate_ids(analyses, limit=30)]
    assert any(index.entities[index.name_refs[i][0]].source_id == "ID-1" for i in found)
    order, due, near = compare_order(index, query, analyses, found)
    assert due <= near <= len(order)
    assert "ID-1" in {index.entities[index.name_refs[i][0]].source_id for i in order[:due]}
    ranked = rank(index, query, compare=1, threshold=1.0)
    backed = next(h for h in ranked if h.source_id == "ID-1")
    assert any(f.feature is Feature.IDENTIFIER for f in backed.features)


def test_rounds_continue_while_names_come_near_the_threshold(index: ScreeningIndex) -> None:
    # Seven spellings of one name: rounds of two continue until all the hits are found.
    query = ScreeningQuery.create("Ali Hassan Mahmoud", schema="person")
    pre_scored = rank(index, query, compare=2)
    full = rank(index, query, compare=None)
    hits = {h.source_id for h in full if h.score >= 0.7}
    assert len(hits) >= 4
    assert hits <= _ids(pre_scored)
    assert [(h.source_id, h.score) for h in pre_scored if h.score >= 0.7] == [
        (h.source_id, h.score) for h in full if h.score >= 0.7
    ]


def test_a_clear_query_stops_after_one_round(index: ScreeningIndex) -> None:
    query = ScreeningQuery.create("Maria Lopez Garcia", schema="person")
    assert len(rank(index, query, compare=2)) <= 2
    assert screen(index, query).hits == ()


# The standard profile with every candidate fully compared, as before the pre-score.
FULL = MatchProfile(
    DEFAULT_PROFILE.name,
    DEFAULT_PROFILE.threshold,
    DEFAULT_PROFILE.description,
    DEFAULT_PROFILE.candidates,
    compare=None,
)


@pytest.mark.parametrize(
    "name", ["Kim Chol Su", "Kim Chol", "Ali Hasan Mahmoud", "Chang Chol Ho", "Pak Chol"]
)
def test_pre_score_keeps_the_hits_of_a_full_comparison(index: ScreeningIndex, name: str) -> None:
    query = ScreeningQuery.create(name)
    full = screen(index, query, FULL)
    fast = screen(index, query)
    assert [(h.source_id, h.score) for h in fast.hits] == [
        (h.source_id, h.score) for h in full.hits
    ]
    assert fast.candidates_scored <= full.candidates_scored


def test_screen_many_shares_work_and_keeps_order(index: ScreeningIndex) -> None:
    names = ["Kim Chol Su", "Ali Hassan Mahmoud", "Kim Chol Su", "Maria Lopez"]
    queries = [ScreeningQuery.create(n) for n in names]
    results = list(screen_many(index, queries))
    assert [r.query for r in results] == queries
    assert results[0] is results[2]  # a recurring party is screened once
    for query, result in zip(queries, results, strict=True):
        single = screen(index, query)
        assert [(h.source_id, h.score, h.parts) for h in result.hits] == [
            (h.source_id, h.score, h.parts) for h in single.hits
        ]
    # Another country is another party: screened again.
    other = list(
        screen_many(index, [queries[0], ScreeningQuery.create("Kim Chol Su", country="KP")])
    )
    assert other[0] is not other[1]


def test_analysis_cache_reuses_query_names() -> None:
    cache: dict[tuple[str, NameKind], object] = {}
    query = ScreeningQuery.create(["Kim Chol Su", "Kim Chol"])
    first = analyse_query(query, cache)  # type: ignore[arg-type]
    again = analyse_query(query, cache)  # type: ignore[arg-type]
    assert set(first) == {NameKind.PERSON, NameKind.ORGANIZATION}
    assert len(cache) == 4
    assert all(a is b for kind in first for a, b in zip(first[kind], again[kind], strict=True))


def test_align_names_explains_only_on_demand() -> None:
    query = analyze_name("Vladimir Putine", NameKind.PERSON, query=True)
    listed = analyze_name("PUTIN, Vladimir Vladimirovich", NameKind.PERSON)
    alignment = align_names(query, listed)
    comparison = compare_names(query, listed)
    assert alignment.score == comparison.score
    assert alignment.comparison() == comparison
    assert comparison.parts


def test_loaded_index_pre_scores_without_analysing(index: ScreeningIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.pickle"
    index.save(path)
    loaded = ScreeningIndex.load(path)
    assert loaded.forms == index.forms
    assert loaded.forms[0] == "kim chol su"
    query = ScreeningQuery.create("Kim Chol Su")
    assert [(h.source_id, h.score) for h in screen(loaded, query).hits] == [
        (h.source_id, h.score) for h in screen(index, query).hits
    ]
    # Only the names fully compared were analysed, once each.
    analysed = len(loaded._analyses)
    assert 0 < analysed < len(loaded)
    screen(loaded, query)
    assert len(loaded._analyses) == analysed


def test_index_of_an_older_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.pickle"
    path.write_bytes(pickle.dumps({"format": 1, "entities": [], "versions": {}}))
    with pytest.raises(InvalidInput, match="rebuild"):
        ScreeningIndex.load(path)


def test_equal_retrieval_scores_keep_the_index_order() -> None:
    twins = [_person(f"T-{i}", "Boris Beispiel") for i in range(40)]
    twin_index = ScreeningIndex.build(twins, {})
    query = ScreeningQuery.create("Boris Beispiel", schema="person")
    analyses = [a for group in analyse_query(query).values() for a in group]
    ids = [name_id for name_id, _ in twin_index.candidate_ids(analyses, limit=30)]
    assert ids == list(range(30))
    assert twin_index.candidate_ids(analyses, limit=0) == []
