"""Attack the published tables: no withheld cell may be recovered from published figures."""

from __future__ import annotations

import os
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licentia.reports.build import Cube, _aggregate, build
from licentia.reports.model import Decision, Fact, Report, Rules
from tests.transparency.attacker import recover

G, R, N = Decision.GRANTED, Decision.REFUSED, Decision.NO_LICENCE_REQUIRED


def fact(state: str, dest: str, item: str, exporter: int, value: int, **kw: object) -> Fact:
    return Fact(
        year=2026,
        member_state=state,
        destination=dest,
        item_category=item,
        licence_type=str(kw.get("licence", "individual")),
        decision=kw.get("decision", G),  # type: ignore[arg-type]
        end_user_type=str(kw.get("end_user", "police")),
        exporter=exporter,
        value_eur=float(value),
        public=bool(kw.get("public", False)),
    )


def grid() -> list[Fact]:
    """Two states, three destinations: one small cell (DE->AE) among large ones."""
    facts = []
    exporter = 0
    for state, dest, count in (
        ("DE", "CN", 5),
        ("DE", "US", 6),
        ("DE", "AE", 1),
        ("FR", "CN", 4),
        ("FR", "US", 5),
        ("FR", "AE", 4),
    ):
        for i in range(count):
            exporter += 1
            facts.append(fact(state, dest, "3-electronics", exporter, 1000 + 37 * i + exporter))
    return facts


def test_the_attacker_recovers_a_small_cell_without_complementary_suppression() -> None:
    facts = grid()
    built = build(facts, year=2026, complementary=False)
    found = recover(built.report, facts)
    assert found, "the control: primary suppression alone leaks through the totals"
    assert all(value == truth for _, _, value, truth in found)
    assert any(row.keys.get("destination") == "AE" for _, row, _, _ in found)


def test_complementary_suppression_stops_the_attacker() -> None:
    facts = grid()
    built = build(facts, year=2026)
    reasons = {c.reason for t in built.report.tables for _, _, c in t.suppressed()}
    assert reasons == {"min-count", "complementary"}
    assert recover(built.report, facts) == []
    assert recover(built.report, facts, measure="decisions") == []


def test_linked_tables_sharing_margins_are_protected() -> None:
    """Item and destination tables share the Member State totals; cyber and overview too."""
    facts = grid()
    facts += [fact("DE", "CN", "cs-intrusion", 90 + i, 5000 + i, decision=R) for i in range(2)]
    facts += [
        fact("FR", "CN", "cs-ip-surveillance", 95 + i, 7000 + i, end_user="private")
        for i in range(4)
    ]
    facts += [fact("DE", "US", "5-telecommunications", 99, 123456, licence="global")]
    built = build(facts, year=2026)
    assert any(t.suppressed() for t in built.report.tables)
    assert recover(built.report, facts) == []
    assert recover(built.report, facts, measure="decisions") == []


def test_decisions_published_in_full_do_not_unmask_the_rest() -> None:
    """Three decisions in a cell, two named: the third would be the total minus the two."""
    facts = grid()
    facts += [fact("DE", "AE", "3-electronics", 70 + i, 2000 + i, public=True) for i in range(3)]
    built = build(facts, year=2026)
    assert recover(built.report, facts) == []


def test_dominance_rule_withholds_a_cell_one_exporter_dominates() -> None:
    facts = [fact("DE", "CN", "3-electronics", 1, 1_000_000)]
    facts += [fact("DE", "CN", "3-electronics", 2 + i, 100) for i in range(5)]
    facts += [fact("DE", "US", "3-electronics", 10 + i, 1000 + i) for i in range(5)]
    facts += [fact("FR", "CN", "3-electronics", 20 + i, 1000 + i) for i in range(5)]
    facts += [fact("FR", "US", "3-electronics", 30 + i, 1000 + i) for i in range(5)]
    report = build(facts, year=2026, rules=Rules(min_count=3, dominance_n=1, dominance_k=60)).report
    table = report.table("s4-destination")
    cell = next(
        r for r in table.rows if r.keys == {"destination": "CN", "member_state": "DE"}
    ).cells["value_eur"]
    assert cell.suppressed
    assert cell.reason == "dominance"
    assert recover(report, facts) == []


