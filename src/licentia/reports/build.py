"""Build the report: aggregate the cube of decisions, apply the confidentiality rules.

Cells. Every published figure is a cell: the sum of the decisions matching a key
(row dimension and value, Member State, decision, cyber-surveillance flag; any of them may be
"all"). A cell that appears in several tables (a Union total, a Member State total) is one
cell with one suppression status everywhere.

Primary suppression. A cell is withheld when its confidential decisions (those not published in
full by their authority) number fewer than `min_count`, or when the `dominance_n` largest
exporters hold at least `dominance_k` per cent of its confidential value.

Complementary suppression by perturbation certificates. The unknowns an attacker faces are the
"atoms": the confidential totals of each finest combination of all dimensions. For each withheld
cell the engine looks for a small change of the atoms (move some value from one atom to another
around a rectangle of atoms, or between two atoms) that changes the withheld cell; it then
withholds every published cell the change touches. The change keeps every cell still published
unchanged, so the published tables are equally consistent with the true data and with the
changed data, in which the withheld cell differs: no combination of published figures (row,
column and grand totals, across every table sharing them) can recover it. The change moves
whole decisions and value between non-empty atoms, so counts stay integral and values
non-negative for a step of one decision (and up to the smallest atom's value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from licentia.errors import InvalidInput
from licentia.reports import taxonomy
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


def _keys(cube: Cube, kind: Kind, cyber: IntArray) -> list[IntArray]:
    t, by_s, by_cy = kind
    minus = np.full(len(cube), -1, dtype=np.int64)
    return [
        np.full(len(cube), t, dtype=np.int64),
        cube.rows[t] if t != NONE else minus,
        cube.member_state if by_s else minus,
        cube.decision,
        cyber if by_cy else minus,
    ]


def _aggregate(cube: Cube, rules: Rules) -> dict[Key, _Stats]:
    """The figures of every cell of every kind the tables use, in one pass per kind."""
    cyber = cube.cyber
    conf = ~cube.public
    out: dict[Key, _Stats] = {}
    if not len(cube):
        return out
    n_exporters = int(np.max(cube.exporter)) + 1
    for kind in _kinds():
        parts = _keys(cube, kind, cyber)
        radix = _RADIX
        key = np.zeros(len(cube), dtype=np.int64)
        for part, base in zip(parts, radix, strict=True):
            key = key * base + (part + 1)
        unique, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        size = unique.shape[0]
        count = np.bincount(inverse, weights=cube.number, minlength=size)
        value = np.bincount(inverse, weights=cube.value, minlength=size)
        conf_count = np.bincount(inverse[conf], weights=cube.number[conf], minlength=size)
        conf_value = np.bincount(inverse[conf], weights=cube.value[conf], minlength=size)
        top = _top(inverse[conf], cube.exporter[conf], cube.value[conf], size, n_exporters, rules)
        decoded = _decode(unique)
        for i in range(size):
            out[decoded[i]] = _Stats(
                round(float(count[i])),
                float(value[i]),
                round(float(conf_count[i])),
                float(conf_value[i]),
                float(top[i]),
            )
    return out


def _decode(packed: IntArray) -> list[Key]:
    radix = _RADIX
    parts: list[IntArray] = []
    rest = packed.copy()
    for base in reversed(radix):
        parts.append(rest % base - 1)
        rest = rest // base
    cy, d, s, x, t = parts
    return list(zip(t.tolist(), x.tolist(), s.tolist(), d.tolist(), cy.tolist(), strict=True))


def _top(
    cell: IntArray,
    exporter: IntArray,
    value: FloatArray,
    size: int,
    n_exporters: int,
    rules: Rules,
) -> FloatArray:
    """Per cell, the confidential value of its `dominance_n` largest exporters."""
    top = np.zeros(size, dtype=np.float64)
    if not cell.shape[0]:
        return top
    pair, inverse = np.unique(cell * n_exporters + exporter, return_inverse=True)
    sums = np.bincount(inverse.reshape(-1), weights=value, minlength=pair.shape[0])
    owner = pair // n_exporters
    order = np.lexsort((-sums, owner))
    owner, sums = owner[order], sums[order]
    first = np.ones(owner.shape[0], dtype=np.bool_)
    first[1:] = owner[1:] != owner[:-1]
    top[owner[first]] = sums[first]
    if rules.dominance_n == 2:
        second = np.zeros(owner.shape[0], dtype=np.bool_)
        second[1:] = first[:-1] & ~first[1:]
        np.add.at(top, owner[second], sums[second])
    return top


def _sensitive(stats: _Stats, rules: Rules) -> Reason | None:
    if stats.conf_count <= 0:
        return None
    if stats.conf_count < rules.min_count:
        return Reason.MIN_COUNT
    if stats.conf_value > 0 and stats.top * 100 >= rules.dominance_k * stats.conf_value:
        return Reason.DOMINANCE
    return None


def _published_keys(spec: TableSpec, stats: Mapping[Key, _Stats]) -> list[tuple[Key, bool]]:
    """The cells a table shows (non-empty ones), each with whether it is a total."""
    wanted_d = None if spec.decision is None else DECISIONS.index(spec.decision)
    wanted_cy = None if spec.cyber is None else int(spec.cyber)
    kinds: dict[Kind, bool] = dict(_spec_kinds(spec))
    found = []
    for key, figures in stats.items():
        t, _, s, d, cy = key
        kind = (t, s >= 0, cy >= 0)
        if kind not in kinds or figures.count <= 0:
            continue
        if wanted_d is not None and d != wanted_d:
            continue
        if wanted_cy is not None and cy != wanted_cy:
            continue
        found.append((key, kinds[kind]))
    return found


# -- complementary suppression ---------------------------------------------------------------


class _Atoms:
    """The confidential totals of the finest combinations, with the indexes the search uses."""

    def __init__(self, cube: Cube, published: set[Key], kinds: Sequence[Kind]) -> None:
        conf = ~cube.public
        cyber = cube.cyber
        fields = [*(r[conf] for r in cube.rows), cube.member_state[conf], cube.decision[conf]]
        sizes = [max(len(cube.vocab[n]), 1) for n in ROW_DIMENSIONS]
        row = np.zeros(int(conf.sum()), dtype=np.int64)
        for part, base in zip(fields[:4], sizes, strict=True):
            row = row * base + part
        n_states = max(len(cube.vocab["member_state"]), 1)
        col = (fields[4] * len(DECISIONS) + fields[5]) * 2 + cyber[conf]
        self.n_cols = n_states * len(DECISIONS) * 2
        pair = row * self.n_cols + col
        unique, first = np.unique(pair, return_index=True)
        self.row = unique // self.n_cols
        self.col = unique % self.n_cols
        self.codes = np.stack([f[first] for f in fields], axis=1)
        self.cyber = cyber[conf][first]
        self.pair = unique  # sorted
        self.by_col = np.argsort(self.col, kind="stable")
        self.col_start = np.searchsorted(self.col[self.by_col], np.arange(self.n_cols + 1))
        self.by_row = np.argsort(self.row, kind="stable")
        self.sorted_rows = self.row[self.by_row]
        self.published = published
        self.kinds = kinds
        self.sizes = [max(s, 1) for s in sizes]
        counts = self.col_start[1:] - self.col_start[:-1]
        self.by_size = np.argsort(-counts, kind="stable")
        self.by_size = self.by_size[counts[self.by_size] > 0]
        self._cells: dict[int, tuple[Key, ...]] = {}

    def __len__(self) -> int:
        return int(self.row.shape[0])

    def find(self, row: int, col: int) -> int | None:
        wanted = row * self.n_cols + col
        i = int(np.searchsorted(self.pair, wanted))
        if i < self.pair.shape[0] and int(self.pair[i]) == wanted:
            return i
        return None

    def in_column(self, col: int) -> IntArray:
        found: IntArray = self.by_col[self.col_start[col] : self.col_start[col + 1]]
        return found

    def columns_in_group(self, group: int) -> IntArray:
        """The non-empty columns of one (decision, cyber flag) group, i.e. its states."""
        size = len(DECISIONS) * 2
        columns = np.arange(group, self.n_cols, size, dtype=np.int64)
        counts = self.col_start[columns + 1] - self.col_start[columns]
        found: IntArray = columns[counts > 0]
        return found

    def columns_of_row(self, row: int) -> IntArray:
        lo = int(np.searchsorted(self.sorted_rows, row, side="left"))
        hi = int(np.searchsorted(self.sorted_rows, row, side="right"))
        found: IntArray = self.col[self.by_row[lo:hi]]
        return found

    def cells(self, atom: int) -> tuple[Key, ...]:
        found = self._cells.get(atom)
        if found is None:
            c = self.codes[atom]
            cy = int(self.cyber[atom])
            keys = []
            for t, by_s, by_cy in self.kinds:
                key = (
                    t,
                    int(c[t]) if t != NONE else -1,
                    int(c[4]) if by_s else -1,
                    int(c[5]),
                    cy if by_cy else -1,
                )
                if key in self.published:
                    keys.append(key)
            found = self._cells[atom] = tuple(keys)
        return found

    def members(self, key: Key, limit: int) -> list[int]:
        """Up to `limit` atoms inside cell `key`."""
        t, x, s, d, cy = key
        found: list[int] = []
        n_states = self.n_cols // (len(DECISIONS) * 2)
        states = [s] if s >= 0 else range(n_states)
        flags = [cy] if cy >= 0 else [0, 1]
        for state in states:
            for flag in flags:
                col = (state * len(DECISIONS) + d) * 2 + flag
                atoms = self.in_column(col)
                if t != NONE and atoms.shape[0]:
                    atoms = atoms[self.codes[atoms, t] == x]
                found.extend(atoms[: limit - len(found)].tolist())
                if len(found) >= limit:
                    return found
        return found


def _touched(atoms: _Atoms, change: Mapping[int, int]) -> set[Key]:
    net: dict[Key, int] = {}
    for atom, sign in change.items():
        for key in atoms.cells(atom):
            net[key] = net.get(key, 0) + sign
    return {key for key, value in net.items() if value}


def _candidates(atoms: _Atoms, key: Key, tries: int) -> Iterable[dict[int, int]]:
    """Small changes of the atoms, cheapest shapes first, each with one atom inside `key`.

    A rectangle moves one decision from atom a to atom b in one column and back from b' to a'
    in another column of the same group: for every row dimension, either a' and b' agree
    with a and b, or (where a and b agree) with each other. Row, Union and grand totals
    stay as they are; only the cells of the two columns where a and b differ change.
    """
    group = len(DECISIONS) * 2
    for a in atoms.members(key, tries):
        col = int(atoms.col[a])
        others = atoms.in_column(col)
        others = others[others != a]
        if not others.shape[0]:
            yield {a: 1}
            continue
        diff = atoms.codes[others, :4] != atoms.codes[a, :4]
        order = np.argsort(diff.sum(axis=1), kind="stable")[: tries * 2]
        pairs = [(int(others[i]), diff[i]) for i in order]
        in_group = atoms.by_size[atoms.by_size % group == col % group]
        in_group = in_group[in_group != col][: tries * 3]
        elsewhere = atoms.by_size[atoms.by_size % group != col % group][:tries]
        partners = [*in_group.tolist(), *elsewhere.tolist()]
        for b, differs in pairs:
            for c2 in partners:
                found = _partners(atoms, a, b, differs, c2)
                if found is not None:
                    yield {a: 1, b: -1, found[0]: -1, found[1]: 1}
                    break
        for b, _ in pairs:
            yield {a: 1, b: -1}
        columns = atoms.columns_of_row(int(atoms.row[a]))
        for c2 in columns[columns != col][: tries * 2].tolist():
            a2 = atoms.find(int(atoms.row[a]), c2)
            if a2 is not None:
                yield {a: 1, a2: -1}
        yield {a: 1}


def _partners(
    atoms: _Atoms, a: int, b: int, differs: BoolArray, col: int
) -> tuple[int, int] | None:
    """Atoms a', b' in column `col` closing the rectangle a, b (see `_candidates`)."""
    inside = atoms.in_column(col)
    if inside.shape[0] < 2:
        return None
    codes = atoms.codes[inside, :4]
    like_a = np.all(codes[:, differs] == atoms.codes[a, :4][differs], axis=1)
    like_b = np.all(codes[:, differs] == atoms.codes[b, :4][differs], axis=1)
    if not like_a.any() or not like_b.any():
        return None
    rest = ~differs
    if not rest.any():
        return int(inside[np.argmax(like_a)]), int(inside[np.argmax(like_b)])
    sizes = atoms.sizes
    packed = np.zeros(inside.shape[0], dtype=np.int64)
    for t in np.nonzero(rest)[0].tolist():
        packed = packed * int(sizes[t]) + codes[:, t]
    common = np.intersect1d(packed[like_a], packed[like_b])
    if not common.shape[0]:
        return None
    value = common[0]
    a2 = inside[np.argmax(like_a & (packed == value))]
    b2 = inside[np.argmax(like_b & (packed == value))]
    return int(a2), int(b2)


def _complementary(
    cube: Cube, cells: _Cells, published: set[Key], tries: int = 2, enough: int = 6
) -> list[dict[int, int]]:
    """Withhold cells until every withheld cell is changed by a certificate; return them."""
    atoms = _Atoms(cube, published, list(_kinds()))
    covered: set[Key] = set()
    certificates: list[dict[int, int]] = []

    weight = {
        key: (20.0 if key[2] < 0 else 5.0 if key[0] == NONE else 1.0) * (1.0 + figures.conf_value)
        for key, figures in cells.stats.items()
    }

    def cost(keys: set[Key]) -> float:
        return sum(weight[k] for k in keys if k not in cells.reasons)

    queue = sorted(cells.reasons, key=lambda k: (k[0] == NONE, k[2] < 0, k))
    while queue:
        key = queue.pop(0)
        if key in covered:
            continue
        best: tuple[float, dict[int, int], set[Key]] | None = None
        valid = 0
        for change in _candidates(atoms, key, tries):
            touched = _touched(atoms, change)
            if key not in touched:
                continue
            price = cost(touched)
            valid += 1
            if best is None or price < best[0]:
                best = (price, change, touched)
            if price == 0 or valid >= enough:
                break
        if best is None:  # an empty cell cannot be sensitive; keep it withheld regardless
            continue
        _, change, touched = best
        certificates.append(change)
        covered |= touched
        for other in touched:
            if other not in cells.reasons:
                cells.reasons[other] = Reason.COMPLEMENTARY
    return certificates


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
) -> Built:
    """The report and its certificates; `complementary=False` only for the attack tests."""
    rules = rules or Rules()
    cube = facts if isinstance(facts, Cube) else Cube.from_facts(facts)
    stats = _aggregate(cube, rules)
    shown = {spec.info.id: _published_keys(spec, stats) for spec in SPECS}
    published = {key for keys in shown.values() for key, _ in keys}
    cells = _Cells(stats={k: stats[k] for k in published})
    for key in published:
        reason = _sensitive(stats[key], rules)
        if reason is not None:
            cells.reasons[key] = reason
    certificates = _complementary(cube, cells, published) if cells.reasons and complementary else []
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
