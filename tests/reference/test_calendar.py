"""Working days per Member State and the deadline convention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from licentia.errors import InvalidInput
from licentia.reference import calendar
from licentia.reference.calendar import (
    MAX_SPAN,
    MAX_WORKING_DAYS,
    add_working_days,
    holiday_name,
    is_working_day,
    working_days_between,
)


def test_ten_working_days_over_german_christmas() -> None:
    # Wed 16 Dec 2026: Thu 17, Fri 18, Mon 21 to Thu 24 make six; Fri 25 is Christmas Day,
    # Sat 26 and Sun 27 the weekend; Mon 28 to Thu 31 make ten.
    start = date(2026, 12, 16)
    assert start.strftime("%A") == "Wednesday"
    assert add_working_days("DE", start, 10) == date(2026, 12, 31)
    assert working_days_between("DE", start, date(2026, 12, 31)) == 10


def test_deadline_crossing_into_the_next_year() -> None:
    # The eleventh day would be Fri 1 Jan 2027, New Year's Day, so it moves to Mon 4 Jan.
    assert add_working_days("DE", date(2026, 12, 16), 11) == date(2027, 1, 4)
    assert holiday_name("DE", date(2027, 1, 1)) == "New Year's Day"


@pytest.mark.parametrize(
    ("state", "day", "name"),
    [
        ("DE", date(2026, 12, 25), "Christmas Day"),
        ("DE", date(2026, 12, 26), "Second Day of Christmas"),
        ("FR", date(2026, 4, 6), "Easter Monday"),
        ("FR", date(2026, 7, 14), "National Day"),
        # Greece keeps the Orthodox Easter, a week later than the Western one in 2026.
        ("EL", date(2026, 4, 13), "Easter Monday"),
        ("FR", date(2026, 4, 13), None),
        ("DE", date(2026, 12, 24), None),
        ("DE", date(2026, 12, 27), None),
    ],
)
def test_holiday_name(state: str, day: date, name: str | None) -> None:
    assert holiday_name(state, day) == name


@pytest.mark.parametrize(
    ("state", "day", "working"),
    [
        ("FR", date(2026, 4, 6), False),  # Easter Monday
        ("FR", date(2026, 4, 7), True),
        ("FR", date(2026, 4, 11), False),  # Saturday
        ("FR", date(2026, 4, 12), False),  # Sunday
        ("GR", date(2026, 4, 6), True),
        ("GR", date(2026, 4, 13), False),
        ("DE", date(2026, 12, 24), True),
        ("DE", date(2026, 10, 3), False),  # German Unity Day, a Saturday anyway
        ("IE", date(2026, 3, 17), False),  # Saint Patrick's Day
    ],
)
def test_is_working_day(state: str, day: date, working: bool) -> None:
    assert is_working_day(state, day) is working


@pytest.mark.parametrize(
    ("start", "n", "deadline"),
    [
        (date(2026, 4, 5), 0, date(2026, 4, 5)),  # n == 0 gives the start back, even a Sunday
        (date(2026, 4, 3), 1, date(2026, 4, 7)),  # Fri: skips the weekend and Easter Monday
        (date(2026, 4, 6), 1, date(2026, 4, 7)),  # a start on a holiday still never counts
        (date(2026, 4, 7), 1, date(2026, 4, 8)),
        (date(2026, 4, 7), 5, date(2026, 4, 14)),
    ],
)
def test_counting_starts_the_day_after_start(start: date, n: int, deadline: date) -> None:
    assert add_working_days("FR", start, n) == deadline


@pytest.mark.parametrize("state", ["DE", "FR", "EL", "IE", "SE"])
@pytest.mark.parametrize("n", [1, 10, 30])
def test_working_days_between_inverts_add_working_days(state: str, n: int) -> None:
    start = date(2026, 3, 20)
    assert working_days_between(state, start, add_working_days(state, start, n)) == n


def test_thirty_working_days_art_5_5() -> None:
    # From Wed 1 Apr 2026 in France: 2-3 Apr count 2; Easter Monday (6 Apr) is skipped;
    # 7-30 Apr bring the count to 20; 1 May and 8 May (Fridays) are skipped, 4-7 and 11-13 May
    # bring it to 27; Ascension (Thu 14 May) is skipped; Fri 15, Mon 18, Tue 19 May reach 30.
    assert add_working_days("FR", date(2026, 4, 1), 30) == date(2026, 5, 19)


def test_working_days_between_same_day_is_zero() -> None:
    assert working_days_between("DE", date(2026, 1, 5), date(2026, 1, 5)) == 0


def test_negative_n_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="cannot be negative"):
        add_working_days("DE", date(2026, 1, 5), -1)


def test_too_many_working_days_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="At most"):
        add_working_days("DE", date(2026, 1, 5), MAX_WORKING_DAYS + 1)


def test_end_before_start_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="before the start"):
        working_days_between("DE", date(2026, 1, 5), date(2026, 1, 4))


def test_too_long_a_span_is_rejected() -> None:
    start = date(2026, 1, 5)
    with pytest.raises(InvalidInput, match="at most"):
        working_days_between("DE", start, start + MAX_SPAN + timedelta(days=1))


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("XX", "Unknown country code 'XX'. Did you mean"),
        ("US", "not an EU Member State"),
        ("GB", "no longer an EU Member State"),
    ],
)
def test_unknown_and_non_member_states_are_rejected(state: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        is_working_day(state, date(2026, 1, 5))
    with pytest.raises(InvalidInput, match=message):
        add_working_days(state, date(2026, 1, 5), 10)


def test_holiday_sets_are_cached_per_state_and_year() -> None:
    assert calendar._holidays("DE", 2026) is calendar._holidays("DE", 2026)
    assert calendar._holidays("DE", 2026) is not calendar._holidays("DE", 2027)
