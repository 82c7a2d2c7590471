"""The configuration of the risk model, the red-flag catalogue and the technology categories."""

from __future__ import annotations

from typing import Any

import pytest

from licentia.controls.curated import load_curated
from licentia.controls.cyber import CYBER_SURVEILLANCE_PATHS
from licentia.errors import InvalidInput
from licentia.risk.config import DEFAULT_CONFIG, Bands, Rating, RiskConfig
from licentia.risk.flags import CATALOGUE, RECO_2019_1318, RECO_2024_2659, end_use_flags
from licentia.risk.technology import LISTED_CATEGORIES, TechnologyCategory
from licentia.rules.model import PartyType


def test_defaults_cover_every_category_end_user_and_flag() -> None:
    assert set(DEFAULT_CONFIG.technology) == set(TechnologyCategory)
    assert set(DEFAULT_CONFIG.end_user) == set(PartyType)
    assert set(DEFAULT_CONFIG.flag_weights) == {f.id for f in CATALOGUE}
    DEFAULT_CONFIG.check()


def test_every_listed_cyber_entry_and_curated_non_listed_kind_has_a_category() -> None:
    assert set(LISTED_CATEGORIES) == set(CYBER_SURVEILLANCE_PATHS)
    curated = {category.key for category in load_curated().non_listed}
    assert curated <= {c.value for c in TechnologyCategory}


def test_every_flag_cites_one_of_the_two_recommendations() -> None:
    for flag in CATALOGUE:
        assert RECO_2024_2659 in flag.citation or RECO_2019_1318 in flag.citation, flag.id
        assert 0 < flag.weight <= 1


def test_end_use_terms_match_whole_words_only() -> None:
    assert end_use_flags("Traffic management of the network") == []
    assert [f.id for f, _ in end_use_flags("identify PROTESTERS")] == ["targeting-protected-groups"]


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (0.0, Rating.LOW),
        (0.299, Rating.LOW),
        (0.3, Rating.MEDIUM),
        (0.5, Rating.HIGH),
        (0.7, Rating.VERY_HIGH),
        (1.0, Rating.VERY_HIGH),
    ],
)
def test_bands(score: float, rating: Rating) -> None:
    assert Bands().rating(score) is rating


def test_a_partial_override_keeps_the_other_defaults_and_round_trips() -> None:
    config = RiskConfig.from_dict(
        {
            "version": "nca-2",
            "technology": {"forensics": 0.8},
            "flag_weights": {"unusual-payment": 0.4},
        }
    )
    assert config.technology[TechnologyCategory.FORENSICS] == 0.8
    assert config.technology[TechnologyCategory.INTRUSION] == 1.0
    assert config.flag_weights["unusual-payment"] == 0.4
    assert config.bands == DEFAULT_CONFIG.bands
    assert RiskConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"colour": 1}, "colour"),
        ({"destination_share": 1.5}, "destination_share"),
        ({"destination_share": True}, "destination_share"),
        ({"technology": {"mind-reading": 0.5}}, "technology"),
        ({"end_user": {"police": "high"}}, "end_user.police"),
        ({"flag_weights": {"nope": 0.1}}, "flag_weights"),
        ({"bands": {"medium": 0.8}}, "bands"),
        ({"bands": {"extreme": 0.9}}, "bands"),
        ({"max_age_years": 2.5}, "max_age_years"),
        ({"min_indicators": 0}, "min_indicators"),
        ({"groups": [{"key": "x"}]}, "groups[0]"),
        ({"groups": []}, "groups"),
        ({"version": " "}, "version"),
    ],
)
def test_bad_settings_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        RiskConfig.from_dict(data)
    assert raised.value.details["field"] == field
