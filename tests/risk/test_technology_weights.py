"""Revision 2 of the risk model: technology-dependent reading of the record, the intrusiveness
uplift, contributions that add up, and monotonicity (worse evidence, more intrusive technology
or a more exposed end user never lower the score or the rating)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licentia.risk.assess import AssessmentStatus, FactorKind, assess, request_from, uplift_rate
from licentia.risk.config import DEFAULT_CONFIG, DEFAULT_GROUPS, Rating, RiskConfig
from licentia.risk.model import Edition, Indicator, Observation
from licentia.risk.store import MemoryStore
from licentia.risk.technology import TechnologyCategory
from licentia.rules.model import PartyType

TODAY = dt.date(2025, 6, 1)
EDITION = Edition("test", "Test 2024", "CC0", "https://example.org", dt.date(2025, 1, 1), "0" * 64)
# One indicator of each group, each on a 0 (best) .. 1 (worst) scale, so values are risks.
PHYSICAL, LIBERTIES, PRESS = "pts.amnesty", "fh.pr", "rsf.score"
INDICATORS = tuple(
    Indicator(key, "test", key, best=0, worst=1) for key in (PHYSICAL, LIBERTIES, PRESS)
)
ORDER = [Rating.LOW, Rating.MEDIUM, Rating.HIGH, Rating.VERY_HIGH]
YEARS = range(2018, 2025)


def store_of(values: dict[str, float], latest: dict[str, float] | None = None) -> MemoryStore:
    """Country XX (stands for Oman: OM) with steady values, the latest year optionally changed."""
    observations = []
    for key, value in values.items():
        for year in YEARS:
            last = latest.get(key, value) if latest and year == YEARS[-1] else value
            observations.append(Observation(key, "OM", year, last, EDITION))
    return MemoryStore(INDICATORS, observations)


def run(store: MemoryStore, config: RiskConfig = DEFAULT_CONFIG, **fields: Any) -> Any:
    data: dict[str, Any] = {"destination": "OM", "date": "2024-12-31", "items": ["5A001.j"]}
    data.update(fields)
    return assess(request_from(data), store, config, today=TODAY)


def rank(rating: Rating | None) -> int:
    assert rating is not None
    return ORDER.index(rating)


# -- the reading of the record depends on the technology --------------------------------------

# Good physical integrity, poor liberties and press freedom: the pattern of Oman and Qatar.
NOT_FREE_BUT_NO_TERROR = {PHYSICAL: 0.1, LIBERTIES: 0.8, PRESS: 0.7}
GENERAL = 0.4 * 0.1 + 0.4 * 0.8 + 0.2 * 0.7
SURVEILLANCE = 0.2 * 0.1 + 0.4 * 0.8 + 0.4 * 0.7


@pytest.mark.parametrize(
    ("fields", "record"),
    [
        ({"items": ["5A001.j"]}, SURVEILLANCE),  # listed cyber-surveillance entry
        ({"items": ["4D004"]}, SURVEILLANCE),
        ({"items": [], "categories": ["facial-recognition"]}, SURVEILLANCE),  # non-listed, Art 5
        ({"items": [], "categories": ["video-surveillance"]}, SURVEILLANCE),
        ({"items": ["3A001"]}, GENERAL),  # not a cyber-surveillance item
        ({"items": ["3A001", "5A001.j"]}, SURVEILLANCE),  # one of them is
    ],
)
def test_cyber_surveillance_items_weigh_liberties_and_press_above_physical_integrity(
    fields: dict[str, Any], record: float
) -> None:
    result = run(store_of(NOT_FREE_BUT_NO_TERROR), **fields)
    destination = result.factor(FactorKind.DESTINATION)
    assert destination.score == pytest.approx(record)
    reading = next(e for e in destination.evidence if e.label == "reading")
    assert ("surveillance reading" in reading.detail) is (record == SURVEILLANCE)
    assert any("reading" in p for p in result.reasoning)


def test_physical_integrity_keeps_its_weight_when_it_is_the_worse_evidence() -> None:
    # Killings and torture, but elections and a press that is not the worst: the general
    # reading is worse, and a cyber-surveillance item must not lower it.
    store = store_of({PHYSICAL: 0.9, LIBERTIES: 0.3, PRESS: 0.2})
    general = 0.4 * 0.9 + 0.4 * 0.3 + 0.2 * 0.2
    assert run(store).factor(FactorKind.DESTINATION).score == pytest.approx(general)
    assert run(store, items=["3A001"]).factor(FactorKind.DESTINATION).score == pytest.approx(
        general
    )


def test_default_surveillance_weights_put_liberties_and_press_at_least_at_physical_integrity() -> (
    None
):
    weights = {g.key: g.weight_for(surveillance=True) for g in DEFAULT_GROUPS}
    assert weights["civil-political-liberties"] >= weights["physical-integrity"]
    assert weights["expression-and-digital"] >= weights["physical-integrity"]
    general = {g.key: g.weight for g in DEFAULT_GROUPS}
    assert general == {
        "physical-integrity": 0.4,
        "civil-political-liberties": 0.4,
        "expression-and-digital": 0.2,
    }


def test_a_configuration_stored_before_surveillance_weights_reads_the_record_one_way() -> None:
    stored = [
        {"key": g.key, "title": g.title, "weight": g.weight, "indicators": list(g.indicators)}
        for g in DEFAULT_GROUPS
    ]
    config = RiskConfig.from_dict({"groups": stored})
    assert all(g.surveillance_weight is None for g in config.groups)
    result = run(store_of(NOT_FREE_BUT_NO_TERROR), config)
    assert result.factor(FactorKind.DESTINATION).score == pytest.approx(GENERAL)
    assert RiskConfig.from_dict(config.to_dict()) == config


# -- intrusive technology raises the score above the record -----------------------------------


def test_the_anchor_most_intrusive_to_intelligence_is_high_where_free_ends() -> None:
    """T = U = 1 and a record of 1/3 (Freedom House mean rating 3.0, where "Free" ends): 0.50."""
    store = store_of({PHYSICAL: 1 / 3, LIBERTIES: 1 / 3, PRESS: 1 / 3})
    result = run(store, items=["4D004"], end_user_type="intelligence")
    assert result.score == pytest.approx(0.5)
    assert result.rating is Rating.HIGH
    technology = result.factor(FactorKind.TECHNOLOGY)
    assert any(e.label == "intrusiveness uplift" for e in technology.evidence)
    assert result.score > result.factor(FactorKind.DESTINATION).score


def test_without_the_uplift_the_score_never_exceeds_the_record() -> None:
    config = RiskConfig.from_dict({"intrusion_uplift": 0.0})
    store = store_of(NOT_FREE_BUT_NO_TERROR)
    result = run(store, config, items=["4D004"], end_user_type="intelligence")
    assert result.score == pytest.approx(result.factor(FactorKind.DESTINATION).score)


@pytest.mark.parametrize(
    ("category", "rate"),
    [
        (TechnologyCategory.VIDEO_SURVEILLANCE, 0.0),
        (TechnologyCategory.FORENSICS, 0.0),  # the device in hand: no uplift
        (TechnologyCategory.FACIAL_RECOGNITION, 0.75 * 0.6),
        (TechnologyCategory.INTERCEPTION, 0.75 * 0.8),
        (TechnologyCategory.INTRUSION, 0.75),
        (TechnologyCategory.MONITORING_CENTRE, 0.75),
    ],
)
def test_uplift_rate_grows_with_intrusiveness_above_forensics(
    category: TechnologyCategory, rate: float
) -> None:
    assert uplift_rate(DEFAULT_CONFIG.technology[category], DEFAULT_CONFIG) == pytest.approx(rate)


def test_no_uplift_for_technology_at_or_below_forensics() -> None:
    result = run(store_of(NOT_FREE_BUT_NO_TERROR), items=["5A004.b"], end_user_type="police")
    assert not any(
        e.label == "intrusiveness uplift" for e in result.factor(FactorKind.TECHNOLOGY).evidence
    )
    assert result.score <= result.factor(FactorKind.DESTINATION).score + 1e-12


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"uplift_from": 1.0}, "uplift_from"),
        ({"intrusion_uplift": 1.5}, "intrusion_uplift"),
        (
            {
                "groups": [
                    {
                        "key": "x",
                        "title": "X",
                        "weight": 0.5,
                        "indicators": ["pts.amnesty"],
                        "surveillance_weight": 2,
                    }
                ]
            },
            "groups[0].surveillance_weight",
        ),
        (
            {
                "groups": [
                    {
                        "key": "x",
                        "title": "X",
                        "weight": 0.5,
                        "indicators": ["pts.amnesty"],
                        "surveillance_weight": 0,
                    }
                ]
            },
            "groups",
        ),
    ],
)
def test_bad_revision_2_settings_name_the_field(data: dict[str, Any], field: str) -> None:
    from licentia.errors import InvalidInput

    with pytest.raises(InvalidInput) as raised:
        RiskConfig.from_dict(data)
    assert raised.value.details["field"] == field


# -- contributions add up ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"items": ["4D004"], "end_user_type": "intelligence"},
        {"items": ["5D001.e"]},
        {"items": ["3A001"], "end_user_type": "private"},
        {"items": [], "categories": ["facial-recognition", "forensics"], "end_user_type": "police"},
        {"items": ["5A001.f"], "flags": ["previous-misuse"], "prior_denials": []},
        {
            "items": ["4D004"],
            "flags": ["covert-capabilities"],
            "screening_hits": [{"source": "EU FSF", "name": "X", "score": 0.8}],
        },
    ],
)
def test_contributions_add_up_to_the_score_with_the_uplift(fields: dict[str, Any]) -> None:
    # A deterioration too, so that the trend contributes.
    store = store_of(NOT_FREE_BUT_NO_TERROR, latest={LIBERTIES: 0.95, PRESS: 0.9})
    result = run(store, **fields)
    assert result.factor(FactorKind.TREND).contribution > 0
    assert sum(f.contribution for f in result.factors) == pytest.approx(result.score)


# -- monotonicity ------------------------------------------------------------------------------

risk = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
step = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
technologies = st.sampled_from(
    [*(["categories", c.value] for c in TechnologyCategory), ["items", "3A001"]]
)
end_users = st.sampled_from([None, *(t.value for t in PartyType)])


def _fields(technology: list[str], end_user: str | None) -> dict[str, Any]:
    kind, value = technology
    return {"items": [value] if kind == "items" else [], kind: [value], "end_user_type": end_user}


def _intrusiveness(technology: list[str]) -> float:
    kind, value = technology
    if kind == "items":
        return DEFAULT_CONFIG.other_item
    return DEFAULT_CONFIG.technology[TechnologyCategory(value)]


def _exposure(end_user: str | None) -> float:
    if end_user is None:
        return DEFAULT_CONFIG.undeclared_end_user
    return DEFAULT_CONFIG.end_user[PartyType(end_user)]


MONOTONE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@MONOTONE
@given(
    values=st.tuples(risk, risk, risk),
    which=st.sampled_from([PHYSICAL, LIBERTIES, PRESS]),
    worse=step,
    latest_only=st.booleans(),
    technology=technologies,
    end_user=end_users,
)
def test_worse_evidence_never_lowers_the_score_or_the_rating(
    values: tuple[float, float, float],
    which: str,
    worse: float,
    latest_only: bool,
    technology: list[str],
    end_user: str | None,
) -> None:
    record = dict(zip((PHYSICAL, LIBERTIES, PRESS), values, strict=True))
    worsened = min(1.0, record[which] + worse)
    before = run(store_of(record), **_fields(technology, end_user))
    after = run(
        store_of(record, latest={which: worsened})
        if latest_only
        else store_of({**record, which: worsened}),
        **_fields(technology, end_user),
    )
    assert after.status is before.status is AssessmentStatus.ASSESSED
    assert after.score >= before.score - 1e-12
    assert rank(after.rating) >= rank(before.rating)


@MONOTONE
@given(
    values=st.tuples(risk, risk, risk),
    first=technologies,
    second=technologies,
    end_user=end_users,
)
def test_more_intrusive_technology_never_lowers_the_score_or_the_rating(
    values: tuple[float, float, float],
    first: list[str],
    second: list[str],
    end_user: str | None,
) -> None:
    less, more = sorted((first, second), key=_intrusiveness)
    store = store_of(dict(zip((PHYSICAL, LIBERTIES, PRESS), values, strict=True)))
    lower = run(store, **_fields(less, end_user))
    higher = run(store, **_fields(more, end_user))
    assert higher.score >= lower.score - 1e-12
    assert rank(higher.rating) >= rank(lower.rating)


@MONOTONE
@given(
    values=st.tuples(risk, risk, risk),
    technology=technologies,
    first=end_users,
    second=end_users,
)
def test_a_more_exposed_end_user_never_lowers_the_score_or_the_rating(
    values: tuple[float, float, float],
    technology: list[str],
    first: str | None,
    second: str | None,
) -> None:
    less, more = sorted((first, second), key=_exposure)
    store = store_of(dict(zip((PHYSICAL, LIBERTIES, PRESS), values, strict=True)))
    lower = run(store, **_fields(technology, less))
    higher = run(store, **_fields(technology, more))
    assert higher.score >= lower.score - 1e-12
    assert rank(higher.rating) >= rank(lower.rating)


def test_adding_an_item_never_lowers_the_score() -> None:
    store = store_of({PHYSICAL: 0.9, LIBERTIES: 0.2, PRESS: 0.1})
    alone = run(store, items=["3A001"], end_user_type="police")
    with_surveillance = run(store, items=["3A001", "5A001.j"], end_user_type="police")
    assert with_surveillance.score >= alone.score
