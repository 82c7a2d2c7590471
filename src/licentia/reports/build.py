"""Build the report: aggregate the cube of decisions, apply the confidentiality rules.

Cells. Every published figure is a cell: the sum of the decisions matching a key
(row dimension and value, Member State, decision, cyber-surveillance flag; any of them may be
"all"). A cell that appears in several tables (a Union total, a Member State total) is one
cell with one suppression status everywhere.

Primary suppression. A cell is withheld when its confidential decisions (those not published in
full by their authority) number fewer than `min_count`, or when the `dominance_n` largest
exporters hold at least `dominance_k` per cent of its confidential value.

Complementary suppression (`licentia.reports.protect`): cells are withheld until every withheld
cell is changed by a certificate, a change of the atoms (the confidential totals of the finest
combinations) that leaves every published figure unchanged; certificates are rectangles per 2-D
subtable (row dimension x Member State) over components of atoms sharing their other dimensions,
chosen at least cost, with a general search as fallback. No combination of published figures
(row, column and grand totals, across every table sharing them) can recover a withheld cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from licentia.errors import InvalidInput
from licentia.reports import protect, taxonomy
from licentia.reports.model import (
    MEASURES,
    ROW_DIMENSIONS,
    TOTAL,
    Cell,
    Decision,
    Fact,
    Provenance,
    Reason,
    Report,
    Row,
    Rules,
    Table,
    TableInfo,
)
from licentia.reports.tables import SPECS, TableSpec

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DECISIONS: tuple[Decision, ...] = tuple(Decision)
NONE = 4  # the row-dimension index of a cell without a row dimension
FIELDS = ("member_state", *ROW_DIMENSIONS)

# A cell key: (row dimension index or NONE, row value or -1, state or -1, decision, cyber or -1)
Key = tuple[int, int, int, int, int]
Kind = tuple[int, bool, bool]  # (row dimension index or NONE, by state, by cyber flag)
_RADIX = (6, 1 << 12, 1 << 8, 4, 3)  # packing of a cell key into one integer


@dataclass
class Cube:
    """Decision facts as columns of integer codes, with the vocabulary of each dimension."""

    vocab: dict[str, list[str]]
    member_state: IntArray
    rows: tuple[IntArray, IntArray, IntArray, IntArray]  # in ROW_DIMENSIONS order
    decision: IntArray
    exporter: IntArray
    number: IntArray
    value: FloatArray
    public: BoolArray

    def __len__(self) -> int:
        return int(self.decision.shape[0])

    @property
    def cyber(self) -> IntArray:
        flags = np.array(
            [taxonomy.BY_CODE[c].cyber_surveillance for c in self.vocab["item_category"]],
            dtype=np.int64,
        )
        return flags[self.rows[0]] if len(self) else np.zeros(0, dtype=np.int64)

    @classmethod
    def from_codes(
        cls,
        vocab: Mapping[str, Sequence[str]],
        codes: Mapping[str, IntArray],
        *,
        exporter: IntArray,
        public: BoolArray,
        number: IntArray,
        value: FloatArray,
    ) -> Cube:
        """Columns already encoded: `codes[name]` indexes `vocab[name]`; `decision` codes index
        `vocab["decision"]`, which must hold Decision values."""
        unknown = [c for c in vocab["item_category"] if c not in taxonomy.BY_CODE]
        if unknown:
            raise InvalidInput(f"unknown item type {unknown[0]!r}")
        order = np.array([DECISIONS.index(Decision(d)) for d in vocab["decision"]], dtype=np.int64)
        return cls(
            vocab={name: list(vocab[name]) for name in FIELDS},
            member_state=codes["member_state"],
            rows=(
                codes["item_category"],
                codes["destination"],
                codes["licence_type"],
                codes["end_user_type"],
            ),
            decision=order[codes["decision"]] if order.size else codes["decision"],
            exporter=exporter,
            number=number,
            value=value,
            public=public,
        )

    @classmethod
    def from_facts(cls, facts: Iterable[Fact]) -> Cube:
        return cls.from_rows(
            (
                f.member_state,
                f.item_category,
                f.destination,
                f.licence_type,
                f.end_user_type,
                Decision(f.decision).value,
                f.exporter,
                f.public,
                f.number,
                f.value_eur,
            )
            for f in facts
        )

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[
            tuple[str, str, str, str, str, str, int, bool, int, float] | Sequence[object]
        ],
    ) -> Cube:
        """Rows of (state, item type, destination, licence type, end-user type, decision,
        exporter, public, number, value)."""
        vocab: dict[str, dict[str, int]] = {name: {} for name in FIELDS}
        decision_codes = {d.value: i for i, d in enumerate(DECISIONS)}
        codes: list[list[int]] = [[] for _ in range(6)]
        exporters: list[int] = []
        public: list[bool] = []
        numbers: list[int] = []
        values: list[float] = []
        for row in rows:
            for i, name in enumerate(FIELDS):
                text = str(row[i])
                table = vocab[name]
                code = table.get(text)
                if code is None:
                    if name == "item_category" and text not in taxonomy.BY_CODE:
                        raise InvalidInput(f"unknown item type {text!r}")
                    code = table[text] = len(table)
                codes[i].append(code)
            decision = decision_codes.get(str(row[5]))
            if decision is None:
                raise InvalidInput(f"unknown decision {row[5]!r}")
            codes[5].append(decision)
            exporters.append(int(str(row[6])))
            public.append(bool(row[7]))
            numbers.append(int(str(row[8])))
            values.append(float(str(row[9])))
        arrays = [np.array(c, dtype=np.int64) for c in codes]
        return cls(
            vocab={name: list(table) for name, table in vocab.items()},
            member_state=arrays[0],
            rows=(arrays[1], arrays[2], arrays[3], arrays[4]),
            decision=arrays[5],
            exporter=np.array(exporters, dtype=np.int64),
            number=np.array(numbers, dtype=np.int64),
            value=np.array(values, dtype=np.float64),
            public=np.array(public, dtype=np.bool_),
        )


@dataclass
class _Stats:
    count: int
    value: float
    conf_count: int
    conf_value: float
    top: float  # the confidential value of the dominance_n largest exporters


@dataclass
class _Cells:
    """Every cell the tables publish, with its figures and its suppression status."""

    stats: dict[Key, _Stats] = field(default_factory=dict)
    reasons: dict[Key, Reason] = field(default_factory=dict)


def _kinds() -> dict[Kind, None]:
    kinds: dict[Kind, None] = {}
    for spec in SPECS:
        for kind, _ in _spec_kinds(spec):
            kinds[kind] = None
    return kinds


def _spec_kinds(spec: TableSpec) -> list[tuple[Kind, bool]]:
    """The kinds of cell a table shows: (kind, is a total)."""
    t = NONE if spec.row is None else ROW_DIMENSIONS.index(spec.row)
    by_cy = spec.cyber is not None
    kinds: list[tuple[Kind, bool]] = [((t, spec.by_state, by_cy), False)]
    if t != NONE and spec.by_state:
        kinds += [((t, False, by_cy), True), ((NONE, True, by_cy), True)]
    if t != NONE or spec.by_state:
        kinds.append(((NONE, False, by_cy), True))
    return kinds


@dataclass
class _Level:
    """The figures of every cell of one kind, densely indexed, with the (cell, exporter) sums
    of confidential value sorted by cell (for the dominance rule and for coarser kinds)."""

    shape: tuple[int, int, int, int]  # row values, states, decisions, flags (1 if absent)
    present: FloatArray  # facts in the cell
    count: FloatArray
    value: FloatArray
    conf_count: FloatArray
    conf_value: FloatArray
    pair_cell: IntArray
    pair_exporter: IntArray
    pair_value: FloatArray


def _encode(shape: tuple[int, int, int, int], parts: Sequence[IntArray | int]) -> IntArray:
    x, s, d, cy = parts
    _, n_s, n_d, n_cy = shape
    found = ((np.asarray(x, dtype=np.int64) * n_s + s) * n_d + d) * n_cy + cy
    return np.asarray(found, dtype=np.int64)


def _decode(shape: tuple[int, int, int, int], cell: IntArray) -> list[IntArray]:
    _, n_s, n_d, n_cy = shape
    return [cell // (n_cy * n_d * n_s), cell // (n_cy * n_d) % n_s, cell // n_cy % n_d, cell % n_cy]


def _sorted_pairs(
    key: IntArray, value: FloatArray, n_exporters: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Sum `value` per packed (cell, exporter) key; the pairs sorted by cell."""
    if not key.shape[0]:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    order = np.argsort(key)
    key = key[order]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    sums = np.add.reduceat(value[order], starts)
    first = key[starts]
    return first // n_exporters, first % n_exporters, sums


