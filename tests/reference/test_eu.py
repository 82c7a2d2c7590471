"""EU membership on a given day, including the UK's withdrawal."""

from __future__ import annotations

from datetime import date

import pytest

from licentia.errors import InvalidInput
from licentia.reference.eu import (
    is_member_state,
    member_state,
    member_states,
    membership,
)


def codes_on(day: date) -> list[str]:
    return [c.alpha2 for c in member_states(day)]


def test_27_member_states_in_2026() -> None:
    assert codes_on(date(2026, 1, 1)) == [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ]  # fmt: skip


def test_28_member_states_before_brexit() -> None:
    on = date(2019, 6, 1)
    assert len(member_states(on)) == 28
    assert "GB" in codes_on(on)


def test_founders() -> None:
    assert codes_on(date(1958, 1, 1)) == ["BE", "DE", "FR", "IT", "LU", "NL"]
    assert codes_on(date(1957, 12, 31)) == []


@pytest.mark.parametrize(
    ("day", "count"),
    [
        (date(1973, 1, 1), 9),
        (date(1981, 1, 1), 10),
        (date(1986, 1, 1), 12),
        (date(1995, 1, 1), 15),
        (date(2004, 4, 30), 15),
        (date(2004, 5, 1), 25),
        (date(2007, 1, 1), 27),
        (date(2013, 7, 1), 28),
        (date(2020, 1, 31), 28),
        (date(2020, 2, 1), 27),
    ],
)
def test_enlargements(day: date, count: int) -> None:
    assert len(member_states(day)) == count


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        ("HR", date(2013, 6, 30), False),
        ("HR", date(2013, 7, 1), True),
        ("GB", date(2020, 1, 31), True),
        ("UK", date(2020, 2, 1), False),
        # The transition period kept Union law applying, not membership.
        ("GB", date(2020, 12, 31), False),
        ("EL", date(1980, 12, 31), False),
        ("EL", date(1981, 1, 1), True),
        ("DEU", date(1958, 1, 1), True),
        ("PL", date(2004, 4, 30), False),
        ("pl", date(2004, 5, 1), True),
        ("US", date(2026, 1, 1), False),
        ("NO", date(2026, 1, 1), False),
    ],
)
def test_is_member_state(code: str, day: date, expected: bool) -> None:
    assert is_member_state(code, day) is expected


def test_is_member_state_rejects_unknown_codes() -> None:
    with pytest.raises(InvalidInput, match="'XX'"):
        is_member_state("XX", date(2026, 1, 1))


def test_uk_membership_records_withdrawal_and_transition() -> None:
    uk = membership("UK")
    assert uk.alpha2 == "GB"
    assert uk.accession == date(1973, 1, 1)
    assert uk.withdrawal == date(2020, 2, 1)
    assert uk.transition_end == date(2020, 12, 31)


def test_current_members_have_no_withdrawal() -> None:
    hr = membership("HR")
    assert hr.accession == date(2013, 7, 1)
    assert hr.withdrawal is None
    assert hr.transition_end is None


def test_membership_of_a_never_member() -> None:
    with pytest.raises(InvalidInput, match="never been an EU Member State"):
        membership("CH")


def test_member_state_accepts_eu_codes() -> None:
    assert member_state("EL").alpha2 == "GR"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("GB", "no longer an EU Member State .first day outside the EU: 2020-02-01"),
        ("NO", "Norway .NO. is not an EU Member State"),
        ("XX", "Unknown country code 'XX'"),
    ],
)
def test_member_state_rejects_non_members(code: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        member_state(code)
