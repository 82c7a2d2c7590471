"""Business rules for stored indicator editions: import, activation, the store, country views.

An import reads and checks the whole file first (`licentia.risk.indicators`), so a malformed
file writes nothing. The edition, its indicators and values are then written in one
transaction that ends by superseding the source's active edition and activating the new one:
until that commit, the previous edition stays in use. A file whose checksum equals the active
edition's changes nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count

from licentia.errors import InvalidInput, NotFound
from licentia.indicators.models import (
    TRANSITIONS,
    EditionStatus,
    IndicatorDefinition,
    IndicatorEdition,
    IndicatorValue,
)
from licentia.reference.countries import all_countries, country
from licentia.risk.indicators import read_indicators
from licentia.risk.indicators.countries import country_name
from licentia.risk.model import Edition, Indicator, IndicatorFile, Observation

_BATCH = 5000


@dataclass(frozen=True)
class ImportResult:
    edition: IndicatorEdition
    created: bool

    def summary(self) -> str:
        edition = self.edition
        if not self.created:
            return f"{edition} is already the active edition with the same file; nothing changed."
        failures = len(edition.failures)
        return (
            f"Imported {edition}: {edition.value_count} values for {edition.country_count} "
            f"countries, {edition.first_year}-{edition.last_year}; "
            f"{failures} name(s) not mapped to a country"
            + (" (see `licentia indicators list --failures`)" if failures else "")
            + "."
        )


def transition(edition: IndicatorEdition, to: EditionStatus) -> None:
    """Move an edition to another status, if the state machine allows it."""
    current = EditionStatus(edition.status)
    if to not in TRANSITIONS[current]:
        raise InvalidInput(
            f"an indicator edition cannot go from {current.value} to {to.value}",
            details={"from": current.value, "to": to.value},
        )
    edition.status = to.value
    edition.save(update_fields=["status"])


def import_indicators(
    path: str | Path,
    file_format: str,
    *,
    retrieved_on: dt.date | None = None,
    column_mapping: Mapping[str, object] | None = None,
) -> ImportResult:
    """Import an indicator file; nothing is written unless all of it is valid."""
    path = Path(path)
    read = read_indicators(
        path, file_format, retrieved_on=retrieved_on, column_mapping=column_mapping
    )
    active = active_editions().get(read.edition.source)
    if active is not None and active.checksum == read.edition.checksum:
        return ImportResult(active, created=False)
    with transaction.atomic():
        edition = _store(read, file_format=file_format, file_name=path.name, previous=active)
    return ImportResult(edition, created=True)


def _store(
    read: IndicatorFile, *, file_format: str, file_name: str, previous: IndicatorEdition | None
) -> IndicatorEdition:
    years = [o.year for o in read.observations]
    edition = IndicatorEdition.objects.create(
        source=read.edition.source,
        format=file_format,
        label=read.edition.label[:300],
        licence=read.edition.licence,
        url=read.edition.url,
        retrieved_on=read.edition.retrieved_on,
        checksum=read.edition.checksum,
        file_name=file_name[:300],
        value_count=len(read.observations),
        country_count=len({o.country for o in read.observations}),
        first_year=min(years),
        last_year=max(years),
        failures=[
            {"name": f.name, "position": f.position, "reason": f.reason} for f in read.failures
        ],
        previous=previous,
    )
    IndicatorDefinition.objects.bulk_create(
        IndicatorDefinition(
            edition=edition,
            key=i.key,
            title=i.title,
            best=i.best,
            worst=i.worst,
            unit=i.unit,
            description=i.description,
        )
        for i in read.indicators
    )
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(
                edition=edition,
                indicator=o.indicator,
                country=o.country,
                year=o.year,
                value=o.value,
            )
            for o in read.observations
        ),
        batch_size=_BATCH,
    )
    if previous is not None:
        transition(previous, EditionStatus.SUPERSEDED)
    transition(edition, EditionStatus.ACTIVE)
    return edition


def active_editions() -> dict[str, IndicatorEdition]:
    """The active edition of each source, by source code."""
    return {
        edition.source: edition
        for edition in IndicatorEdition.objects.filter(status=EditionStatus.ACTIVE.value)
    }


def editions(*, source: str | None = None) -> list[IndicatorEdition]:
    """Every stored edition, newest first within each source."""
    found = IndicatorEdition.objects.all()
    if source is not None:
        found = found.filter(source=source)
    return list(found)


def get_edition(*, pk: int) -> IndicatorEdition:
    try:
        return IndicatorEdition.objects.get(pk=pk)
    except IndicatorEdition.DoesNotExist as exc:
        raise NotFound(f"no indicator edition #{pk} is stored") from exc


def edition_of(stored: IndicatorEdition) -> Edition:
    """The provenance of a stored edition, as the risk model cites it."""
    return Edition(
        source=stored.source,
        label=stored.label,
        licence=stored.licence,
        url=stored.url,
        retrieved_on=stored.retrieved_on,
        checksum=stored.checksum,
    )


class DatabaseStore:
    """The values of one set of active editions, read one country at a time and kept."""

    def __init__(self, stored: Sequence[IndicatorEdition]) -> None:
        self._editions = {e.pk: edition_of(e) for e in stored}
        definitions = IndicatorDefinition.objects.filter(edition__in=list(self._editions)).order_by(
            "edition__source", "key"
        )
        self._indicators = tuple(
            Indicator(
                key=d.key,
                source=self._editions[d.edition_id].source,
                title=d.title,
                best=d.best,
                worst=d.worst,
                unit=d.unit,
                description=d.description,
            )
            for d in definitions
        )
        self._edition_of = {d.key: self._editions[d.edition_id] for d in definitions}
        self._countries: dict[str, dict[str, tuple[Observation, ...]]] = {}
        self._lock = threading.Lock()

    def indicators(self) -> Sequence[Indicator]:
        return self._indicators

    def edition(self, indicator: str) -> Edition | None:
        """The edition an indicator's values come from."""
        return self._edition_of.get(indicator)

    def series(self, indicator: str, country: str) -> Sequence[Observation]:
        """Every observation of one indicator for one country, oldest year first."""
        return self.country(country).get(indicator, ())

    def country(self, code: str) -> Mapping[str, tuple[Observation, ...]]:
        """Every series of one country, by indicator key (one query, then kept)."""
        key = code.strip().upper()
        with self._lock:
            found = self._countries.get(key)
            if found is None:
                found = self._countries[key] = self._load(key)
        return found

    def _load(self, code: str) -> dict[str, tuple[Observation, ...]]:
        rows = (
            IndicatorValue.objects.filter(edition__in=list(self._editions), country=code)
            .order_by("indicator", "year")
            .values_list("edition_id", "indicator", "year", "value")
        )
        series: dict[str, list[Observation]] = defaultdict(list)
        for edition, indicator, year, value in rows:
            series[indicator].append(
                Observation(indicator, code, year, value, self._editions[edition])
            )
        return {key: tuple(values) for key, values in series.items()}