def _aggregate(cube: Cube, rules: Rules) -> dict[Key, _Stats]:
    """The figures of every cell of every kind the tables use.

    Cells of a kind are indexed densely (row value x state x decision x flag, a few thousand at
    most), so sums are `bincount`s. The finest kind of each row dimension (by state and flag)
    is summed from the facts; the coarser kinds (Union level, both flags, no row dimension) from
    the finer kind's cells and (cell, exporter) sums, so the facts are sorted only four times.
    The dominance rule takes the largest two exporters per cell with segment reductions.
    """
    out: dict[Key, _Stats] = {}
    n = len(cube)
    if not n:
        return out
    cyber = cube.cyber
    conf = ~cube.public
    exporters, exporter = np.unique(cube.exporter, return_inverse=True)
    n_exporters = int(exporters.shape[0])
    exporter = exporter.reshape(-1)[conf]
    number = cube.number.astype(np.float64)
    n_states = max(len(cube.vocab["member_state"]), 1)
    n_d = len(DECISIONS)

    def shape(kind: Kind) -> tuple[int, int, int, int]:
        t, by_s, by_cy = kind
        n_x = max(len(cube.vocab[ROW_DIMENSIONS[t]]), 1) if t != NONE else 1
        return (n_x, n_states if by_s else 1, n_d, 2 if by_cy else 1)

    def from_facts(t: int) -> _Level:
        kind_shape = shape((t, True, True))
        size = int(np.prod(kind_shape))
        x = cube.rows[t]
        cell = _encode(kind_shape, (x, cube.member_state, cube.decision, cyber))
        pc, pe, pv = _sorted_pairs(
            cell[conf] * n_exporters + exporter, cube.value[conf], n_exporters
        )
        return _Level(
            kind_shape,
            np.bincount(cell, minlength=size).astype(np.float64),
            np.bincount(cell, weights=number, minlength=size),
            np.bincount(cell, weights=cube.value, minlength=size),
            np.bincount(cell[conf], weights=number[conf], minlength=size),
            np.bincount(cell[conf], weights=cube.value[conf], minlength=size),
            pc,
            pe,
            pv,
        )

    def coarser(level: _Level, kind: Kind) -> _Level:
        t, by_s, by_cy = kind
        kind_shape = shape(kind)
        size = int(np.prod(kind_shape))
        x, s, d, cy = _decode(level.shape, np.arange(int(np.prod(level.shape))))
        to = _encode(kind_shape, (x if t != NONE else 0, s if by_s else 0, d, cy if by_cy else 0))

        def total(figures: FloatArray) -> FloatArray:
            return np.bincount(to, weights=figures, minlength=size)

        pc, pe, pv = _sorted_pairs(
            to[level.pair_cell] * n_exporters + level.pair_exporter, level.pair_value, n_exporters
        )
        return _Level(
            kind_shape,
            total(level.present),
            total(level.count),
            total(level.value),
            total(level.conf_count),
            total(level.conf_value),
            pc,
            pe,
            pv,
        )

    levels: dict[Kind, _Level] = {}
    for t in range(4):
        levels[(t, True, True)] = from_facts(t)
    for kind in sorted(_kinds(), key=lambda k: (-k[1], -k[2])):  # finer kinds first
        if kind in levels:
            continue
        t, by_s, by_cy = kind
        if t == NONE:
            parent = (
                levels[(0, by_s, by_cy)] if (0, by_s, by_cy) in levels else levels[(0, True, True)]
            )
            levels[kind] = coarser(parent, kind)
        else:
            levels[kind] = coarser(levels.get((t, by_s, True), levels[(t, True, True)]), kind)
    for kind in _kinds():
        t, by_s, by_cy = kind
        level = levels[kind]
        top = _top(level, rules)
        found = np.flatnonzero(level.present)
        x, s, d, cy = _decode(level.shape, found)
        minus = np.full(found.shape[0], -1)
        columns = (
            (x if t != NONE else minus).tolist(),
            (s if by_s else minus).tolist(),
            d.tolist(),
            (cy if by_cy else minus).tolist(),
            level.count[found].tolist(),
            level.value[found].tolist(),
            level.conf_count[found].tolist(),
            level.conf_value[found].tolist(),
            top[found].tolist(),
        )
        for xi, si, di, ci, k, v, ck, cv, tp in zip(*columns, strict=True):
            out[(t, xi, si, di, ci)] = _Stats(round(k), v, round(ck), cv, tp)
    return out


