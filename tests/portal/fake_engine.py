"""A stand-in for `licentia.transparency.services`, with the interface the portal reads.

Decisions are listed as plain rows; `report` aggregates them per table and suppresses counts
below `MINIMUM` as the report engine does, naming the reason.
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
SMALL_CELL = f"small cell: fewer than {MINIMUM} decisions"

TABLES = {
    "decisions": ("decision",),
    "by-destination": ("destination", "decision"),
    "by-member-state": ("member_state", "decision"),
    "by-item-category": ("item_category", "decision"),
    "by-end-user-type": ("end_user_type", "decision"),
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
class Table:
    id: str
    title: str
    description: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Report:
    year: int
    data_version: str
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


@dataclass(frozen=True)
class TableInfo:
    id: str
    title: str
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
        for table_id, dims in TABLES.items():
            counts = Counter(tuple(str(d[k]) for k in dims) for d in chosen)
            rows = tuple(
                Row(
                    dict(zip(dims, keys, strict=True)),
                    {
                        "decisions": Cell(None, True, SMALL_CELL)
                        if n < MINIMUM
                        else Cell(n, False, "")
                    },
                )
                for keys, n in sorted(counts.items())
            )
            tables.append(
                Table(
                    table_id,
                    table_id.replace("-", " ").capitalize(),
                    "",
                    dims,
                    ("decisions",),
                    rows,
                )
            )
        return Report(year, self.version(), dt.date(year, 12, 31), tuple(tables))

    def version(self) -> str:
        return self.published[-1].data_version if self.published else "empty"

    def tables(self) -> list[TableInfo]:
        return [TableInfo(t, t.replace("-", " ").capitalize(), f"Decisions by {t}") for t in TABLES]

    def data_dictionary(self) -> list[Field]:
        return [
            Field("year", "integer", "Year of the decision"),
            Field("destination", "string", "ISO 3166-1 alpha-2 code of the destination"),
            Field("decisions", "integer", "Number of decisions; empty when suppressed"),
            Field("suppressed", "boolean", "Whether the count is withheld"),
            Field("suppression_reason", "string", "Why the count is withheld"),
        ]

    def publications(self) -> list[Publication]:
        return list(self.published)

    def export(self, table: str, format: str, *, year: int) -> bytes:
        self.calls["export"] += 1
        found = next(t for t in self.report(year=year).tables if t.id == table)
        records = [
            {
                **row.keys,
                "decisions": row.cells["decisions"].value,
                "suppressed": row.cells["decisions"].suppressed,
                "suppression_reason": row.cells["decisions"].reason,
            }
            for row in found.rows
        ]
        if format == "json":
            return json.dumps({"table": table, "year": year, "rows": records}).encode()
        if format == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(
                out, [*found.dimensions, "decisions", "suppressed", "suppression_reason"]
            )
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
