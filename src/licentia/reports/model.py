"""The report's values: decision facts in, tables of published and suppressed cells out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from licentia.errors import InvalidInput

TOTAL = "total"  # the key of a marginal total: Union level for member_state, all for others


class Decision(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    NO_LICENCE_REQUIRED = "no-licence-required"


class Reason(StrEnum):
    """Why a cell is withheld; published with the cell so readers know data was withheld."""

    MIN_COUNT = "min-count"
    DOMINANCE = "dominance"
    COMPLEMENTARY = "complementary"

    @property
    def description(self) -> str:
        return {
            Reason.MIN_COUNT: "Fewer confidential decisions than the minimum count",
            Reason.DOMINANCE: "One or two exporters hold most of the value (dominance rule)",
            Reason.COMPLEMENTARY: "Withheld so that another withheld cell cannot be "
            "recovered by subtracting published totals",
        }[self]


ROW_DIMENSIONS = ("item_category", "destination", "licence_type", "end_user_type")
MEASURES = ("decisions", "value_eur")


@dataclass(frozen=True, slots=True)
class Fact:
    """One decision line: a decision for one destination and one item type.

    `exporter` is an opaque key used only for the dominance rule and never published.
    `public` marks a decision its authority chose to publish in full.
    """

    year: int
    member_state: str
    destination: str
    item_category: str
    licence_type: str
    decision: Decision
    end_user_type: str
    exporter: int
    value_eur: float
    number: int = 1
    public: bool = False


@dataclass(frozen=True, slots=True)
class Rules:
    """The confidentiality rules and their parameters."""

    min_count: int = 3
    dominance_n: int = 2
    dominance_k: float = 85.0

    def __post_init__(self) -> None:
        if self.min_count < 1:
            raise InvalidInput("min_count must be at least 1")
        if self.dominance_n not in (1, 2):
            raise InvalidInput("dominance_n must be 1 or 2")
        if not 0 < self.dominance_k <= 100:
            raise InvalidInput("dominance_k must be a percentage above 0 and at most 100")

    def describe(self) -> dict[str, Any]:
        return {
            "min_count": self.min_count,
            "dominance_n": self.dominance_n,
            "dominance_k": self.dominance_k,
            "complementary": "rectangles per 2-D subtable, certificates (see docs/transparency.md)",
        }


@dataclass(frozen=True, slots=True)
class Cell:
    value: float | None
    suppressed: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    keys: dict[str, str]
    cells: dict[str, Cell]
    total: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    title: str
    type: str  # "string", "integer", "number", "boolean"
    description: str


@dataclass(frozen=True, slots=True)
class TableInfo:
    """What a table is, without its data: the stable id, title and columns."""

    id: str
    title: str
    section: str
    description: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...] = MEASURES
    fixed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    info: TableInfo
    rows: tuple[Row, ...]
    totals: tuple[Row, ...]

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def description(self) -> str:
        return self.info.description

    @property
    def dimensions(self) -> tuple[str, ...]:
        return self.info.dimensions

    @property
    def measures(self) -> tuple[str, ...]:
        return self.info.measures

    def suppressed(self) -> list[tuple[Row, str, Cell]]:
        return [
            (row, name, cell)
            for row in (*self.rows, *self.totals)
            for name, cell in row.cells.items()
            if cell.suppressed
        ]


@dataclass(frozen=True, slots=True)
class Provenance:
    source: str
    generated_at: dt.datetime
    data_as_of: dt.date
    data_version: str
    rules: dict[str, Any]
    publication_delay_days: int
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "generated_at": self.generated_at.isoformat(),
            "data_as_of": self.data_as_of.isoformat(),
            "data_version": self.data_version,
            "suppression_rules": self.rules,
            "publication_delay_days": self.publication_delay_days,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class Report:
    year: int
    tables: tuple[Table, ...]
    provenance: Provenance
    filters: dict[str, str] = field(default_factory=dict)
    omitted: tuple[str, ...] = ()  # tables without a dimension a filter names

    @property
    def published_until(self) -> dt.date:
        return self.provenance.data_as_of

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)