def _top(level: _Level, rules: Rules) -> FloatArray:
    """Per cell, the confidential value of its `dominance_n` largest exporters."""
    top = np.zeros(level.present.shape[0], dtype=np.float64)
    owner, sums = level.pair_cell, level.pair_value
    if not owner.shape[0]:
        return top
    first = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
    largest = np.maximum.reduceat(sums, first)
    top[owner[first]] = largest
    if rules.dominance_n == 2:
        segment = np.repeat(np.arange(first.shape[0]), np.diff(np.append(first, sums.shape[0])))
        at_max = np.flatnonzero(sums == largest[segment])
        once = at_max[np.concatenate(([True], segment[at_max][1:] != segment[at_max][:-1]))]
        rest = sums.copy()
        rest[once] = -np.inf
        second = np.maximum.reduceat(rest, first)
        top[owner[first]] += np.where(np.isfinite(second), second, 0.0)
    return top


def _sensitive(stats: _Stats, rules: Rules) -> Reason | None:
    if stats.conf_count <= 0:
        return None
    if stats.conf_count < rules.min_count:
        return Reason.MIN_COUNT
    if stats.conf_value > 0 and stats.top * 100 >= rules.dominance_k * stats.conf_value:
        return Reason.DOMINANCE
    return None


def _by_kind(stats: Mapping[Key, _Stats]) -> dict[Kind, list[Key]]:
    """The non-empty cells of each kind."""
    found: dict[Kind, list[Key]] = {}
    for key, figures in stats.items():
        if figures.count > 0:
            t, _, s, _, cy = key
            found.setdefault((t, s >= 0, cy >= 0), []).append(key)
    return found


