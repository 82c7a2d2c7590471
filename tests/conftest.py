"""Test configuration: settings come from the environment before Django is imported."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A real publisher file from ../shared/data, or skip the test saying why."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared reference file {path} is absent (only present beside the project)")
    return path
