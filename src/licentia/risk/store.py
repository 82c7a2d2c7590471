"""An in-memory `IndicatorStore`: for tests, benchmarks and the CLI over files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from licentia.risk.model import Indicator, IndicatorFile, Observation


class MemoryStore:
    """Indicators and observations held in dictionaries; a later file replaces a value of the
    same indicator, country and year (a newer edition corrects an older one)."""

    def __init__(
        self, indicators: Iterable[Indicator] = (), observations: Iterable[Observation] = ()
    ) -> None:
        self._indicators: dict[str, Indicator] = {}
        self._values: dict[tuple[str, str], dict[int, Observation]] = defaultdict(dict)
        self.add(indicators, observations)

    @classmethod
    def of_files(cls, files: Iterable[IndicatorFile]) -> MemoryStore:
        store = cls()
        for file in files:
            store.add(file.indicators, file.observations)
        return store

    def add(self, indicators: Iterable[Indicator], observations: Iterable[Observation]) -> None:
        for indicator in indicators:
            self._indicators[indicator.key] = indicator
        for observation in observations:
            if observation.indicator not in self._indicators:
                raise ValueError(f"observation of unknown indicator {observation.indicator!r}")
            self._values[(observation.indicator, observation.country)][observation.year] = (
                observation
            )

    def indicators(self) -> Sequence[Indicator]:
        return tuple(self._indicators.values())

    def series(self, indicator: str, country: str) -> Sequence[Observation]:
        by_year = self._values.get((indicator, country), {})
        return tuple(by_year[year] for year in sorted(by_year))
