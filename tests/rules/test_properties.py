"""Properties that must hold for every transaction, not only the ones in the table."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licentia.reference.countries import all_countries
from licentia.reference.eu import is_member_state
from licentia.rules.engine import RuleEngine
from licentia.rules.law import (
    GENERAL_AUTHORISATIONS,
    LAW_FROM,
    LAW_UNTIL,
    SANCTIONS,
    SanctionsScope,
)
from licentia.rules.model import (
    Activity,
    Concern,
    Exporter,
    Item,
    Outcome,
    Party,
    PartyRole,
    PartyType,
    Purpose,
    Transaction,
)

from .conftest import _ENTRIES, rules_list

ENGINE = RuleEngine([rules_list()])
# Comprehensively sanctioned: every Annex I item is prohibited whoever the end user is.
COMPREHENSIVE = sorted(
    {
        m.country
        for m in SANCTIONS
        if m.scope is SanctionsScope.ANNEX_I
        and m.end_users is None
        and m.effect is Outcome.PROHIBITED
    }
)
THIRD_COUNTRIES = [c.alpha2 for c in all_countries() if not is_member_state(c.alpha2, LAW_UNTIL)]

days = st.dates(min_value=LAW_FROM, max_value=LAW_UNTIL)
listed = st.sampled_from(sorted(_ENTRIES)).map(lambda path: Item(entry=path))
non_listed = st.builds(Item, description=st.just("item"), cyber_surveillance=st.booleans())
parties = st.lists(
    st.builds(
        Party,
        role=st.sampled_from(list(PartyRole)),
        type=st.sampled_from(list(PartyType)),
        intra_group=st.booleans(),
    ),
    max_size=3,
).map(tuple)
concerns = st.frozensets(st.sampled_from(list(Concern)))
export_purposes = st.sampled_from(
    [
        Purpose.STANDARD,
        Purpose.TEMPORARY_EXHIBITION,
        Purpose.RETURN_AFTER_REPAIR,
        Purpose.INTRA_GROUP_DEVELOPMENT,
    ]
)


def exports(destinations: st.SearchStrategy[str]) -> st.SearchStrategy[Transaction]:
    return st.builds(
        Transaction,
        exporter=st.sampled_from(["DE", "FR", "NL", "IT"]).map(
            lambda s: Exporter(established_in=s)
        ),
        activity=st.sampled_from(
            [Activity.EXPORT, Activity.RE_EXPORT, Activity.INTANGIBLE_TRANSFER]
        ),
        date=days,
        items=st.lists(st.one_of(listed, non_listed), min_size=1, max_size=3).map(tuple),
        destination=destinations,
        parties=parties,
        purpose=export_purposes,
        informed=concerns,
        aware=concerns,
        internal_compliance_programme=st.booleans(),
    )


_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(exports(st.sampled_from(COMPREHENSIVE)), listed)
def test_a_comprehensively_sanctioned_destination_never_clears_an_annex_i_item(
    transaction: Transaction, item: Item
) -> None:
    transaction = replace(transaction, items=(item, *transaction.items))
    sanctions_start = min(
        m.valid_from
        for m in SANCTIONS
        if m.country == transaction.destination
        and m.end_users is None
        and m.scope is SanctionsScope.ANNEX_I
        and m.effect is Outcome.PROHIBITED
    )
    result = ENGINE.determine(transaction)
    assert result.outcome is not Outcome.NO_LICENCE_REQUIRED
    if transaction.date >= sanctions_start:
        assert result.outcome is Outcome.PROHIBITED
        assert not any(o.available for o in result.general_authorisations)


@_SETTINGS
@given(exports(st.sampled_from(THIRD_COUNTRIES)))
def test_a_general_authorisation_is_only_offered_for_a_destination_it_lists_that_day(
    transaction: Transaction,
) -> None:
    result = ENGINE.determine(transaction)
    rules = {rule.code: rule for rule in GENERAL_AUTHORISATIONS}
    for option in result.general_authorisations:
        if option.available:
            assert rules[option.code].lists(transaction.destination, transaction.date)
            assert result.outcome is not Outcome.PROHIBITED


@_SETTINGS
@given(exports(st.sampled_from(THIRD_COUNTRIES)))
def test_the_same_input_always_gives_the_same_answer(transaction: Transaction) -> None:
    assert ENGINE.determine(transaction) == ENGINE.determine(transaction)
    assert RuleEngine([rules_list()]).determine(transaction) == ENGINE.determine(transaction)


def test_russia_left_eu003_eu004_eu005_on_5_may_2022() -> None:
    rules = {rule.code: rule for rule in GENERAL_AUTHORISATIONS}
    for code in ("EU003", "EU004", "EU005"):
        assert rules[code].lists("RU", dt.date(2022, 5, 4))
        assert not rules[code].lists("RU", dt.date(2022, 5, 5))
