"""Countries: ISO codes, the EU's EL/UK codes, exact names, and helpful errors."""

from __future__ import annotations

import dataclasses

import pytest

from licentia.errors import InvalidInput
from licentia.reference.countries import (
    Country,
    all_countries,
    country,
    country_by_name,
    eu_code,
)


@pytest.mark.parametrize(
    ("code", "alpha2"),
    [
        ("DE", "DE"),
        ("deu", "DE"),
        (" fr ", "FR"),
        ("GR", "GR"),
        ("GRC", "GR"),
        ("EL", "GR"),
        ("el", "GR"),
        ("GB", "GB"),
        ("gbr", "GB"),
        ("UK", "GB"),
        (" uk\n", "GB"),
    ],
)
def test_country_accepts_iso_and_eu_codes(code: str, alpha2: str) -> None:
    assert country(code).alpha2 == alpha2


def test_country_fields() -> None:
    assert country("EL") == Country(
        alpha2="GR", alpha3="GRC", name="Greece", official_name="Hellenic Republic"
    )
    assert str(country("EL")) == "Greece (GR)"


def test_official_name_falls_back_to_the_short_name() -> None:
    # pycountry has no official name for Russia; the short name stands in.
    assert country("RU").official_name == country("RU").name == "Russian Federation"


def test_country_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        country("DE").name = "Prussia"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("GR", "EL"), ("EL", "EL"), ("GRC", "EL"), ("GB", "UK"), ("gbr", "UK"), ("DE", "DE")],
)
def test_eu_code(code: str, expected: str) -> None:
    assert eu_code(code) == expected


def test_unknown_code_names_it_and_suggests_codes() -> None:
    with pytest.raises(InvalidInput) as caught:
        country("XX")
    assert "'XX'" in caught.value.message
    assert "Did you mean" in caught.value.message
    suggestions = caught.value.details["suggestions"]
    assert isinstance(suggestions, list)
    assert suggestions
    assert all(f"{code} (" in caught.value.message for code in suggestions)


def test_unknown_code_suggests_by_name_too() -> None:
    with pytest.raises(InvalidInput) as caught:
        country("GER")
    assert caught.value.details["suggestions"][0] == "DE"  # type: ignore[index]
    assert "DE (Germany)" in caught.value.message


def test_junk_code_gets_no_suggestions() -> None:
    with pytest.raises(InvalidInput) as caught:
        country("12345")
    assert caught.value.details["suggestions"] == []
    assert "No similar country code or name" in caught.value.message


def test_empty_code_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="required"):
        country("  ")


@pytest.mark.parametrize(
    ("name", "alpha2"),
    [
        ("Germany", "DE"),
        ("germany", "DE"),
        ("Federal Republic of Germany", "DE"),
        ("  united   kingdom ", "GB"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Türkiye", "TR"),
    ],
)
def test_country_by_exact_name(name: str, alpha2: str) -> None:
    assert country_by_name(name).alpha2 == alpha2


@pytest.mark.parametrize("name", ["Grece", "Holland", "GR", "Greece!"])
def test_country_by_name_never_guesses(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        country_by_name(name)
    assert repr(name) in caught.value.message


def test_country_by_name_lists_suggestions() -> None:
    with pytest.raises(InvalidInput) as caught:
        country_by_name("Grece")
    assert "GR (Greece)" in caught.value.message


def test_all_countries() -> None:
    countries = all_countries()
    codes = [c.alpha2 for c in countries]
    assert len(countries) == 250  # ISO 3166-1 and Kosovo (XK)
    assert codes == sorted(set(codes))


def test_every_country_resolves_by_its_codes_and_names() -> None:
    for c in all_countries():
        assert country(c.alpha2) == c
        assert country(c.alpha3) == c
        assert country_by_name(c.name) == c
        assert country_by_name(c.official_name) == c


def test_all_countries_returns_a_fresh_list() -> None:
    all_countries().clear()
    assert len(all_countries()) == 250


def test_kosovo_has_the_code_eu_and_publishers_use() -> None:
    assert country("XK") == country("XKX") == country_by_name("Republic of Kosovo")
    assert country("xk").name == "Kosovo"
