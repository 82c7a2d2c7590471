"""Country-year human-rights indicators with their provenance, as every importer returns them.

An `Observation` is one value of one indicator for one country and year; it always points to
the `Edition` it came from (publisher, edition label, licence, retrieval date, checksum), so a
rating can cite exactly what it used. `IndicatorStore` is what the risk model reads: the Django
app implements it over the database, tests and benchmarks over files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator series: `key` is stable (`pts.amnesty`, `vdem.v2x_libdem`, `fh.total`).

    `worst` and `best` are the ends of its scale, so every value can be placed on a common
    0 (best) .. 1 (worst) risk scale whatever the publisher's direction.
    """

    key: str
    source: str
    title: str
    best: float
    worst: float
    unit: str = ""
    description: str = ""

    def risk(self, value: float) -> float:
        """The value on the 0 (best) .. 1 (worst) scale, clipped to the scale's ends."""
        span = self.worst - self.best
        return min(1.0, max(0.0, (value - self.best) / span))


@dataclass(frozen=True, slots=True)
class Edition:
    """A release of a publisher's data set, as imported."""

    source: str  # publisher code: pts, vdem, fh, wgi, rsf, fariss, or an operator's name
    label: str  # the publisher's edition name: "PTS 2024", "V-Dem v14"
    licence: str
    url: str
    retrieved_on: dt.date
    checksum: str  # sha256 of the file imported


@dataclass(frozen=True, slots=True)
class Observation:
    indicator: str  # Indicator.key
    country: str  # ISO 3166-1 alpha-2
    year: int
    value: float
    edition: Edition


@dataclass(frozen=True, slots=True)
class MappingFailure:
    """A row whose country could not be mapped to an ISO code: reported, never guessed."""

    name: str
    position: str  # e.g. "line 4711"
    reason: str


@dataclass(frozen=True, slots=True)
class IndicatorFile:
    """What an importer read from one file."""

    edition: Edition
    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    failures: tuple[MappingFailure, ...]


class IndicatorStore(Protocol):
    """The indicator values the risk model may use."""

    def indicators(self) -> Sequence[Indicator]: ...

    def series(self, indicator: str, country: str) -> Sequence[Observation]:
        """Every observation of one indicator for one country, oldest year first."""
        ...
