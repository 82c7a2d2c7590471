"""Reading a publisher's country-year CSV strictly, and collecting what it holds.

`Table` decodes the whole file (indicator files are at most a few MB), checks the delimiter,
the header and every row's length, and hands out rows with their line numbers. `Collector`
turns rows into `Observation` values: it maps countries (reporting failures once per name),
parses years and numbers, rejects duplicates and out-of-range values, and builds the
`IndicatorFile` with the file's provenance. Every problem is an `ImportFailed` naming the
file, the line and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from licentia.errors import ImportFailed
from licentia.risk.indicators.countries import Unmapped, resolve
from licentia.risk.model import Edition, Indicator, IndicatorFile, MappingFailure, Observation

# Spellings of "no value" in the publishers' files (R's NA, Stata's ".", empty).
MISSING = frozenset({"", "NA", "N/A", "#N/A", "NaN", "nan", ".", ".."})
_MAX_ROW_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # the line of a CSV file, or the record number of a JSON file
    values: Mapping[str, str]
    unit: str = "line"

    @property
    def position(self) -> str:
        return f"{self.unit} {self.line}"


@dataclass(frozen=True, slots=True)
class Source:
    """The file being read and what the caller said about it."""

    path: Path
    retrieved_on: dt.date | None
    column_mapping: Mapping[str, object] | None

    @property
    def name(self) -> str:
        return str(self.path)

    def fail(
        self, message: str, *, position: str | None = None, field: str | None = None
    ) -> NoReturn:
        raise ImportFailed(message, source=self.name, position=position, field=field)


class Table:
    """A delimited file with a header row, read and checked as a whole."""

    def __init__(
        self,
        source: Source,
        *,
        delimiter: str = ",",
        encodings: Sequence[str] = ("utf-8-sig",),
    ) -> None:
        self.source = source
        raw, self.checksum = read_bytes(source)
        text = _decode(raw, encodings, source.name)
        if not text.strip():
            source.fail("the file is empty", position="line 1")
        self.delimiter = delimiter
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise ImportFailed(
                f"malformed CSV: {exc}", source=source.name, position="line 1"
            ) from exc
        self.header = tuple(name.strip() for name in header)
        if len(self.header) < 2:
            other = ";" if delimiter == "," else ","
            hint = (
                f"; it looks {other!r}-separated"
                if other in self.header[0]
                else "; is this the right file?"
            )
            source.fail(
                f"the header has one column only, expected {delimiter!r}-separated columns{hint}",
                position="line 1",
                field="header",
            )
        self._reader = reader
        self.line_count = text.count("\n") + (0 if text.endswith("\n") else 1)

    @property
    def end(self) -> str:
        return f"line {self.line_count}"

    def require(self, *candidates: str, role: str) -> str:
        """The header name of a required column, the first of `candidates` present."""
        found = self.find(*candidates)
        if found is None:
            self.source.fail(
                f"the {role} column is missing; expected one of {', '.join(candidates)}; "
                f"the header has {', '.join(self.header)}",
                position="line 1",
                field=candidates[0],
            )
        return found

    def find(self, *candidates: str) -> str | None:
        folded = {name.casefold(): name for name in self.header}
        for candidate in candidates:
            if candidate.casefold() in folded:
                return folded[candidate.casefold()]
        return None

    def rows(self) -> Iterator[Row]:
        """Every data row with its line number; blank lines are skipped."""
        width = len(self.header)
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.source.fail(f"malformed CSV: {exc}", position=f"line {self._reader.line_num}")
            line = self._reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                self.source.fail(
                    f"the row has {len(cells)} fields, the header {width}"
                    + (" (the file may be truncated)" if line >= self.line_count else ""),
                    position=f"line {line}",
                    field=self.header[len(cells)] if len(cells) < width else None,
                )
            if sum(map(len, cells)) > _MAX_ROW_CHARS:
                self.source.fail("the row is implausibly long", position=f"line {line}")
            yield Row(line, dict(zip(self.header, (cell.strip() for cell in cells), strict=True)))


def read_bytes(source: Source) -> tuple[bytes, str]:
    """The file's bytes and their SHA-256."""
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read the file: {exc.strerror}", source=source.name) from exc
    return raw, hashlib.sha256(raw).hexdigest()


def _decode(raw: bytes, encodings: Sequence[str], source: str) -> str:
    error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
    assert error is not None
    line = raw[: error.start].count(b"\n") + 1
    raise ImportFailed(
        f"the file is not in the expected encoding ({' or '.join(encodings)}): byte "
        f"0x{raw[error.start]:02x} cannot be decoded",
        source=source,
        position=f"line {line}",
        field="encoding",
    )


