"""Obligations, caveats, the trace, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from licentia.errors import InvalidInput
from licentia.rules.engine import RuleEngine
from licentia.rules.law import LAW_FROM, LAW_UNTIL
from licentia.rules.model import Certainty, Outcome
from licentia.rules.schema import document, parse_transaction

from .conftest import VERSION, rules_list
from .test_scenarios import FACIAL, NON_LISTED, tx


def determine(engine: RuleEngine, **document_changes: Any) -> Any:
    return engine.determine(parse_transaction(tx(**document_changes)))


def test_record_keeping_runs_five_years_from_the_end_of_the_calendar_year(
    engine: RuleEngine,
) -> None:
    result = engine.determine(parse_transaction(tx("5A001.j", on="2026-03-01")))
    records = {o.key: o for o in result.obligations}["record-keeping"]
    assert records.due == dt.date(2031, 12, 31)
    assert str(records.citation) == "Regulation (EU) 2021/821, Art 27(1)"


def test_intra_eu_transfer_records_are_kept_three_years(engine: RuleEngine) -> None:
    result = engine.determine(
        parse_transaction(tx("2B001", to="FR", activity="intra-eu-transfer", on="2026-03-01"))
    )
    obligations = {o.key: o for o in result.obligations}
    assert obligations["record-keeping"].due == dt.date(2029, 12, 31)
    assert "commercial-documents" in obligations


def test_a_valid_denial_elsewhere_requires_consultation(engine: RuleEngine) -> None:
    denial = {"member_state": "FR", "reference": "FR-2025-17", "notified_on": "2025-02-01"}
    result = engine.determine(parse_transaction(tx("5A001.j", prior_denials=[denial])))
    consult = {o.key: o for o in result.obligations}["consult-denying-state"]
    assert "FR (FR-2025-17)" in consult.text
    assert str(consult.citation) == "Regulation (EU) 2021/821, Art 16(5)"


def test_a_revoked_denial_needs_no_consultation(engine: RuleEngine) -> None:
    denial = {
        "member_state": "FR",
        "reference": "FR-2025-17",
        "notified_on": "2025-02-01",
        "revoked": True,
    }
    result = engine.determine(parse_transaction(tx("5A001.j", prior_denials=[denial])))
    assert "consult-denying-state" not in {o.key for o in result.obligations}


def test_cyber_surveillance_items_carry_the_due_diligence_steps(engine: RuleEngine) -> None:
    result = engine.determine(parse_transaction(tx(items=[FACIAL], aware=["human-rights"])))
    steps = {o.key: o for o in result.obligations}
    assert "Recommendation (EU) 2024/2659" in str(
        steps["cyber-surveillance-due-diligence"].citation
    )
    assert "notify-authority" in steps


def test_a_contested_embargo_is_engaged_and_flagged(engine: RuleEngine) -> None:
    result = engine.determine(
        parse_transaction(tx(items=[NON_LISTED], to="CN", informed=["military-end-use"]))
    )
    assert result.outcome is Outcome.LICENCE_REQUIRED
    assert result.bases[0].certainty is Certainty.CONTESTED
    assert any("contested" in c for c in result.caveats)


def test_annex_iv_unknown_in_the_list_is_a_condition_of_eu001() -> None:
    silent = rules_list()
    entries = tuple(e if e.path != "2B001" else replace(e, annex_iv=None) for e in silent)
    engine = RuleEngine([replace(silent, entries=entries)])
    result = engine.determine(parse_transaction(tx("2B001", to="US")))
    eu001 = {o.code: o for o in result.general_authorisations}["EU001"]
    assert eu001.available
    assert any("Annex IV" in c for c in eu001.conditions)


def test_an_intra_eu_transfer_needs_the_annex_iv_answer_when_the_list_is_silent() -> None:
    silent = rules_list()
    entries = tuple(replace(e, annex_iv=None) for e in silent)
    engine = RuleEngine([replace(silent, entries=entries)])
    with pytest.raises(InvalidInput, match=r"items\[0\]\.annex_iv"):
        engine.determine(parse_transaction(tx("2B001", to="FR", activity="intra-eu-transfer")))
    answered = tx(
        to="FR", activity="intra-eu-transfer", items=[{"entry": "2B001", "annex_iv": True}]
    )
    assert engine.determine(parse_transaction(answered)).outcome is Outcome.LICENCE_REQUIRED


def test_eu_country_codes_are_accepted(engine: RuleEngine) -> None:
    result = engine.determine(
        parse_transaction(tx("5A001.j", to="uk", exporter={"established_in": "EL"}))
    )
    assert result.authority.member_state == "GR"
    assert {o.code for o in result.general_authorisations if o.available} == {"EU001"}


def test_entry_codes_are_normalised(engine: RuleEngine) -> None:
    result = engine.determine(parse_transaction(tx("5a001.J.")))
    assert result.bases[0].items == ("5A001.j",)


def test_the_answer_is_a_json_document_with_citations(engine: RuleEngine) -> None:
    answer = document(engine.determine(parse_transaction(tx("5A001.j", to="US"))))
    assert answer["outcome"] == "LICENCE_REQUIRED"
    assert answer["bases"][0]["citation"]["text"] == "Regulation (EU) 2021/821, Art 3(1)"
    assert answer["authority"]["member_state"] == "DE"
    assert answer["list_versions"] == [VERSION]
    assert answer["trace"][0]["question"].startswith("Is 5A001.j controlled")


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"to": "XX"}, "destination", "Unknown country code"),
        ({"exporter": {"established_in": "US"}}, "exporter.established_in", "not a Member State"),
        ({"exporter": {}}, "exporter", "either"),
        (
            {"exporter": {"established_in": "DE", "goods_located_in": "FR"}},
            "exporter",
            "not both",
        ),
        ({"to": "FR"}, "destination", "intra-eu-transfer"),
        ({"activity": "intra-eu-transfer", "to": "US"}, "destination", "another Member State"),
        ({"activity": "transit"}, "transit_state", "transit_state"),
        ({"on": "2021-09-08"}, "date", "outside the law"),
        ({"on": (LAW_UNTIL + dt.timedelta(days=1)).isoformat()}, "date", "outside the law"),
        ({"purpose": "official-tasks"}, "purpose", "technical assistance"),
        ({"items": []}, "items", "at least 1"),
        ({"items": [{"entry": "5A001.z"}]}, "items[0].entry", "not an entry"),
        ({"items": [{"entry": "5A00"}]}, "items[0].entry", "ambiguous"),
        (
            {"items": [{"entry": "5A001.j", "list_version": "1999"}]},
            "items[0].list_version",
            "not loaded",
        ),
        (
            {"items": [{"entry": "5A001.j", "cyber_surveillance": True}]},
            "items[0].cyber_surveillance",
            "non-listed",
        ),
        (
            {"items": [{"entry": "2B001", "cryptography_note": True}]},
            "items[0].cryptography_note",
            "Category 5",
        ),
        (
            {"items": [{"entry": "2B001", "public_domain": True}]},
            "items[0].public_domain",
            "software and technology",
        ),
        (
            {"items": [{"entry": "2B001", "mass_market": True}]},
            "items[0].mass_market",
            "mass-market",
        ),
        (
            {"items": [{"entry": "5A001.j", "national_entries": ["5A902"]}]},
            "items[0].national_entries",
            "not listed",
        ),
        (
            {"items": [{"description": "x", "list_version": VERSION}]},
            "items[0].list_version",
            "entry is not",
        ),
        ({"items": [{}]}, "items[0].description", "description of a non-listed item"),
        (
            {"parties": [{"role": "end-user", "type": "pirate"}]},
            "parties[0].type",
            "Input should be",
        ),
        ({"informed": ["gossip"]}, "informed[0]", "Input should be"),
        ({"surprise": True}, "surprise", "Extra inputs"),
        ({"on": "2026-02-30"}, "date", "date"),
        (
            {
                "prior_denials": [
                    {"member_state": "US", "reference": "x", "notified_on": "2025-01-01"}
                ]
            },
            "prior_denials[0].member_state",
            "not a Member State",
        ),
    ],
)
def test_bad_input_names_the_field(
    engine: RuleEngine, changes: dict[str, Any], field: str, phrase: str
) -> None:
    entries = changes.pop("entries", ("5A001.j",))
    with pytest.raises(InvalidInput) as caught:
        engine.determine(parse_transaction(tx(*entries, **changes)))
    assert caught.value.details["field"] == field, caught.value.message
    assert phrase in caught.value.message


def test_an_unknown_entry_suggests_the_closest(engine: RuleEngine) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.determine(parse_transaction(tx("5A001.k")))
    assert "5A001.j" in caught.value.details["suggestions"]  # type: ignore[operator]


def test_the_law_window_is_inclusive(engine: RuleEngine) -> None:
    for day in (LAW_FROM, LAW_UNTIL):
        assert engine.determine(parse_transaction(tx("5A001.j", on=day.isoformat())))


def test_no_list_in_force_is_an_error() -> None:
    later = RuleEngine([rules_list(valid_from=dt.date(2025, 11, 15))])
    with pytest.raises(InvalidInput, match="no Annex I version in force on 2024-01-01"):
        later.determine(parse_transaction(tx("5A001.j", on="2024-01-01")))


def test_a_non_eu_exporter_is_told_to_confirm_a_general_authorisation(engine: RuleEngine) -> None:
    result = engine.determine(
        parse_transaction(tx("5A001.j", to="US", exporter={"goods_located_in": "NL"}))
    )
    eu001 = {o.code: o for o in result.general_authorisations}["EU001"]
    assert eu001.available
    assert any("established outside the Union" in c for c in eu001.conditions)
    assert str(result.authority.citation) == "Regulation (EU) 2021/821, Art 12(2)"