def _published_keys(spec: TableSpec, by_kind: Mapping[Kind, list[Key]]) -> list[tuple[Key, bool]]:
    """The cells a table shows (non-empty ones), each with whether it is a total."""
    wanted_d = None if spec.decision is None else DECISIONS.index(spec.decision)
    wanted_cy = None if spec.cyber is None else int(spec.cyber)
    found = []
    for kind, total in _spec_kinds(spec):
        for key in by_kind.get(kind, ()):
            if wanted_d is not None and key[3] != wanted_d:
                continue
            if wanted_cy is not None and key[4] != wanted_cy:
                continue
            found.append((key, total))
    return found


# -- the report ------------------------------------------------------------------------------


@dataclass
class Built:
    """The report and what the tests need to check it (the certificates and the cube)."""

    report: Report
    cube: Cube
    certificates: list[dict[int, int]]


def build_report(
    facts: Iterable[Fact] | Cube,
    *,
    year: int,
    rules: Rules | None = None,
    provenance: Provenance | None = None,
) -> Report:
    return build(facts, year=year, rules=rules, provenance=provenance).report


def build(
    facts: Iterable[Fact] | Cube,
    *,
    year: int,
    rules: Rules | None = None,
    provenance: Provenance | None = None,
    complementary: bool = True,
    explicit: bool = False,
) -> Built:
    """The report and its certificates; `complementary=False` only for the attack tests,
    `explicit=True` to build every certificate as a change of atoms and check its cells."""
    rules = rules or Rules()
    cube = facts if isinstance(facts, Cube) else Cube.from_facts(facts)
    stats = _aggregate(cube, rules)
    by_kind = _by_kind(stats)
    shown = {spec.info.id: _published_keys(spec, by_kind) for spec in SPECS}
    published = {key for keys in shown.values() for key, _ in keys}
    cells = _Cells(stats={k: stats[k] for k in published})
    for key in published:
        reason = _sensitive(stats[key], rules)
        if reason is not None:
            cells.reasons[key] = reason
    certificates: list[dict[int, int]] = []
    if cells.reasons and complementary:
        values = {key: figures.conf_value for key, figures in cells.stats.items()}
        certificates = protect.complementary(
            cube, published, cells.reasons, values, list(_kinds()), explicit=explicit
        )
    tables = tuple(_table(spec, shown[spec.info.id], cells, cube) for spec in SPECS)
    provenance = provenance or Provenance(
        source="Licentia",
        generated_at=dt.datetime.now(dt.UTC),
        data_as_of=dt.date(year, 12, 31),
        data_version="",
        rules=rules.describe(),
        publication_delay_days=0,
    )
    return Built(Report(year=year, tables=tables, provenance=provenance), cube, certificates)


