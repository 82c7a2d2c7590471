"""The portal over a stand-in report engine (tests/portal/fake_engine.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from licentia.portal import services
from tests.portal.fake_engine import FakeEngine, sample


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    engine = sample()
    monkeypatch.setattr(services, "engine", lambda: engine)
    return engine