def number(row: Row, column: str, source: Source, *, decimal_comma: bool = False) -> float | None:
    """The cell as a float; None when the publisher wrote "no value"."""
    text = row.values[column]
    if text in MISSING:
        return None
    if decimal_comma:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        source.fail(f"{row.values[column]!r} is not a number", position=row.position, field=column)
    return value


def year(row: Row, column: str, source: Source) -> int:
    """The year as an int; publishers write "1972" or "1972.0"."""
    text = row.values[column]
    value = number(row, column, source) if text not in MISSING else None
    if value is None or value != int(value) or not 1800 <= value <= 2200:
        source.fail(f"{text!r} is not a year", position=row.position, field=column)
    return int(value)


@dataclass
class _Unresolved:
    name: str
    first_line: int
    position: str
    reason: str
    years: list[int] = field(default_factory=list)


class Collector:
    """Observations and mapping failures of one file, checked as they are added."""

    def __init__(
        self, file: Source, checksum: str, *, source: str, label: str, licence: str, url: str
    ) -> None:
        self.file = file
        self.checksum = checksum
        self.source_code = source
        self.label = label
        self.licence = licence
        self.url = url
        self._values: dict[tuple[str, str, int], tuple[float, int]] = {}
        self._unresolved: dict[str, _Unresolved] = {}
        self._indicators: dict[str, Indicator] = {}
        self._bounds: dict[str, tuple[float, float]] = {}
        self._countries: dict[tuple[str | None, str | None], str | Unmapped] = {}

    def indicator(self, indicator: Indicator, *, bounded: bool) -> Indicator:
        """Declare an indicator; a bounded one rejects values outside best..worst."""
        self._indicators[indicator.key] = indicator
        if bounded:
            low, high = sorted((indicator.best, indicator.worst))
            self._bounds[indicator.key] = (low, high)
        return indicator

    def country(
        self, row: Row, *, name: str | None, code: str | None = None, year: int | None = None
    ) -> str | None:
        """The row's ISO alpha-2 code, or None after recording why it has none."""
        key = (name or None, code or None)
        found = self._countries.get(key)
        if found is None:
            try:
                found = resolve(name=key[0], code=key[1], publisher=self.source_code)
            except Unmapped as exc:
                found = exc
            self._countries[key] = found
        if isinstance(found, str):
            return found
        label = " / ".join(part for part in key if part) or "(no country)"
        failure = self._unresolved.setdefault(
            label, _Unresolved(label, row.line, row.position, found.reason)
        )
        if year is not None:
            failure.years.append(year)
        return None

    def add(
        self, key: str, country: str, year: int, value: float | None, row: Row, column: str
    ) -> None:
        if value is None:
            return
        bounds = self._bounds.get(key)
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            self.file.fail(
                f"{value:g} is outside the scale of {key} ({bounds[0]:g}..{bounds[1]:g})",
                position=row.position,
                field=column,
            )
        earlier = self._values.get((key, country, year))
        if earlier is not None:
            self.file.fail(
                f"a second value of {key} for {country} {year} (the first is on line {earlier[1]})",
                position=row.position,
                field=column,
            )
        self._values[(key, country, year)] = (value, row.line)

    def result(self, end: str) -> IndicatorFile:
        """The file's content; `end` is the position of its end, for "no values" errors."""
        if not self._values:
            self.file.fail(
                "the file holds no value that could be imported"
                + (" (no country could be mapped)" if self._unresolved else ""),
                position=end,
            )
        years = sorted({year for (_, _, year) in self._values})
        edition = Edition(
            source=self.source_code,
            label=f"{self.label} {years[0]}-{years[-1]} ({self.file.path.name})",
            licence=self.licence,
            url=self.url,
            retrieved_on=self.file.retrieved_on or _modified(self.file.path),
            checksum=self.checksum,
        )
        observations = tuple(
            Observation(key, country, year, value, edition)
            for (key, country, year), (value, _) in sorted(self._values.items())
        )
        used = {key for (key, _, _) in self._values}
        failures = tuple(
            MappingFailure(
                name=entry.name,
                position=entry.position,
                reason=entry.reason + _rows_note(entry.years),
            )
            for entry in sorted(self._unresolved.values(), key=lambda e: e.first_line)
        )
        return IndicatorFile(
            edition=edition,
            indicators=tuple(i for key, i in self._indicators.items() if key in used),
            observations=observations,
            failures=failures,
        )


def _rows_note(years: list[int]) -> str:
    if not years:
        return ""
    first, last = min(years), max(years)
    span = str(first) if first == last else f"{first}-{last}"
    return f"; {len(years)} row(s), {span}, not imported"


def _modified(path: Path) -> dt.date:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).date()