STATES = ("DE", "FR", "IT")
DESTINATIONS = ("CN", "US", "AE", "RU")
ITEMS = ("3-electronics", "5-telecommunications", "cs-intrusion", "cs-ip-surveillance")

facts_strategy = st.lists(
    st.builds(
        fact,
        st.sampled_from(STATES),
        st.sampled_from(DESTINATIONS),
        st.sampled_from(ITEMS),
        st.integers(0, 6),
        st.integers(1, 5000),
        decision=st.sampled_from([G, G, G, R, N]),
        licence=st.sampled_from(["individual", "global"]),
        end_user=st.sampled_from(["police", "private"]),
        public=st.sampled_from([False] * 9 + [True]),
    ),
    min_size=1,
    max_size=45,
)


EXAMPLES = int(os.environ.get("LICENTIA_ATTACK_EXAMPLES", "60"))  # a few hundred locally


def withheld(report: Report) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    return {
        (t.id, tuple(sorted(row.keys.items())))
        for t in report.tables
        for row in (*t.rows, *t.totals)
        if row.cells["decisions"].suppressed
    }


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=facts_strategy, min_count=st.integers(2, 4), k=st.sampled_from([60.0, 85.0]))
def test_no_withheld_cell_is_recoverable_from_random_cubes(
    facts: list[Fact], min_count: int, k: float
) -> None:
    rules = Rules(min_count=min_count, dominance_k=k)
    built = build(facts, year=2026, rules=rules)
    assert recover(built.report, facts) == []
    assert recover(built.report, facts, measure="decisions") == []
    # the same choice with every certificate built from atoms and checked against its shape
    checked = build(facts, year=2026, rules=rules, explicit=True)
    assert withheld(checked.report) == withheld(built.report)


def test_explicit_certificates_change_only_withheld_cells() -> None:
    """Each certificate, applied to the atoms, changes withheld cells only (and at least one)."""
    facts = grid()
    facts += [fact("DE", "CN", "cs-intrusion", 90 + i, 5000 + i, decision=R) for i in range(2)]
    facts += [fact("IT", d, "3-electronics", 200 + i, 900 + i) for i, d in enumerate("CN US AE")]
    built = build(facts, year=2026, explicit=True)
    assert built.certificates
    assert all(built.certificates)
    assert recover(built.report, facts) == []


def test_a_small_interior_cell_is_protected_by_interior_cells_only() -> None:
    """One small cell in a dense grid: a rectangle of interior cells, no total withheld."""
    built = build(grid(), year=2026)
    table = built.report.table("s4-destination")
    assert not [r for r in table.totals if r.cells["decisions"].suppressed]
    reasons = sorted(r.cells["decisions"].reason for r in table.rows)
    assert reasons.count("min-count") == 1
    assert reasons.count("complementary") == 3
    overview = built.report.table("by-destination")
    assert not [r for r in (*overview.rows, *overview.totals) if r.cells["decisions"].suppressed]
    assert not built.report.table("decisions").suppressed()


def test_the_rectangle_prefers_cells_already_withheld() -> None:
    """Two small cells in different states and rows: one rectangle protects both."""
    facts = grid()
    facts = [f for f in facts if not (f.member_state == "FR" and f.destination == "US")]
    facts += [fact("FR", "US", "3-electronics", 300, 1234)]
    built = build(facts, year=2026)
    table = built.report.table("s4-destination")
    reasons = sorted(r.cells["decisions"].reason for r in table.rows)
    assert reasons.count("min-count") == 2
    assert reasons.count("complementary") == 2
    assert recover(built.report, facts) == []


