"""Working days per Member State, for the regulation's deadlines in working days.

Regulation (EU) 2021/821 counts several time limits in working days: 10 working days for an
objection in an Art 14 consultation, 30 working days for the Art 5(5) review, 10 (at most 30)
for a customs suspension under Art 21. A working day is a day other than a Saturday, a Sunday
or a national public holiday of the Member State concerned (Regulation (EEC, Euratom)
No 1182/71, Art 2(2)). Public holidays come from the `holidays` package, national ones only:
regional holidays (a German Land, a Spanish autonomous community) are not counted.

Counting convention: the day of the triggering event is not counted (Reg 1182/71, Art 3(1)).
`add_working_days(state, start, n)` returns the n-th working day after `start`, and
`working_days_between(state, start, end)` counts the working days after `start` up to and
including `end`, so `working_days_between(s, start, add_working_days(s, start, n)) == n`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache

import holidays

from licentia.errors import InvalidInput
from licentia.reference.eu import member_state

# Bounds on the day-by-day walk. No working-day time limit in the regulation comes near ten
# years; the bounds keep a mistyped year from computing holidays for centuries.
MAX_WORKING_DAYS = 2_600
MAX_SPAN = timedelta(days=3_660)

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@cache
def _holidays(alpha2: str, year: int) -> Mapping[date, str]:
    """The national public holidays of one state in one year, with English names."""
    return dict(holidays.country_holidays(alpha2, years=year, language="en_US").items())


def _state(member_state_code: str) -> str:
    return member_state(member_state_code).alpha2


def _is_working_day(alpha2: str, day: date) -> bool:
    return day.weekday() < _SATURDAY and day not in _holidays(alpha2, day.year)


def is_working_day(member_state: str, day: date) -> bool:
    """Whether `day` is a working day in the Member State (ISO or EU code, e.g. `EL`)."""
    return _is_working_day(_state(member_state), day)


def holiday_name(member_state: str, day: date) -> str | None:
    """The English name of the national public holiday on `day`, or None if there is none.

    Weekends are not named: a deadline explains a skipped Saturday or Sunday by its weekday.
    """
    return _holidays(_state(member_state), day.year).get(day)


def add_working_days(member_state: str, start: date, n: int) -> date:
    """The n-th working day after `start` in the Member State: the deadline of an n-day limit.

    Counting begins on the day after `start`, which itself never counts, whether or not it is
    a working day. `n == 0` gives `start` back. For example, 10 working days from Wednesday
    2026-12-16 in Germany is Thursday 2026-12-31: the two weekends and Christmas Day
    (Friday 25 December) are skipped.
    """
    if n < 0:
        raise InvalidInput(f"A number of working days cannot be negative (got {n}).")
    if n > MAX_WORKING_DAYS:
        raise InvalidInput(f"At most {MAX_WORKING_DAYS} working days can be added (got {n}).")
    alpha2 = _state(member_state)
    day = start
    while n:
        day += _ONE_DAY
        if _is_working_day(alpha2, day):
            n -= 1
    return day


def working_days_between(member_state: str, start: date, end: date) -> int:
    """How many working days fall after `start`, up to and including `end`.

    This is the inverse of `add_working_days`: `start` is not counted, `end` is.
    """
    if end < start:
        raise InvalidInput(
            f"The end {end.isoformat()} is before the start {start.isoformat()}.",
            details={"start": start.isoformat(), "end": end.isoformat()},
        )
    if end - start > MAX_SPAN:
        raise InvalidInput(
            f"Working days can be counted over at most {MAX_SPAN.days} days (about ten years)."
        )
    alpha2 = _state(member_state)
    days = (start + timedelta(days=offset) for offset in range(1, (end - start).days + 1))
    return sum(1 for day in days if _is_working_day(alpha2, day))
