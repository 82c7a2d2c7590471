"""Competent authorities: one per current Member State."""

from __future__ import annotations

from datetime import date

import pytest

from licentia.errors import InvalidInput
from licentia.reference.authorities import all_authorities, competent_authority
from licentia.reference.eu import member_states


def test_every_member_state_has_exactly_one_authority() -> None:
    states = [a.member_state for a in all_authorities()]
    assert states == sorted(c.alpha2 for c in member_states(date(2026, 1, 1)))
    assert len(set(states)) == len(states) == 27


def test_authority_lookup_matches_the_table() -> None:
    for authority in all_authorities():
        assert competent_authority(authority.member_state) == authority


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("DE", "Bundesamt für Wirtschaft und Ausfuhrkontrolle (BAFA)"),
        ("FR", "Service des biens à double usage (SBDU)"),
        ("NL", "Centrale Dienst voor In- en Uitvoer (CDIU)"),
        ("IT", "(UAMA)"),
        ("ES", "Material de Defensa y de Doble Uso"),
        ("SE", "Inspektionen för strategiska produkter (ISP)"),
        ("LU", "(OCEIT)"),
    ],
)
def test_known_authorities(code: str, fragment: str) -> None:
    assert fragment in competent_authority(code).name


@pytest.mark.parametrize(("code", "alpha2"), [("EL", "GR"), ("grc", "GR"), (" de ", "DE")])
def test_lookup_accepts_eu_and_iso_codes(code: str, alpha2: str) -> None:
    assert competent_authority(code).member_state == alpha2


def test_every_entry_is_complete_and_sourced() -> None:
    for authority in all_authorities():
        assert authority.name
        assert authority.name_en
        assert authority.website.startswith("https://")
        assert "OJ C" in authority.source
        assert "check the latest edition" in authority.source


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("UK", "no longer an EU Member State"),
        ("US", "not an EU Member State"),
        ("XX", "Did you mean"),
    ],
)
def test_non_member_states_have_no_authority(code: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        competent_authority(code)