def test_a_small_union_total_is_protected_by_another_row() -> None:
    """A destination with two decisions in all: its Union total is withheld, and so is one
    other row's, never the grand total."""
    facts = grid()
    facts += [
        fact("DE", "BR", "3-electronics", 400, 2500),
        fact("FR", "BR", "3-electronics", 401, 2600),
    ]
    built = build(facts, year=2026)
    table = built.report.table("s4-destination")
    union = {r.keys["destination"]: r for r in table.totals if r.keys["member_state"] == "total"}
    assert union["BR"].cells["decisions"].reason == "min-count"
    assert not union["total"].cells["decisions"].suppressed
    assert recover(built.report, facts) == []
    assert recover(built.report, facts, measure="decisions") == []


def test_aggregation_matches_a_plain_count() -> None:
    """Counts, values and the two largest exporters of each cell, against a direct sum."""
    facts = grid()
    facts += [fact("DE", "CN", "3-electronics", 7, 99999), fact("DE", "CN", "3-electronics", 7, 1)]
    facts += [fact("FR", "AE", "cs-intrusion", 8, 5, decision=R, public=True)]
    cube = Cube.from_facts(facts)
    stats = _aggregate(cube, Rules())
    states, dests = cube.vocab["member_state"], cube.vocab["destination"]
    for (t, x, s, d, cy), figures in stats.items():
        if t != 1 or s < 0 or cy >= 0:
            continue
        inside = [
            f
            for f in facts
            if f.member_state == states[s]
            and f.destination == dests[x]
            and list(Decision).index(f.decision) == d
        ]
        assert figures.count == len(inside)
        assert abs(figures.value - sum(f.value_eur for f in inside)) < 1e-6
        by_exporter: dict[int, float] = defaultdict(float)
        for f in inside:
            if not f.public:
                by_exporter[f.exporter] += f.value_eur
        assert figures.conf_count == sum(1 for f in inside if not f.public)
        assert abs(figures.top - sum(sorted(by_exporter.values(), reverse=True)[:2])) < 1e-6


def test_a_mirrored_rectangle_leaves_the_overview_grid_published() -> None:
    """Cyber-surveillance items without licence required: one small cell. The rectangle is
    mirrored among the other items of the same cells (published nowhere by state for that
    decision), so the destination x Member State overview keeps every figure."""
    facts = []
    exporter = 500
    for state, dest, count in (
        ("DE", "CN", 5),
        ("DE", "US", 6),
        ("DE", "AE", 1),
        ("FR", "CN", 4),
        ("FR", "US", 5),
        ("FR", "AE", 4),
    ):
        for item, n in (("cs-intrusion", count), ("3-electronics", 5)):
            for i in range(n):
                exporter += 1
                facts.append(fact(state, dest, item, exporter, 1000 + 7 * i, decision=N))
    built = build(facts, year=2026, explicit=True)
    s7 = built.report.table("s7-destination")
    reasons = sorted(r.cells["decisions"].reason for r in s7.rows)
    assert reasons.count("min-count") == 1
    assert reasons.count("complementary") == 3
    assert not built.report.table("by-destination-and-member-state").suppressed()
    assert recover(built.report, facts) == []
    assert recover(built.report, facts, measure="decisions") == []


dense_strategy = st.lists(
    st.builds(
        fact,
        st.sampled_from(STATES),
        st.sampled_from(DESTINATIONS),
        st.sampled_from(["3-electronics", "cs-intrusion"]),
        st.integers(0, 30),
        st.integers(1, 5000),
        decision=st.sampled_from([G, G, R, N]),
        public=st.sampled_from([False] * 19 + [True]),
    ),
    min_size=30,
    max_size=90,
)


@settings(
    max_examples=max(EXAMPLES // 3, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(facts=dense_strategy, min_count=st.integers(2, 4))
def test_no_withheld_cell_is_recoverable_from_dense_random_cubes(
    facts: list[Fact], min_count: int
) -> None:
    """Denser cubes (few profiles), where most certificates are rectangles and mirrors."""
    built = build(facts, year=2026, rules=Rules(min_count=min_count), explicit=True)
    assert recover(built.report, facts) == []
    assert recover(built.report, facts, measure="decisions") == []