_cache: tuple[tuple[tuple[int, str, dt.datetime], ...], DatabaseStore] | None = None
_cache_lock = threading.Lock()


def store() -> DatabaseStore:
    """The `IndicatorStore` over the active editions; kept while that set does not change.

    `DatabaseStore` implements `licentia.risk.model.IndicatorStore` (`indicators()`,
    `series(indicator, country)`) and adds `edition(indicator)` and `country(code)`.
    """
    global _cache
    # Keys are ids with checksum and import time: an id alone may be reused after a rollback.
    active = tuple(
        IndicatorEdition.objects.filter(status=EditionStatus.ACTIVE.value)
        .order_by("pk")
        .values_list("pk", "checksum", "imported_at")
    )
    with _cache_lock:
        if _cache is None or _cache[0] != active:
            stored = IndicatorEdition.objects.filter(pk__in=[pk for pk, _, _ in active])
            _cache = (active, DatabaseStore(list(stored)))
        return _cache[1]


def country_code(code: str) -> str:
    """A country code as stored (ISO alpha-2, or XK); alpha-3 and EU codes are accepted."""
    return country(code).alpha2


@dataclass(frozen=True)
class IndicatorHistory:
    indicator: Indicator
    edition: Edition | None
    observations: tuple[Observation, ...]

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None


@dataclass(frozen=True)
class CountryIndicators:
    code: str
    name: str
    histories: tuple[IndicatorHistory, ...]

    @property
    def with_data(self) -> tuple[IndicatorHistory, ...]:
        return tuple(h for h in self.histories if h.observations)

    @property
    def without_data(self) -> tuple[IndicatorHistory, ...]:
        return tuple(h for h in self.histories if not h.observations)


def country_series(country: str) -> CountryIndicators:
    """Every active indicator for one country over time; indicators without data are listed."""
    code = country_code(country)
    current = store()
    series = current.country(code)
    return CountryIndicators(
        code=code,
        name=country_name(code),
        histories=tuple(
            IndicatorHistory(
                indicator=indicator,
                edition=current.edition(indicator.key),
                observations=series.get(indicator.key, ()),
            )
            for indicator in current.indicators()
        ),
    )


@dataclass(frozen=True)
class CountryCoverage:
    code: str
    name: str
    indicators: int


def countries() -> list[CountryCoverage]:
    """Every ISO country (and Kosovo) with how many active indicators have data for it."""
    counts = dict(
        IndicatorValue.objects.filter(edition__status=EditionStatus.ACTIVE.value)
        .values_list("country")
        .annotate(n=Count("indicator", distinct=True))
        .values_list("country", "n")
    )
    listed = [(c.alpha2, c.name) for c in all_countries()]
    return sorted(
        (CountryCoverage(code, name, counts.get(code, 0)) for code, name in listed),
        key=lambda c: c.name,
    )
