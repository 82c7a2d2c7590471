"""The matcher on small entities written here, and on the real UN list when it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from licentia.errors import InvalidInput
from licentia.screening import (
    BirthDate,
    EntitySchema,
    Feature,
    Identifier,
    ListedEntity,
    ListedName,
    NameKind,
    NameType,
    ScreeningIndex,
    ScreeningQuery,
    analyze_name,
    compare_names,
    rank,
    screen,
)
from tests.conftest import shared_file

ENTITIES = [
    ListedEntity(
        "test-list",
        "P-1",
        EntitySchema.PERSON,
        (
            ListedName("Viktor Ivanovich BEISPIELOV"),
            ListedName("Виктор Иванович Беиспиелов", NameType.ALIAS, "Cyrl"),
            ListedName("The Engineer", NameType.WEAK_ALIAS),
        ),
        birth_dates=(BirthDate.exact("1961-03-14"),),
        nationalities=("RU",),
        identifiers=(Identifier("passport", "AB 123456", "RU"),),
    ),
    ListedEntity(
        "test-list",
        "C-1",
        EntitySchema.COMPANY,
        (
            ListedName("Obshchestvo s ogranichennoy otvetstvennostyu Nordlicht Optika"),
            ListedName("Nordlicht Optika LLC", NameType.ALIAS),
        ),
        countries=("RU",),
    ),
    ListedEntity(
        "test-list",
        "C-2",
        EntitySchema.COMPANY,
        (ListedName("Bowne of Atlanta, Inc."),),
        countries=("US",),
    ),
    ListedEntity(
        "test-list",
        "P-2",
        EntitySchema.PERSON,
        (ListedName("Hamid Karimullah ZADRAN"),),
        birth_dates=(BirthDate("1970", "1975"),),
    ),
]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(ENTITIES, {"test-list": "2026-01-01"})


def _top(index: ScreeningIndex, name: str, **kw: object) -> tuple[str, float] | None:
    result = screen(index, ScreeningQuery.create(name, **kw))  # type: ignore[arg-type]
    return (result.hits[0].source_id, result.hits[0].score) if result.hits else None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Viktor Ivanovich Beispielov", "P-1"),
        ("BEISPIELOV, Viktor", "P-1"),  # surname first with a comma, middle name dropped
        ("Viktor Beispilov", "P-1"),  # typo
        ("Виктор Беиспиелов", "P-1"),  # Cyrillic
        ("OOO Nordlicht Optika", "C-1"),  # legal form in another language
        ("Nordlicht Optika GmbH", "C-1"),
        ("Hamid Karimulah Zadran", "P-2"),
    ],
)
def test_variants_are_hits(index: ScreeningIndex, name: str, expected: str) -> None:
    found = _top(index, name)
    assert found is not None
    assert found[0] == expected


@pytest.mark.parametrize(
    "name", ["Maria Schmidt", "Nordwind Logistics GmbH", "Bowne of Boston, Inc.", "Viktor Petrov"]
)
def test_other_parties_are_clear(index: ScreeningIndex, name: str) -> None:
    result = screen(index, ScreeningQuery.create(name))
    assert result.hits == ()
    assert result.lists == {"test-list": "2026-01-01"}


def test_hit_explains_itself(index: ScreeningIndex) -> None:
    hit = screen(index, ScreeningQuery.create("Виктор Беиспиелов")).hits[0]
    assert (hit.source, hit.source_id, hit.list_version) == ("test-list", "P-1", "2026-01-01")
    assert hit.listed_name_type in (NameType.PRIMARY, NameType.ALIAS)
    assert hit.features[0].feature is Feature.NAME
    assert hit.parts
    assert all(p.query or p.listed for p in hit.parts)
    assert "P-1" in hit.explanation
    assert "2026-01-01" in hit.explanation


def test_weak_alias_alone_is_never_a_hit(index: ScreeningIndex) -> None:
    assert _top(index, "The Engineer") is None
    ranked = rank(index, ScreeningQuery.create("The Engineer"))
    assert any(Feature.WEAK_ALIAS in {f.feature for f in h.features} for h in ranked)
    # With the same passport number, the weak alias is backed and becomes a hit.
    backed = _top(index, "The Engineer", identifiers=["ab-123456"])
    assert backed is not None
    assert backed[0] == "P-1"


def test_qualifiers_raise_and_lower(index: ScreeningIndex) -> None:
    plain = _top(index, "Viktor Beispilov")
    assert plain is not None
    same_day = _top(index, "Viktor Beispilov", birth_date="1961-03-14", country="RU")
    other_year = rank(index, ScreeningQuery.create("Viktor Beispilov", birth_date="1980"))[0]
    assert same_day is not None
    assert same_day[1] > plain[1]
    assert other_year.score < plain[1]
    assert any(f.feature is Feature.BIRTH_DATE and f.contribution < 0 for f in other_year.features)
    as_company = rank(index, ScreeningQuery.create("Viktor Beispilov", schema="company"))[0]
    assert as_company.score < plain[1]


def test_thresholds_per_use(index: ScreeningIndex) -> None:
    query = ScreeningQuery.create("Viktor Bespilov")
    broad = screen(index, query, threshold=0.3)
    strict = screen(index, query, threshold=0.99)
    assert len(broad.hits) >= 1
    assert strict.hits == ()
    with pytest.raises(InvalidInput):
        screen(index, query, threshold=1.5)


@pytest.mark.parametrize(
    "name",
    ["", "   ", "12345 !!!", "x" * 10_000, "\u200b\u200f", "🙂🙂🙂", "---"],
)
def test_bad_names_are_refused_clearly(name: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ScreeningQuery.create(name)
    assert error.value.details.get("field") == "name"


@pytest.mark.parametrize(
    "name",
    [
        "Zalgo V\u0336\u0337i\u0338ktor",
        "A\u202eB C",
        "ＶＩＫＴＯＲ　ＢＥＩＳＰＩＥＬＯＶ",
        "ᚠᚢᚦ ᚨᚱ",
        "Viktor\x00Beispielov",
        "a",
    ],
)
def test_odd_unicode_gets_an_answer(index: ScreeningIndex, name: str) -> None:
    result = screen(index, ScreeningQuery.create(name))
    assert result.lists_checked
    assert all(0.0 <= h.score <= 1.0 for h in result.hits)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("country", {"country": "XX"}),
        ("birth_date", {"birth_date": "1961-02-30"}),
        ("type", {"schema": "spaceship"}),
    ],
)
def test_bad_qualifiers_are_refused(field: str, kwargs: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        ScreeningQuery.create("Viktor", **kwargs)  # type: ignore[arg-type]


def test_legal_forms_are_neutralised_and_conflicts_count() -> None:
    org = NameKind.ORGANIZATION
    same = compare_names(
        analyze_name("Siemens Aktiengesellschaft", org), analyze_name("Siemens AG", org)
    )
    other_city = compare_names(
        analyze_name("Bowne of Atlanta, Inc.", org), analyze_name("Bowne of Boston, Inc.", org)
    )
    other_family = compare_names(
        analyze_name("JAWHAR MAJID AL-MOSULI", NameKind.PERSON),
        analyze_name("JAWHAR MAJID AL-DURI", NameKind.PERSON),
    )
    assert same.score >= 0.95
    assert other_city.score < 0.7
    assert other_city.conflicts == 1
    assert other_family.score < 0.7


def test_index_round_trip(index: ScreeningIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.pickle"
    index.save(path)
    loaded = ScreeningIndex.load(path)
    assert len(loaded) == len(index)
    assert loaded.versions == index.versions
    assert _top(loaded, "Viktor Beispilov") == _top(index, "Viktor Beispilov")
    path.write_bytes(b"not an index")
    with pytest.raises(InvalidInput):
        ScreeningIndex.load(path)


def test_empty_index_answers() -> None:
    empty = ScreeningIndex.build([], {})
    result = screen(empty, ScreeningQuery.create("Anyone"))
    assert result.hits == ()
    assert not result.lists_checked


def test_real_un_list() -> None:
    from licentia.screening.importers import read_list

    header, stream = read_list(
        shared_file("sanctions/un/un-consolidated-2026-02-27.xml"), "un-sc-xml"
    )
    index = ScreeningIndex.build(stream, {header.source: header.version or ""})
    hit = screen(index, ScreeningQuery.create("Mohammad Hasan Akhund")).hits[0]
    assert hit.source == "un-sc"
    assert "AKHUND" in hit.listed_name.upper()
    assert screen(index, ScreeningQuery.create("Wolfgang Amadeus Mozart")).hits == ()
