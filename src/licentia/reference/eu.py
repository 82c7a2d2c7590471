"""EU membership as dated data: which states were Member States on a given day.

A Member State's competent authority licenses exports (Art 12 of Regulation (EU) 2021/821), and
intra-EU transfers, consultations and deadlines only exist between Member States, so the answer
must be right for past dates too (an old licence, a denial notified in 2019).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from licentia.errors import InvalidInput
from licentia.reference.countries import Country, country


@dataclass(frozen=True, slots=True)
class Membership:
    """One state's membership of the EU (and of the European Communities before it).

    `accession` is the first day as a member. `withdrawal` is the first day as a non-member.
    `transition_end` is the last day of a post-withdrawal transition period during which Union
    law still applied to and in the former member.
    """

    alpha2: str
    accession: date
    withdrawal: date | None = None
    transition_end: date | None = None

    def is_member_on(self, day: date) -> bool:
        return self.accession <= day and (self.withdrawal is None or day < self.withdrawal)


_FOUNDING = date(1958, 1, 1)  # Treaty of Rome (EEC) in force

# Germany's membership dates from 1958; reunification on 1990-10-03 extended its territory and
# was not an accession.
_MEMBERSHIPS = (
    *(Membership(code, _FOUNDING) for code in ("BE", "DE", "FR", "IT", "LU", "NL")),
    *(Membership(code, date(1973, 1, 1)) for code in ("DK", "IE")),
    Membership(
        "GB",
        date(1973, 1, 1),
        # The Withdrawal Agreement entered into force on 2020-02-01: the UK was a Member State
        # until 2020-01-31 and `is_member_state` treats 2020-02-01 as its first non-member day.
        # Union law (the dual-use regulation included) kept applying to the UK until the end
        # of the transition period on 2020-12-31; that date is recorded, not used for
        # membership. Northern Ireland's special position under the Windsor Framework is a
        # question of territory, not of membership, and is not modelled here.
        withdrawal=date(2020, 2, 1),
        transition_end=date(2020, 12, 31),
    ),
    Membership("GR", date(1981, 1, 1)),
    *(Membership(code, date(1986, 1, 1)) for code in ("ES", "PT")),
    *(Membership(code, date(1995, 1, 1)) for code in ("AT", "FI", "SE")),
    *(
        Membership(code, date(2004, 5, 1))
        for code in ("CY", "CZ", "EE", "HU", "LT", "LV", "MT", "PL", "SI", "SK")
    ),
    *(Membership(code, date(2007, 1, 1)) for code in ("BG", "RO")),
    Membership("HR", date(2013, 7, 1)),
)
_BY_CODE = {m.alpha2: m for m in _MEMBERSHIPS}


def membership(code: str) -> Membership:
    """The membership record of a state that is or was a Member State; `InvalidInput` if none."""
    state = country(code)
    found = _BY_CODE.get(state.alpha2)
    if found is None:
        raise InvalidInput(
            f"{state} has never been an EU Member State.", details={"code": state.alpha2}
        )
    return found


def member_states(on: date) -> list[Country]:
    """The Member States on day `on`, ordered by ISO alpha-2 code."""
    return sorted(
        (country(m.alpha2) for m in _MEMBERSHIPS if m.is_member_on(on)), key=lambda c: c.alpha2
    )


def is_member_state(code: str, on: date) -> bool:
    """Whether the country with this code (ISO or EU, e.g. `EL`) was a Member State on `on`.

    An unknown code raises `InvalidInput`; a known non-member gives False.
    """
    found = _BY_CODE.get(country(code).alpha2)
    return found is not None and found.is_member_on(on)


def member_state(code: str) -> Country:
    """The current Member State with this code, or `InvalidInput` saying why it is not one.

    "Current" means a membership without a withdrawal date, so the answer does not depend on
    the clock; the authorities and the working-day calendar are only kept for these states.
    """
    state = country(code)
    found = _BY_CODE.get(state.alpha2)
    if found is None:
        raise InvalidInput(f"{state} is not an EU Member State.", details={"code": state.alpha2})
    if found.withdrawal is not None:
        raise InvalidInput(
            f"{state} is no longer an EU Member State (first day outside the EU: "
            f"{found.withdrawal.isoformat()}).",
            details={"code": state.alpha2},
        )
    return state
