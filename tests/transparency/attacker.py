"""An attacker who knows every published figure and tries to recover withheld ones.

Unknowns: the confidential totals of the finest combinations ("atoms": state, decision, item
type, destination, licence type, end-user type) that hold decisions; the attacker is assumed
to know which of them are non-empty, and the decisions published in full. Every published
cell of every table (rows and all totals) is an equation: the sum of its atoms equals the
published figure minus the named decisions in it. The attacker solves the system exactly
(fractions) and reports each withheld cell whose figure the system determines, with the value
recovered.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from licentia.reports import taxonomy
from licentia.reports.model import TOTAL, Fact, Report, Row, Table

Atom = tuple[str, str, str, str, str, str]  # state, decision, item, destination, licence, end user


def _atom(fact: Fact) -> Atom:
    return (
        fact.member_state,
        str(fact.decision),
        fact.item_category,
        fact.destination,
        fact.licence_type,
        fact.end_user_type,
    )


def _matches(atom: Atom, table: Table, row: Row) -> bool:
    state, decision, item, destination, licence, end_user = atom
    values = {
        "member_state": state,
        "decision": decision,
        "item_category": item,
        "destination": destination,
        "licence_type": licence,
        "end_user_type": end_user,
    }
    fixed = dict(table.info.fixed)
    if "decision" in fixed and fixed["decision"] != decision:
        return False
    if "cyber_surveillance" in fixed:
        cyber = taxonomy.BY_CODE[item].cyber_surveillance
        if (fixed["cyber_surveillance"] == "yes") != cyber:
            return False
    return all(not (value != TOTAL and values[key] != value) for key, value in row.keys.items())


class _Basis:
    """Row-echelon basis over the rationals, tracking the right-hand sides."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[dict[int, Fraction], Fraction]] = {}

    def reduce(
        self, vector: dict[int, Fraction], rhs: Fraction
    ) -> tuple[dict[int, Fraction], Fraction]:
        vector = dict(vector)
        while vector:
            pivot = min(vector)
            if pivot not in self.rows:
                break
            base, base_rhs = self.rows[pivot]
            factor = vector[pivot]
            for index, coefficient in base.items():
                value = vector.get(index, Fraction(0)) - factor * coefficient
                if value:
                    vector[index] = value
                else:
                    vector.pop(index, None)
            rhs -= factor * base_rhs
        return vector, rhs

    def add(self, vector: dict[int, Fraction], rhs: Fraction) -> None:
        vector, rhs = self.reduce(vector, rhs)
        while vector:
            pivot = min(vector)
            if pivot not in self.rows:
                scale = vector[pivot]
                self.rows[pivot] = ({k: v / scale for k, v in vector.items()}, rhs / scale)
                return
            vector, rhs = self.reduce(vector, rhs)

    def solve(self, vector: dict[int, Fraction]) -> Fraction | None:
        """The value of `vector`·atoms if the published equations determine it."""
        remainder, value = self.reduce(vector, Fraction(0))
        return -value if not remainder else None


def recover(
    report: Report, facts: Iterable[Fact], measure: str = "value_eur"
) -> list[tuple[str, Row, Fraction, Fraction]]:
    """Every withheld cell the attacker determines: (table, row, recovered, true value)."""
    facts = list(facts)
    confidential: dict[Atom, Fraction] = {}
    known: dict[Atom, Fraction] = {}
    for fact in facts:
        amount = Fraction(fact.number) if measure == "decisions" else Fraction(fact.value_eur)
        target = known if fact.public else confidential
        target[_atom(fact)] = target.get(_atom(fact), Fraction(0)) + amount
    index = {atom: i for i, atom in enumerate(sorted(confidential))}
    basis = _Basis()
    withheld = []
    for table in report.tables:
        if table.info.fixed is None:
            continue
        for row in (*table.rows, *table.totals):
            if measure not in row.cells or not set(row.keys) <= {
                "member_state",
                "decision",
                "item_category",
                "destination",
                "licence_type",
                "end_user_type",
            }:
                continue
            vector = {index[a]: Fraction(1) for a in confidential if _matches(a, table, row)}
            cell = row.cells[measure]
            if cell.suppressed:
                withheld.append((table.id, row, vector))
                continue
            published = Fraction(cell.value if cell.value is not None else 0).limit_denominator(100)
            named = sum((v for a, v in known.items() if _matches(a, table, row)), Fraction(0))
            basis.add(vector, published - named)
    found = []
    for table_id, row, vector in withheld:
        value = basis.solve(vector)
        if value is not None:
            truth = sum((confidential[a] for a, i in index.items() if i in vector), Fraction(0))
            found.append((table_id, row, value, truth))
    return found
