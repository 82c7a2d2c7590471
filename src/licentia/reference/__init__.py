"""Reference data: countries, EU membership, competent authorities, working-day calendars.

Pure Python with no Django import, so the CLI, the web layer and the tests share one source.
"""

from licentia.reference.authorities import CompetentAuthority, all_authorities, competent_authority
from licentia.reference.calendar import (
    add_working_days,
    holiday_name,
    is_working_day,
    working_days_between,
)
from licentia.reference.countries import (
    Country,
    all_countries,
    country,
    country_by_name,
    eu_code,
)
from licentia.reference.eu import (
    Membership,
    is_member_state,
    member_state,
    member_states,
    membership,
)

__all__ = [
    "CompetentAuthority",
    "Country",
    "Membership",
    "add_working_days",
    "all_authorities",
    "all_countries",
    "competent_authority",
    "country",
    "country_by_name",
    "eu_code",
    "holiday_name",
    "is_member_state",
    "is_working_day",
    "member_state",
    "member_states",
    "membership",
    "working_days_between",
]
