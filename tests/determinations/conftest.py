"""Shared fixtures: the curated excerpt of Annex I stored, and transaction documents."""

from __future__ import annotations

from typing import Any

import pytest

from licentia.controllists import services as controls
from licentia.controllists.models import ControlListVersion


@pytest.fixture
def curated(db: None) -> ControlListVersion:
    return controls.import_curated().list_version


def transaction(**changes: Any) -> dict[str, Any]:
    """A German exporter's export of an IP interception system (5A001.j) to Brazil."""
    return {
        "exporter": {"established_in": "DE"},
        "activity": "export",
        "date": "2026-03-01",
        "items": [{"entry": "5A001.j"}],
        "destination": "BR",
        "parties": [{"role": "end-user", "type": "telecom-operator"}],
    } | changes