def _label(cube: Cube, key: Key, spec: TableSpec) -> dict[str, str]:
    t, x, s, d, _ = key
    keys: dict[str, str] = {}
    if spec.row is not None:
        keys[spec.row] = cube.vocab[spec.row][x] if t != NONE else TOTAL
    if spec.by_state:
        keys["member_state"] = cube.vocab["member_state"][s] if s >= 0 else TOTAL
    if spec.decision is None:
        keys["decision"] = DECISIONS[d].value
    return keys


def _table(spec: TableSpec, keys: list[tuple[Key, bool]], cells: _Cells, cube: Cube) -> Table:
    rows: list[Row] = []
    totals: list[Row] = []
    for key, total in keys:
        figures = cells.stats[key]
        reason = cells.reasons.get(key)
        if reason is None:
            measures = {
                "decisions": Cell(figures.count),
                "value_eur": Cell(round(figures.value, 2)),
            }
        else:
            measures = {name: Cell(None, True, reason.value) for name in MEASURES}
        row = Row(keys=_label(cube, key, spec), cells=measures, total=total)
        (totals if total else rows).append(row)
    order = [*spec.info.dimensions]

    def sort_key(row: Row) -> tuple[tuple[bool, str], ...]:
        return tuple((row.keys[d] == TOTAL, row.keys[d]) for d in order)

    return Table(spec.info, tuple(sorted(rows, key=sort_key)), tuple(sorted(totals, key=sort_key)))


# -- filters ---------------------------------------------------------------------------------

FILTERS = (
    "member_state",
    "destination",
    "item_category",
    "licence_type",
    "decision",
    "end_user_type",
)


def filter_report(report: Report, filters: Mapping[str, str | None]) -> Report:
    """The published tables sliced by `filters`; never recomputed, so never a new figure.

    A table is kept when it has every filtered dimension (as a column, or fixed, e.g. the
    decision of section 4); its rows and totals are those matching every filter.
    """
    wanted = {k: str(v) for k, v in filters.items() if v not in (None, "")}
    unknown = sorted(set(wanted) - set(FILTERS))
    if unknown:
        raise InvalidInput(f"unknown filter {unknown[0]!r}; filters: {', '.join(FILTERS)}")
    if not wanted:
        return report
    kept: list[Table] = []
    omitted: list[str] = []
    for table in report.tables:
        fixed = dict(table.info.fixed)
        if any(k not in table.dimensions and k not in fixed for k in wanted):
            omitted.append(table.id)
            continue
        if any(k in fixed and fixed[k] != v for k, v in wanted.items()):
            omitted.append(table.id)
            continue

        def keep(row: Row) -> bool:
            for name, value in wanted.items():
                if name not in row.keys:
                    continue
                found = row.keys[name]
                if name == "item_category":
                    if not taxonomy.matches(found, value):
                        return False
                elif found != value:
                    return False
            return True

        kept.append(
            Table(
                table.info,
                tuple(r for r in table.rows if keep(r)),
                tuple(r for r in table.totals if keep(r)),
            )
        )
    return Report(
        year=report.year,
        tables=tuple(kept),
        provenance=report.provenance,
        filters=wanted,
        omitted=tuple(omitted),
    )


def count_table(info: TableInfo, counts: Mapping[tuple[str, ...], int], rules: Rules) -> Table:
    """A table of counts without totals: a count below the minimum is withheld."""
    rows = []
    measure = info.measures[0]
    for keys, n in sorted(counts.items()):
        if n <= 0:
            continue
        cell = Cell(None, True, Reason.MIN_COUNT.value) if n < rules.min_count else Cell(n)
        rows.append(Row(keys=dict(zip(info.dimensions, keys, strict=True)), cells={measure: cell}))
    return Table(info, tuple(rows), ())


def with_tables(report: Report, extra: Sequence[Table]) -> Report:
    return Report(
        year=report.year,
        tables=(*report.tables, *extra),
        provenance=report.provenance,
        filters=report.filters,
        omitted=report.omitted,
    )
