"""Complementary suppression: withhold enough cells that no withheld cell can be recovered.

The unknowns an attacker faces are the "atoms": the confidential totals of each finest
combination (Member State, decision, item type, destination, licence type, end-user type) that
holds decisions. Every published figure is the sum of the atoms inside its cell. A withheld cell
is safe when some change of the atoms (a *certificate*) leaves every published figure as it is
and changes the withheld cell: then the true data and the changed data publish the same tables,
so no combination of published figures can recover it. Every cell a certificate changes is
withheld, so each certificate protects all the cells it touches at once; later suppressions only
remove published figures, so a certificate stays valid to the end.

The certificates are built per two-dimensional subtable (a row dimension by Member State, for
one decision and one cyber-surveillance flag), in the order of the standard methods:

1. **Rectangle** (the "hypercube" of a 2-D table): move one decision from row a to row b in
   state s1 and back from b to a in state s2. Row totals, state totals, Union and grand totals
   stay as they are; only the four interior cells change. At the level of atoms a move from a to
   b inside one state goes along atoms that share the other three dimensions ("profile"): a
   chain a -p- c -q- b moves one decision from (a, p) to (c, p) and from (c, q) to (b, q), so
   every other table (item type, licence type, end-user type) is left unchanged. Rows a and b
   of one state can exchange a decision exactly when they lie in the same connected component of
   the bipartite graph of row values and profiles; the components of all subtables are computed
   at once with vectorised label propagation. The partner (b, s2) is the one of minimal cost over
   all candidates: cells already withheld cost nothing, small interior cells little, totals are
   never needed.
2. **Row move** (for a withheld Union row total, or an interior cell without a rectangle): the
   chain from a to b inside one state alone; it changes the two rows' Union totals, so it is
   used only where a rectangle cannot do, with the cheapest partner.
3. **General search** (state and grand totals, and what is left): small changes of the atoms
   around rectangles of atoms, between two atoms, or of one atom, touching the fewest and
   cheapest published cells.

Costs: a cell already withheld costs nothing; an interior cell 1 plus a small term growing with
its value (fewer cells first, then smaller ones); a Union row total 10,000 times more, a state
total 100,000 and a grand total 1,000,000 times more.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from licentia.reports.model import ROW_DIMENSIONS, Decision, Reason

if TYPE_CHECKING:
    from licentia.reports.build import Cube

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

N_DECISIONS = len(tuple(Decision))
NONE = 4  # the row-dimension index of a cell without a row dimension
Key = tuple[
    int, int, int, int, int
]  # (row dimension or NONE, value or -1, state or -1, decision, cyber or -1)
Kind = tuple[int, bool, bool]

INTERIOR, ROW_TOTAL, STATE_TOTAL, GRAND_TOTAL = 1.0, 1e4, 1e5, 1e6


def weight(key: Key, value: float) -> float:
    """The cost of withholding a published cell (see the module's docstring)."""
    t, _, s, _, _ = key
    small = 1.0 + math.log10(1.0 + max(value, 0.0)) / 100.0
    if t != NONE and s >= 0:
        return INTERIOR * small
    if t != NONE:
        return ROW_TOTAL * small
    if s >= 0:
        return STATE_TOTAL * small
    return GRAND_TOTAL * small


class Atoms:
    """The confidential totals of the finest combinations, with the indexes the search uses.

    A column is one (state, decision, cyber flag): the "group" of a 2-D subtable.
    """

    def __init__(self, cube: Cube, published: set[Key], kinds: Sequence[Kind]) -> None:
        conf = ~cube.public
        cyber = cube.cyber
        fields = [*(r[conf] for r in cube.rows), cube.member_state[conf], cube.decision[conf]]
        sizes = [max(len(cube.vocab[n]), 1) for n in ROW_DIMENSIONS]
        row = np.zeros(int(conf.sum()), dtype=np.int64)
        for part, base in zip(fields[:4], sizes, strict=True):
            row = row * base + part
        self.n_states = max(len(cube.vocab["member_state"]), 1)
        col = (fields[4] * N_DECISIONS + fields[5]) * 2 + cyber[conf]
        self.n_cols = self.n_states * N_DECISIONS * 2
        pair = row * self.n_cols + col
        unique, first = np.unique(pair, return_index=True)
        self.row: IntArray = unique // self.n_cols
        self.col: IntArray = unique % self.n_cols
        self.codes: IntArray = np.stack([f[first] for f in fields], axis=1)
        self.cyber: IntArray = cyber[conf][first]
        self.pair: IntArray = unique  # sorted
        self.by_col = np.argsort(self.col, kind="stable")
        self.col_start = np.searchsorted(self.col[self.by_col], np.arange(self.n_cols + 1))
        self.by_row = np.argsort(self.row, kind="stable")
        self.sorted_rows = self.row[self.by_row]
        self.published = published
        self.kinds = kinds
        self.sizes = sizes
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

    def columns_of_row(self, row: int) -> IntArray:
        lo = int(np.searchsorted(self.sorted_rows, row, side="left"))
        hi = int(np.searchsorted(self.sorted_rows, row, side="right"))
        found: IntArray = self.col[self.by_row[lo:hi]]
        return found

    def cells(self, atom: int) -> tuple[Key, ...]:
        """The published cells that contain `atom`."""
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
        states = [s] if s >= 0 else range(self.n_states)
        flags = [cy] if cy >= 0 else [0, 1]
        for state in states:
            for flag in flags:
                col = (state * N_DECISIONS + d) * 2 + flag
                atoms = self.in_column(col)
                if t != NONE and atoms.shape[0]:
                    atoms = atoms[self.codes[atoms, t] == x]
                found.extend(atoms[: limit - len(found)].tolist())
                if len(found) >= limit:
                    return found
        return found


def touched(atoms: Atoms, change: Mapping[int, int]) -> set[Key]:
    """The published cells whose figure `change` alters."""
    net: dict[Key, int] = {}
    for atom, sign in change.items():
        for key in atoms.cells(atom):
            net[key] = net.get(key, 0) + sign
    return {key for key, value in net.items() if value}


class Moves:
    """Exchanges of decisions between two rows of one subtable (row dimension `t`) in a state.

    Nodes are the row values of each group (state, decision, cyber flag) and the profiles (the
    other three row dimensions) of each group; an atom is an edge between its row value and its
    profile. Two rows of a group can exchange a decision without changing any other table
    exactly when they are connected.
    """

    def __init__(self, atoms: Atoms, t: int) -> None:
        self.t = t
        self.n_x = atoms.sizes[t]
        self.xnode: IntArray = atoms.col * self.n_x + atoms.codes[:, t]
        profile = atoms.col.copy()
        for u in range(4):
            if u != t:
                profile = profile * atoms.sizes[u] + atoms.codes[:, u]
        _, inverse = np.unique(profile, return_inverse=True)
        self.pnode: IntArray = inverse.reshape(-1).astype(np.int64)
        self.n_profiles = int(np.max(self.pnode)) + 1 if self.pnode.shape[0] else 0
        self.n_nodes = atoms.n_cols * self.n_x
        self.n_cols = atoms.n_cols
        self.by_x = np.argsort(self.xnode, kind="stable")
        self.x_start = np.searchsorted(self.xnode[self.by_x], np.arange(self.n_nodes + 1))
        self.by_p = np.argsort(self.pnode, kind="stable")
        self.p_start = np.searchsorted(self.pnode[self.by_p], np.arange(self.n_profiles + 1))
        self._comp: IntArray | None = None

    @property
    def comp(self) -> IntArray:
        """Component of each (group, row value), -1 where empty: label propagation with
        pointer jumping until no label changes."""
        if self._comp is None:
            n_nodes = self.n_nodes
            label = np.arange(n_nodes, dtype=np.int64)
            while self.pnode.shape[0]:
                by_profile = np.full(self.n_profiles, n_nodes, dtype=np.int64)
                np.minimum.at(by_profile, self.pnode, label[self.xnode])
                new = label.copy()
                np.minimum.at(new, self.xnode, by_profile[self.pnode])
                new = new[new]  # a label is a node of the same component
                if np.array_equal(new, label):
                    break
                label = new
            present = np.bincount(self.xnode, minlength=n_nodes) > 0
            self._comp = np.where(present, label, -1).reshape(self.n_cols, self.n_x)
        return self._comp

    def atoms_at(self, nodes: Iterable[int]) -> IntArray:
        """The atoms of the given row nodes (group x row value)."""
        parts = [self.by_x[self.x_start[n] : self.x_start[n + 1]] for n in nodes]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def path(self, group: int, a: int, b: int) -> dict[int, int]:
        """A change of atoms in `group` moving one unit from row a to row b (+1 at a, -1 at b)
        that leaves every other row dimension's cells unchanged; {} if a and b are apart.

        Breadth-first search over the bipartite graph, one level at a time with numpy.
        """
        start, goal = group * self.n_x + a, group * self.n_x + b
        parent: dict[int, tuple[int, int]] = {}  # row node -> (atom left, atom arrived by)
        seen_x = {start}
        seen_p: set[int] = set()
        frontier = [start]
        while frontier and goal not in parent:
            left = self.atoms_at(frontier)
            profiles, first = np.unique(self.pnode[left], return_index=True)
            fresh = np.array([int(p) not in seen_p for p in profiles.tolist()], dtype=np.bool_)
            profiles, via = profiles[fresh], left[first[fresh]]
            seen_p.update(profiles.tolist())
            if not profiles.shape[0]:
                break
            parts = [self.by_p[self.p_start[p] : self.p_start[p + 1]] for p in profiles.tolist()]
            arrived = np.concatenate(parts)
            origin = np.repeat(via, [part.shape[0] for part in parts])
            nodes, first = np.unique(self.xnode[arrived], return_index=True)
            frontier = []
            for node, i in zip(nodes.tolist(), first.tolist(), strict=True):
                if node not in seen_x:
                    seen_x.add(node)
                    parent[node] = (int(origin[i]), int(arrived[i]))
                    frontier.append(node)
        if goal not in parent:
            return {}
        change: dict[int, int] = {}
        node = goal
        while node != start:
            left_atom, arrived_atom = parent[node]
            change[left_atom] = change.get(left_atom, 0) + 1
            change[arrived_atom] = change.get(arrived_atom, 0) - 1
            node = int(self.xnode[left_atom])
        return {atom: v for atom, v in change.items() if v}


def _add(change: dict[int, int], other: Mapping[int, int], sign: int) -> dict[int, int]:
    for atom, v in other.items():
        change[atom] = change.get(atom, 0) + sign * v
    return {atom: v for atom, v in change.items() if v}


class _Costs:
    """Costs of withholding the cells of every 2-D subtable, kept as arrays for the search."""

    def __init__(self, atoms: Atoms, weights: Mapping[Key, float], withheld: Iterable[Key]) -> None:
        g, sizes = atoms.n_cols, atoms.sizes
        self.interior = [np.zeros((g, sizes[t])) for t in range(4)]
        self.grid = np.zeros((atoms.n_states * N_DECISIONS, sizes[1]))  # overview dest x state
        self.row = [np.zeros((N_DECISIONS * 2, sizes[t])) for t in range(4)]  # Union, per flag
        self.union = [np.zeros((N_DECISIONS, sizes[t])) for t in range(4)]  # Union, both flags
        for key, w in weights.items():
            self._set(key, w)
        for key in withheld:
            self._set(key, 0.0)

    def _set(self, key: Key, w: float) -> None:
        t, x, s, d, cy = key
        if t == NONE:
            return
        if s >= 0 and cy >= 0:
            self.interior[t][(s * N_DECISIONS + d) * 2 + cy, x] = w
        elif s >= 0 and t == 1:
            self.grid[s * N_DECISIONS + d, x] = w
        elif s < 0 and cy >= 0:
            self.row[t][d * 2 + cy, x] = w
        elif s < 0:
            self.union[t][d, x] = w

    def withhold(self, key: Key) -> None:
        self._set(key, 0.0)

    def cell(self, t: int, groups: IntArray, x: IntArray) -> FloatArray:
        """The cost of changing interior cell (x, state of group) of subtable t."""
        found: FloatArray = self.interior[t][groups, x]
        if t == 1:
            found = found + self.grid[groups // 2, x]
        return found


def complementary(
    cube: Cube,
    published: set[Key],
    reasons: MutableMapping[Key, Reason],
    values: Mapping[Key, float],
    kinds: Sequence[Kind],
    *,
    explicit: bool = False,
) -> list[dict[int, int]]:
    """Withhold cells until every withheld cell is changed by a certificate; return them.

    With `explicit` every certificate is returned as a change of atoms (for the tests);
    otherwise the moves of the 2-D subtables are checked by their shape and returned empty.
    """
    atoms = Atoms(cube, published, kinds)
    weights = {key: weight(key, values.get(key, 0.0)) for key in published}
    costs = _Costs(atoms, weights, reasons)
    moves: dict[int, Moves] = {}
    covered: set[Key] = set()
    certificates: list[dict[int, int]] = []

    def moves_of(t: int) -> Moves:
        found = moves.get(t)
        if found is None:
            found = moves[t] = Moves(atoms, t)
        return found

    def price(keys: set[Key]) -> float:
        return sum(weights[k] for k in keys if k not in reasons)

    def accept(key: Key, change: dict[int, int]) -> bool:
        return accept_cells(key, touched(atoms, change), change)

    def accept_cells(key: Key, cells: set[Key], change: dict[int, int]) -> bool:
        if key not in cells:
            return False
        certificates.append(change)
        covered.update(cells)
        for other in cells:
            if other not in reasons:
                reasons[other] = Reason.COMPLEMENTARY
                costs.withhold(other)
        return True

    def accept_moves(
        key: Key, t: int, d: int, cy: int, legs: list[tuple[int, int, int]], mirror: bool = False
    ) -> bool:
        """Accept a change made of moves (state, from row a, to row b) in subtable t: its cells
        follow from the shape (the moves leave every other table unchanged); with `explicit`
        the atoms are built and the cells checked against them. A `mirror` change makes the
        opposite moves among the items of the other cyber-surveillance flag, so that the
        overview grid (both flags) is left unchanged."""
        flags = [(cy, 1), (1 - cy, -1)] if mirror else [(cy, 1)]
        cells: set[Key] = set()
        for s, a, b in legs:
            for x in (a, b):
                cells.update((t, x, s, d, flag) for flag, _ in flags)
                if t == 1 and not mirror:
                    cells.add((1, x, s, d, -1))
        if len(legs) == 1:  # a move inside one state changes the rows' Union totals
            _, a, b = legs[0]
            cells |= {(t, x, -1, d, f) for x in (a, b) for f in (cy, -1)}
        cells &= published
        change: dict[int, int] = {}
        if explicit:
            m = moves_of(t)
            for flag, sign in flags:
                for i, (s, a, b) in enumerate(legs):
                    path = m.path((s * N_DECISIONS + d) * 2 + flag, a, b)
                    change = _add(change, path, -sign if i else sign)
            if touched(atoms, change) != cells:
                raise RuntimeError(f"certificate of {key} does not change the cells expected")
        return accept_cells(key, cells, change)

    def rectangle(
        t: int, a: int, s1: int, d: int, cy: int, interior: bool
    ) -> tuple[float, list[tuple[int, int, int]], bool]:
        """The cheapest rectangle of subtable t around (a, s1): cost, moves, mirrored.

        Arrays by state (rows) and row value (columns) of the subtable: components, costs."""
        m = moves_of(t)
        comp = m.comp[d * 2 + cy :: N_DECISIONS * 2]
        c1 = int(comp[s1, a])
        if c1 < 0:
            return math.inf, [], False
        bs = np.flatnonzero(comp[s1] == c1)
        bs = bs[bs != a]
        if not bs.shape[0]:
            return math.inf, [], False
        ok = (comp[:, a] >= 0)[:, None] & (comp[:, bs] == comp[:, a][:, None])
        ok[s1, :] = False
        if not ok.any():
            return math.inf, [], False
        price = costs.interior[t][d * 2 + cy :: N_DECISIONS * 2]
        if t == 1:
            price = price + costs.grid[d::N_DECISIONS]
        cost = np.where(ok, price[s1, bs][None, :] + price[:, a][:, None] + price[:, bs], math.inf)
        mirrored = False
        if t == 1 and interior:  # the same rectangle among the other flag's items, reversed
            other = m.comp[d * 2 + 1 - cy :: N_DECISIONS * 2]
            ok &= (other[:, a] >= 0)[:, None] & (other[:, bs] == other[:, a][:, None])
            ok &= (other[s1, bs] == other[s1, a])[None, :] & (other[s1, a] >= 0)
            both = price - costs.grid[d::N_DECISIONS]
            both = both + costs.interior[1][d * 2 + 1 - cy :: N_DECISIONS * 2]
            mirror = np.where(
                ok, both[s1, bs][None, :] + both[:, a][:, None] + both[:, bs], math.inf
            )
            if mirror.min() < cost.min() - INTERIOR / 2:  # only for fewer cells withheld
                cost, mirrored = mirror, True
        s2, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
        b = int(bs[j])
        return float(cost[s2, j]), [(s1, a, b), (int(s2), a, b)], mirrored

    def row_move(
        t: int, a: int, states: Iterable[int], d: int, cy: int
    ) -> list[tuple[int, int, int]]:
        m = moves_of(t)
        best: tuple[float, int, int] | None = None
        row_cost = costs.row[t][d * 2 + cy] + costs.union[t][d]
        for s in states:
            g = (s * N_DECISIONS + d) * 2 + cy
            c = int(m.comp[g, a])
            if c < 0:
                continue
            bs = np.flatnonzero(m.comp[g] == c)
            bs = bs[bs != a]
            if not bs.shape[0]:
                continue
            cost = costs.cell(t, np.full(bs.shape[0], g), bs) + row_cost[bs]
            cost = cost + float(costs.cell(t, np.array([g]), np.array([a]))[0])
            j = int(np.argmin(cost))
            if best is None or cost[j] < best[0]:
                best = (float(cost[j]), s, int(bs[j]))
        if best is None:
            return []
        return [(best[1], a, best[2])]

    def search(key: Key) -> None:
        best: tuple[float, dict[int, int]] | None = None
        valid = 0
        for change in _candidates(atoms, moves_of, key, 2):
            cells = touched(atoms, change)
            if key not in cells:
                continue
            cost = price(cells)
            valid += 1
            if best is None or cost < best[0]:
                best = (cost, change)
            if cost == 0 or valid >= 10:
                break
        if best is not None:  # an empty cell cannot be sensitive; it stays withheld regardless
            accept(key, best[1])

    def order(key: Key) -> tuple[int, Key]:
        t, _, s, _, _ = key
        return (0 if t != NONE and s >= 0 else 1 if t != NONE else 2 if s >= 0 else 3), key

    queue = sorted(reasons, key=order)
    while queue:
        key = queue.pop(0)
        if key in covered:
            continue
        t, x, s, d, cy = key
        done = False
        if t != NONE and s >= 0:
            flags = [cy] if cy >= 0 else [0, 1]
            options = [(*rectangle(t, x, s, d, flag, cy >= 0), flag) for flag in flags]
            for _, legs, mirrored, flag in sorted(options, key=lambda o: o[0]):
                if legs and accept_moves(key, t, d, flag, legs, mirrored):
                    done = True
                    break
            if not done:
                for flag in flags:
                    legs = row_move(t, x, [s], d, flag)
                    if legs and accept_moves(key, t, d, flag, legs):
                        done = True
                        break
        elif t != NONE:
            for flag in [cy] if cy >= 0 else [0, 1]:
                legs = row_move(t, x, range(atoms.n_states), d, flag)
                if legs and accept_moves(key, t, d, flag, legs):
                    done = True
                    break
        if not done:
            search(key)
    return certificates


def _candidates(
    atoms: Atoms, moves_of: Callable[[int], Moves], key: Key, tries: int
) -> Iterable[dict[int, int]]:
    """Small changes of the atoms, cheapest shapes first, each with one atom inside `key`.

    A rectangle moves one decision from atom a to atom b in one column and back from b' to a'
    in another column of the same group: for every row dimension, either a' and b' agree
    with a and b, or (where a and b agree) with each other. Row, Union and grand totals
    stay as they are; only the cells of the two columns where a and b differ change.
    """
    group = N_DECISIONS * 2
    for a in atoms.members(key, tries):
        col = int(atoms.col[a])
        others = atoms.in_column(col)
        others = others[others != a]
        if not others.shape[0]:
            yield {a: 1}
            continue
        diff = atoms.codes[others, :4] != atoms.codes[a, :4]
        distance = diff.sum(axis=1)
        near = np.flatnonzero(
            distance
            <= np.partition(distance, min(tries * 4, distance.shape[0]) - 1)[
                min(tries * 4, distance.shape[0]) - 1
            ]
        )
        order = near[np.argsort(distance[near], kind="stable")][: tries * 4]
        pairs = [(int(others[i]), diff[i]) for i in order]
        in_group = atoms.by_size[atoms.by_size % group == col % group]
        in_group = in_group[in_group != col]
        for b, differs in pairs:
            found = _partners(atoms, moves_of, a, b, differs, in_group)
            for a2, b2 in found[: tries + 1]:
                yield {a: 1, b: -1, a2: -1, b2: 1}
        for b, _ in pairs:
            yield {a: 1, b: -1}
        columns = atoms.columns_of_row(int(atoms.row[a]))
        for c2 in columns[columns != col][: tries * 2].tolist():
            same = atoms.find(int(atoms.row[a]), c2)
            if same is not None:
                yield {a: 1, same: -1}
        yield {a: 1}


def _partners(
    atoms: Atoms,
    moves_of: Callable[[int], Moves],
    a: int,
    b: int,
    differs: BoolArray,
    columns: IntArray,
) -> list[tuple[int, int]]:
    """Atoms a', b' closing the rectangle a, b (see `_candidates`), at most one pair in each of
    `columns`, all columns at once."""
    if not columns.shape[0]:
        return []
    u = max(np.nonzero(differs)[0].tolist(), key=lambda d: atoms.sizes[d])  # most selective
    index = moves_of(u)
    rest = np.nonzero(~differs)[0].tolist()
    like = []
    for atom in (a, b):
        inside = index.atoms_at((columns * index.n_x + int(atoms.codes[atom, u])).tolist())
        codes = atoms.codes[inside, :4]
        inside = inside[np.all(codes[:, differs] == atoms.codes[atom, :4][differs], axis=1)]
        if not inside.shape[0]:
            return []
        key = atoms.col[inside]
        for t in rest:
            key = key * int(atoms.sizes[t]) + atoms.codes[inside, t]
        like.append((inside, key))
    common, first_a, first_b = np.intersect1d(
        like[0][1], like[1][1], assume_unique=False, return_indices=True
    )
    if not common.shape[0]:
        return []
    column = atoms.col[like[0][0][first_a]]
    once = np.concatenate(([True], column[1:] != column[:-1]))  # common is sorted by column
    return list(
        zip(
            like[0][0][first_a[once]].tolist(),
            like[1][0][first_b[once]].tolist(),
            strict=True,
        )
    )
