"""The risk model over the real indicator files of ../shared/data/human-rights (skipped when absent)."""

from __future__ import annotations

from functools import cache

import pytest

from licentia.risk.assess import (
    AssessmentStatus,
    EvidenceStatus,
    FactorKind,
    assess,
    request_from,
)
from licentia.risk.config import Rating
from licentia.risk.store import MemoryStore
from tests.conftest import shared_file

FILES = (
    ("pts-2024.csv", "pts"),
    ("freedom-house-fiw-ratings-1972-2024.csv", "fh-fiw"),
    ("wgi-voice-accountability-1996-2023.csv", "wgi-va"),
    ("vdem-v14-main-indices-1990-2023.csv", "vdem"),
)


@cache
def _store() -> MemoryStore:
    importers = pytest.importorskip("licentia.risk.indicators")
    return MemoryStore.of_files(
        importers.read_indicators(shared_file(f"human-rights/{name}"), fmt) for name, fmt in FILES
    )


@pytest.fixture
def store() -> MemoryStore:
    return _store()


def test_facial_recognition_for_chinese_public_security_in_2015_rates_high(
    store: MemoryStore,
) -> None:
    result = assess(
        request_from(
            {
                "destination": "CN",
                "date": "2015-12-31",
                "end_user_type": "police",
                "categories": ["facial-recognition"],
            }
        ),
        store,
    )
    assert result.rating in (Rating.HIGH, Rating.VERY_HIGH)
    used = [
        e
        for e in result.factor(FactorKind.DESTINATION).indicators
        if e.status is EvidenceStatus.USED
    ]
    assert {e.indicator.split(".")[0] for e in used} == {"pts", "fh", "wgi", "vdem"}
    assert all(e.year == 2015 and e.edition is not None for e in used)


def test_ip_monitoring_for_a_norwegian_operator_rates_low(store: MemoryStore) -> None:
    result = assess(
        request_from(
            {
                "destination": "NO",
                "date": "2022-12-31",
                "end_user_type": "telecom-operator",
                "items": ["5A001.j"],
            }
        ),
        store,
    )
    assert result.rating is Rating.LOW


def test_a_destination_the_publishers_do_not_cover_is_insufficient_data(
    store: MemoryStore,
) -> None:
    result = assess(
        request_from(
            {
                "destination": "AQ",
                "date": "2020-06-01",
                "end_user_type": "police",
                "items": ["4A005"],
            }
        ),
        store,
    )
    assert result.status is AssessmentStatus.INSUFFICIENT_DATA
    assert result.rating is None
