"""The risk engine over a hand-made in-memory store: ratings, evidence, insufficient data, bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from licentia.errors import InvalidInput
from licentia.risk.assess import (
    AssessmentStatus,
    EvidenceStatus,
    FactorKind,
    FactorStatus,
    assess,
    request_from,
)
from licentia.risk.config import DEFAULT_CONFIG, Rating
from licentia.risk.flags import FlagOrigin
from licentia.risk.model import Edition, Indicator, Observation
from licentia.risk.store import MemoryStore

TODAY = dt.date(2025, 6, 1)
EDITION = Edition(
    source="test",
    label="Test edition 2024",
    licence="CC0",
    url="https://example.org/data",
    retrieved_on=dt.date(2025, 1, 1),
    checksum="0" * 64,
)
INDICATORS = (
    Indicator("pts.amnesty", "pts", "PTS (Amnesty)", best=1, worst=5),
    Indicator("pts.state", "pts", "PTS (State Dept)", best=1, worst=5),
    Indicator("fh.pr", "fh", "FH political rights", best=1, worst=7),
    Indicator("wgi.va", "wgi", "WGI Voice and Accountability", best=2.5, worst=-2.5),
    Indicator("rsf.score", "rsf", "RSF score", best=100, worst=0),
)
# A repressive destination (XR stands for one: CN), a free one (NO), one with old data only (MG).
RECORDS: dict[str, dict[str, float]] = {
    "CN": {"pts.amnesty": 4, "pts.state": 5, "fh.pr": 7, "wgi.va": -1.6, "rsf.score": 25},
    "NO": {"pts.amnesty": 1, "pts.state": 1, "fh.pr": 1, "wgi.va": 1.7, "rsf.score": 92},
}


def store_of(records: dict[str, dict[str, dict[int, float]]]) -> MemoryStore:
    """{country: {indicator: {year: value}}} as a store."""
    return MemoryStore(
        INDICATORS,
        (
            Observation(key, country, year, value, EDITION)
            for country, by_key in records.items()
            for key, by_year in by_key.items()
            for year, value in by_year.items()
        ),
    )


def steady(country: str, years: range = range(2015, 2025)) -> dict[str, dict[int, float]]:
    return {key: dict.fromkeys(years, value) for key, value in RECORDS[country].items()}


STORE = store_of({"CN": steady("CN"), "NO": steady("NO"), "MG": steady("CN", range(2005, 2010))})


def run(store: MemoryStore = STORE, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "destination": "CN",
        "date": "2024-06-01",
        "end_user_type": "police",
        "items": ["5A001.j"],
    }
    data.update(fields)
    return assess(request_from(data), store, today=TODAY)


def test_repressive_destination_and_intrusive_technology_rate_very_high_with_evidence() -> None:
    result = run(categories=["facial-recognition"])
    assert result.status is AssessmentStatus.ASSESSED
    assert result.rating is Rating.VERY_HIGH
    destination = result.factor(FactorKind.DESTINATION)
    used = [e for e in destination.indicators if e.status is EvidenceStatus.USED]
    assert {e.indicator for e in used} == set(RECORDS["CN"])
    pts = next(e for e in used if e.indicator == "pts.state")
    assert (pts.value, pts.year, pts.risk) == (5, 2024, 1.0)
    assert pts.edition == EDITION
    assert result.data_years == (2024, 2024)
    assert result.config_version == DEFAULT_CONFIG.version


def test_free_destination_rates_low() -> None:
    result = run(destination="NO", end_user_type="telecom-operator")
    assert result.rating is Rating.LOW
    # Groups: physical integrity (PTS 1, 1) 0; liberties (FH 1, WGI 1.7) mean of 0 and 0.16;
    # expression (RSF 92) 0.08. 5A001.j is a cyber-surveillance item: the worse of the general
    # reading (0.4 / 0.4 / 0.2) and the surveillance reading (0.2 / 0.4 / 0.4) counts.
    general = 0.4 * 0 + 0.4 * (0 + 0.16) / 2 + 0.2 * 0.08
    watched = 0.2 * 0 + 0.4 * (0 + 0.16) / 2 + 0.4 * 0.08
    assert watched > general
    assert result.factor(FactorKind.DESTINATION).score == pytest.approx(watched)
    not_surveillance = run(destination="NO", end_user_type="telecom-operator", items=["3A001"])
    assert not_surveillance.factor(FactorKind.DESTINATION).score == pytest.approx(general)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"destination": "NO", "flags": ["covert-capabilities", "unusual-payment"]},
        {"end_user_type": None, "categories": ["intrusion"], "prior_denials": []},
        {
            "destination": "MG",
            "flags": ["previous-misuse"],
            "screening_hits": [{"source": "EU FSF", "name": "X", "score": 0.9}],
        },
    ],
)
def test_contributions_add_up_to_the_score(fields: dict[str, Any]) -> None:
    result = run(**fields)
    assert sum(f.contribution for f in result.factors) == pytest.approx(result.score)
    assert [f.kind for f in result.factors] == list(FactorKind)


def test_uses_the_latest_year_up_to_the_date_and_says_which() -> None:
    store = store_of({"CN": {"pts.amnesty": {2016: 2, 2018: 5, 2023: 1}, "fh.pr": {2018: 7}}})
    result = run(store, date="2020-03-01")
    evidence = {e.indicator: e for e in result.factor(FactorKind.DESTINATION).indicators}
    assert (evidence["pts.amnesty"].value, evidence["pts.amnesty"].year) == (5, 2018)
    assert result.data_years == (2018, 2018)


def test_old_data_is_insufficient_and_never_low() -> None:
    result = run(destination="MG")
    assert result.status is AssessmentStatus.INSUFFICIENT_DATA
    assert result.rating is None
    assert result.rating_label == "insufficient data"
    destination = result.factor(FactorKind.DESTINATION)
    assert destination.status is FactorStatus.INSUFFICIENT_DATA
    assert {e.status for e in destination.indicators} == {EvidenceStatus.TOO_OLD}
    assert "Insufficient data" in result.reasoning_text
    assert "Licentia rates the risk" not in result.reasoning_text


def test_insufficient_data_still_reports_the_transactions_own_evidence() -> None:
    result = run(destination="MG", flags=["previous-misuse"])
    assert result.status is AssessmentStatus.INSUFFICIENT_DATA
    assert result.rating is Rating.HIGH
    assert result.rating_label == "at least high"


@pytest.mark.parametrize(
    ("store", "destination"),
    [(STORE, "FR"), (MemoryStore(), "CN")],
    ids=["no-values-for-the-country", "nothing-loaded"],
)
def test_missing_data_is_insufficient(store: MemoryStore, destination: str) -> None:
    result = run(store, destination=destination)
    assert result.status is AssessmentStatus.INSUFFICIENT_DATA
    assert result.rating is None


def test_one_indicator_is_not_enough() -> None:
    result = run(store_of({"CN": {"pts.amnesty": {2024: 5}}}))
    assert result.status is AssessmentStatus.INSUFFICIENT_DATA
    assert "1 current indicator(s)" in result.factor(FactorKind.DESTINATION).summary


def test_a_deterioration_raises_the_rating_and_an_improvement_does_not_lower_it() -> None:
    def series(first: float, last: float) -> dict[str, dict[str, dict[int, float]]]:
        step = (last - first) / 5
        values = {2019 + i: first + step * i for i in range(6)}
        return {"CN": {"pts.amnesty": values, "pts.state": values}}

    stable, worse, better = (run(store_of(s)) for s in (series(3, 3), series(1, 3), series(5, 3)))
    assert worse.score > stable.score
    assert worse.factor(FactorKind.TREND).contribution > 0
    assert worse.factor(FactorKind.TREND).score == pytest.approx(0.5)
    assert better.score == pytest.approx(stable.score)
    assert "improved" in better.factor(FactorKind.TREND).summary


def test_end_user_and_technology_move_the_rating_within_a_destination() -> None:
    security = run(end_user_type="intelligence", items=["4A005"])
    academic = run(end_user_type="academic", items=[], categories=["video-surveillance"])
    assert security.score > academic.score
    assert security.factor(FactorKind.TECHNOLOGY).score == 1.0
    assert academic.factor(FactorKind.TECHNOLOGY).score == 0.4


def test_listed_entry_below_a_cyber_entry_takes_its_category() -> None:
    result = run(items=["5A001.f.2"])
    evidence = result.factor(FactorKind.TECHNOLOGY).evidence[0]
    assert evidence.label == "5A001.f.2"
    assert "interception" in evidence.detail.lower()


def test_non_cyber_item_alone_counts_low() -> None:
    result = run(items=["6A003.b.4.b"])
    technology = result.factor(FactorKind.TECHNOLOGY)
    assert technology.score == DEFAULT_CONFIG.other_item
    assert "not a listed cyber-surveillance item" in technology.evidence[0].detail


def test_declared_end_use_raises_flags_with_its_words() -> None:
    result = run(end_use="Monitoring of opposition activists and journalists nationwide")
    raised = {r.flag.id: r for r in result.flags}
    assert set(raised) == {"targeting-protected-groups", "mass-surveillance"}
    assert raised["targeting-protected-groups"].origin is FlagOrigin.END_USE
    assert "opposition" in raised["targeting-protected-groups"].detail


def test_flags_raise_a_free_destination() -> None:
    plain = run(destination="NO")
    flagged = run(destination="NO", flags=["previous-misuse", "covert-capabilities"])
    assert plain.rating is Rating.LOW
    assert flagged.rating in (Rating.HIGH, Rating.VERY_HIGH)
    assert flagged.factor(FactorKind.RED_FLAGS).score == pytest.approx(1 - 0.4 * 0.7)


def test_identity_not_checked_unless_given() -> None:
    assert run().factor(FactorKind.IDENTITY).status is FactorStatus.NOT_CHECKED
    checked = run(screening_hits=[], prior_denials=[])
    assert checked.factor(FactorKind.IDENTITY).status is FactorStatus.ASSESSED
    assert checked.factor(FactorKind.IDENTITY).score == 0


def test_denials_and_hits_raise_the_identity_factor() -> None:
    result = run(
        destination="NO",
        prior_denials=[
            {"member_state": "DE", "reference": "DE-1", "date": "2023-01-05", "criterion_2": True}
        ],
        screening_hits=[{"source": "EU FSF", "name": "Listed Body", "score": 0.8}],
    )
    identity = result.factor(FactorKind.IDENTITY)
    assert identity.score == pytest.approx(1 - 0.4 * 0.6)
    assert any("criterion 2" in e.detail for e in identity.evidence)
    assert result.rating is not Rating.LOW


def test_undeclared_end_user_is_counted_with_precaution() -> None:
    result = run(end_user_type=None)
    assert result.factor(FactorKind.END_USER).score == DEFAULT_CONFIG.undeclared_end_user
    assert "not declared" in result.factor(FactorKind.END_USER).summary


def test_draft_reasoning_cites_the_law_and_the_evidence() -> None:
    result = run(flags=["covert-capabilities"], end_use="Lawful interception")
    text = result.reasoning_text
    assert "criterion 2 of Council Common Position 2008/944/CFSP" in text
    assert "Art 15(1)(c) of Regulation (EU) 2021/821" in text
    assert "PTS (State Dept) 5 (2024, Test edition 2024)" in text
    assert "Recommendation (EU) 2024/2659, section 3.2" in text
    assert '"Lawful interception"' in text
    assert "[Officer:" in result.reasoning[-1]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"destination": "XX"}, "destination"),
        ({"destination": ""}, "destination"),
        ({"date": "2024-13-01"}, "date"),
        ({"date": None}, "date"),
        ({"date": "2030-01-01"}, "date"),
        ({"date": "1990-01-01"}, "date"),
        ({"end_user_type": "secret-police"}, "end_user_type"),
        ({"items": [], "categories": []}, "items"),
        ({"items": ["not-an-entry"]}, "items[0]"),
        ({"items": "5A001.j"}, "items"),
        ({"items": ["6A003.b.4"], "categories": ["facial-recognition"]}, "categories"),
        ({"categories": ["mind-reading"]}, "categories[0]"),
        ({"flags": ["bad-vibes"]}, "flags[0]"),
        ({"screening_hits": [{"source": "x", "name": "y", "score": 2}]}, "screening_hits[0].score"),
        ({"prior_denials": [{"member_state": "DE", "date": "soon"}]}, "prior_denials[0].date"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        run(**fields)
    assert raised.value.details["field"] == field
    assert raised.value.message.startswith(field.split("[")[0])


def test_a_config_changes_weights_bands_and_version() -> None:
    config = DEFAULT_CONFIG.from_dict(
        {"version": "authority-2", "bands": {"very_high": 0.95}, "end_user": {"police": 0.5}}
    )
    result = assess(
        request_from(
            {
                "destination": "CN",
                "date": "2024-06-01",
                "end_user_type": "police",
                "items": ["5A001.j"],
            }
        ),
        STORE,
        config,
        today=TODAY,
    )
    assert result.config_version == "authority-2"
    assert result.factor(FactorKind.END_USER).score == 0.5
    assert result.rating is Rating.HIGH
