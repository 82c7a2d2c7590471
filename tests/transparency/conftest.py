from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Reports are cached per data version; a rolled-back database may reuse one."""
    cache.clear()
    yield
    cache.clear()
