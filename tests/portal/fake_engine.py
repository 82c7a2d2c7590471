"""A stand-in for `licentia.transparency.services`, with the interface the portal reads.

Its values have the shapes of `licentia.reports.model` (tables of rows with keys and cells,
a table's fixed dimensions, suppression reason codes). Decisions are listed as plain rows;
`report` aggregates them per table, suppresses counts below `MINIMUM` with the reason code
`min-count`, and slices by `filters` as the engine does: a table without a filtered dimension
is left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MINIMUM = 3
COUNT = "decisions"
SMALL_CELL = "min-count"
SMALL_CELL_TEXT = "Fewer confidential decisions than the minimum count"

# id: (dimensions, fixed decision)
TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "decisions": (("decision",), ""),
    "by-member-state": (("member_state", "decision"), ""),
    "by-item-category": (("item_category", "decision"), ""),
    "by-destination": (("destination", "decision"), ""),
    "by-end-user-type": (("end_user_type", "decision"), ""),
    "by-destination-and-member-state": (("destination", "member_state", "decision"), ""),
    "s4-item-category": (("item_category", "member_state"), "granted"),
}


@dataclass(frozen=True)
class Cell:
    value: int | None
    suppressed: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Row:
    keys: Mapping[str, str]
    cells: Mapping[str, Cell]


@dataclass(frozen=True)
class TableInfo:
    id: str
    title: str
    description: str
    dimensions: tuple[str, ...] = ()
    fixed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Table:
    info: TableInfo
    rows: tuple[Row, ...]

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def dimensions(self) -> tuple[str, ...]:
        return self.info.dimensions


@dataclass(frozen=True)
class Report:
    year: int
    published_until: dt.date
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Publication:
    id: str
    year: int
    title: str
    summary: str
    published_at: dt.datetime
    data_version: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str


@dataclass
class FakeEngine:
    """Decisions: (year, member_state, destination, item_category, end_user_type, decision)."""

    decisions: list[tuple[int, str, str, str, str, str]]
    published: list[Publication] = field(default_factory=list)
    delay_days: int = 14
    calls: Counter[str] = field(default_factory=Counter)

    def report(self, *, year: int, filters: Mapping[str, str] | None = None) -> Report:
        self.calls["report"] += 1
        chosen = [
            dict(
                zip(
                    ("year", "member_state", "destination", "item_category", "end_user_type"),
                    d[:5],
                    strict=True,
                ),
                decision=d[5],
            )
            for d in self.decisions
            if d[0] == year
        ]
        for key, value in (filters or {}).items():
            chosen = [d for d in chosen if d[key] == value]
        tables = []
        for info in self.tables():
            dims, fixed = TABLES[info.id]
            if any(key not in dims for key in filters or {}):
                continue
            counts = Counter(
                tuple(str(d[k]) for k in dims)
                for d in chosen
                if not fixed or d["decision"] == fixed
            )
            rows = tuple(
                Row(
                    dict(zip(dims, keys, strict=True)),
                    {COUNT: Cell(None, True, SMALL_CELL) if n < MINIMUM else Cell(n, False, "")},
                )
                for keys, n in sorted(counts.items())
            )
            tables.append(Table(info, rows))
        return Report(year, dt.date(year, 12, 31), tuple(tables))

    def release_date(self) -> dt.date:
        return dt.date.today()

    def tables(self) -> list[TableInfo]:
        return [
            TableInfo(
                t,
                "Decisions " + t.replace("-", " "),
                f"Decisions: {t}",
                dims,
                (("decision", fixed),) if fixed else (),
            )
            for t, (dims, fixed) in TABLES.items()
        ]

    def data_dictionary(self) -> list[Field]:
        return [
            Field("year", "integer", "Year of the decision"),
            Field("destination", "string", "ISO 3166-1 alpha-2 code of the destination"),
            Field("decisions", "integer", "Number of decisions; empty when suppressed"),
            Field("suppressed", "boolean", "Whether the count is withheld"),
            Field("reason", "string", "Why the count is withheld"),
        ]

    def publications(self) -> list[Publication]:
        return list(self.published)

    def export(self, table: str, format: str, *, year: int) -> bytes:
        self.calls["export"] += 1
        found = next(t for t in self.report(year=year).tables if t.id == table)
        records = [
            {
                **row.keys,
                COUNT: row.cells[COUNT].value,
                "suppressed": row.cells[COUNT].suppressed,
                "reason": row.cells[COUNT].reason,
            }
            for row in found.rows
        ]
        if format == "json":
            return json.dumps({"table": table, "year": year, "rows": records}).encode()
        if format == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, [*found.dimensions, COUNT, "suppressed", "reason"])
            writer.writeheader()
            writer.writerows(records)
            return out.getvalue().encode()
        return b"PAR1fake-parquet-PAR1"


def sample(years: Sequence[int] = (2025, 2026)) -> FakeEngine:
    decisions = []
    for year in years:
        decisions += [(year, "DE", "CN", "5A001.f", "police", "granted")] * 7
        decisions += [(year, "DE", "CN", "4A005", "intelligence", "refused")] * 4
        decisions += [(year, "FR", "CN", "5A001.j", "telecom-operator", "granted")] * 2
        decisions += [(year, "FR", "US", "5D001.e", "private", "granted")] * 9
        decisions += [(year, "NL", "AE", "5A001.f", "police", "granted")] * 5
    published = [
        Publication(
            f"decisions-{year}-q3",
            year,
            f"Decisions {year}",
            f"Licences granted and refused in {year}",
            dt.datetime(year, 10, 1, 9, 0, tzinfo=dt.UTC),
            f"v{year}",
        )
        for year in years
    ]
    return FakeEngine(decisions, published)
