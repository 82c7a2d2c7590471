"""The report from stored decisions: facts, delay, full publication, filters, API, cache."""

from __future__ import annotations

import datetime as dt
import io
import json

import pyarrow.parquet as pq
import pytest
from django.test import override_settings

from licentia.errors import InvalidInput, NotFound
from licentia.transparency import services
from licentia.transparency.models import DecisionFact
from tests.transparency import factories as f

pytestmark = pytest.mark.django_db
LATE = dt.date(2026, 12, 31)


@pytest.fixture
def world() -> dict[str, object]:
    bafa = f.organisation("BAFA", kind="authority", state="DE")
    anssi = f.organisation("SBDU", kind="authority", state="FR")
    exporters = [f.organisation(f"Exporter {i}") for i in range(6)]
    for e in exporters:
        f.decision(exporter=e, authority=bafa, destinations=("CN",))
        f.decision(exporter=e, authority=bafa, destinations=("US",), lines=(("3A001", "5000"),))
        f.decision(exporter=e, authority=anssi, destinations=("CN",), lines=(("3A001", "7000"),))
    lonely = f.decision(
        exporter=exporters[0],
        authority=bafa,
        outcome="refuse",
        destinations=("AE",),
        lines=(("4A005", "250000"),),
        end_user="intelligence",
    )
    return {"bafa": bafa, "anssi": anssi, "exporters": exporters, "lonely": lonely}


def test_facts_are_derived_from_decisions(world: dict[str, object]) -> None:
    services.report(year=2026, today=LATE)
    facts = DecisionFact.objects.all()
    assert facts.count() == 19
    refused = facts.get(outcome="refused")
    assert (refused.item_category, refused.destination, refused.end_user_type) == (
        "cs-intrusion",
        "AE",
        "intelligence",
    )
    assert refused.publish_on == dt.date(2026, 3, 2) + dt.timedelta(days=90)


def test_no_exporter_names_and_small_cells_withheld(world: dict[str, object]) -> None:
    report = services.report(year=2026, today=LATE)
    text = services.render(year=2026, fmt="json", today=LATE).decode()
    assert "Exporter 0" not in text
    s7 = report.table("s7-destination")
    ae = next(r for r in s7.rows if r.keys["destination"] == "AE")
    assert ae.cells["decisions"].suppressed
    assert ae.cells["decisions"].reason == "min-count"
    assert ae.cells["decisions"].value is None


def test_the_delay_holds_back_recent_decisions(world: dict[str, object]) -> None:
    before = services.report(year=2026, today=dt.date(2026, 5, 1))
    assert all(not t.rows for t in before.tables)
    after = services.report(year=2026, today=dt.date(2026, 6, 10))
    assert after.table("decisions").rows
    assert after.published_until <= dt.date(2026, 6, 10)


def test_an_authority_sets_its_own_delay(world: dict[str, object]) -> None:
    services.report(year=2026, today=LATE)
    services.set_delay(authority=world["anssi"], days=10)
    early = services.report(year=2026, today=dt.date(2026, 3, 20))
    states = {r.keys["member_state"] for r in early.table("by-member-state").rows}
    assert states == {"FR"}
    with pytest.raises(InvalidInput):
        services.set_delay(authority=world["anssi"], days=-1)


def test_publications_respect_the_delay(world: dict[str, object]) -> None:
    assert services.publications(today=dt.date(2026, 5, 1)) == []
    found = services.publications(today=LATE)
    assert found
    assert all(p.year == 2026 for p in found)
    assert all(p.published_at.date() >= dt.date(2026, 5, 31) for p in found)


def test_a_decision_published_in_full_names_its_exporter(world: dict[str, object]) -> None:
    services.report(year=2026, today=LATE)
    services.publish_in_full(decision=world["lonely"])
    report = services.report(year=2026, today=LATE)
    rows = report.table("published-in-full").rows
    assert len(rows) == 1
    assert rows[0].keys["exporter"] == "Exporter 0"
    assert rows[0].keys["control_entry"] == "4A005"


def test_an_authority_publishing_everything_in_full(world: dict[str, object]) -> None:
    from licentia.transparency.models import PublicationSettings

    PublicationSettings.objects.create(authority=world["anssi"], publish_all_in_full=True)
    services.sync_facts(rebuild=True)
    report = services.report(year=2026, today=LATE)
    assert {r.keys["member_state"] for r in report.table("published-in-full").rows} == {"FR"}


def test_filters_slice_the_published_tables(world: dict[str, object]) -> None:
    full = services.report(year=2026, today=LATE)
    de = services.report(year=2026, filters={"member_state": "DE"}, today=LATE)
    assert "decisions" in de.omitted
    for table in de.tables:
        assert all(r.keys.get("member_state", "DE") == "DE" for r in table.rows)
        assert all(r in full.table(table.id).rows for r in table.rows)
    cn = services.report(year=2026, filters={"destination": "CN"}, today=LATE)
    assert {r.keys["destination"] for r in cn.table("by-destination").rows} == {"CN"}
    category = services.report(year=2026, filters={"item_category": "3"}, today=LATE)
    assert {r.keys["item_category"] for r in category.table("by-item-category").rows} == {
        "3-electronics"
    }
    granted = services.report(year=2026, filters={"decision": "granted"}, today=LATE)
    assert "s4-destination" in {t.id for t in granted.tables}
    assert "s6-destination" in granted.omitted
    with pytest.raises(InvalidInput):
        services.report(year=2026, filters={"colour": "red"}, today=LATE)


def test_the_portal_api(world: dict[str, object]) -> None:
    ids = [t.id for t in services.tables()]
    assert len(ids) == len(set(ids))
    assert "s7-item-category" in ids
    assert {c.name for c in services.data_dictionary()} >= {"decisions", "value_eur", "reason"}
    assert services.delay_days == 90
    data = services.export("s4-destination", "parquet", year=2026, today=LATE)
    table = pq.read_table(io.BytesIO(data))
    assert set(table.column("table").to_pylist()) == {"s4-destination"}
    assert b"licentia.provenance" in table.schema.metadata
    document = json.loads(services.export("decisions", "json", year=2026, today=LATE))
    assert document["tables"][0]["id"] == "decisions"
    with pytest.raises(NotFound):
        services.export("nope", "csv", year=2026, today=LATE)
    with pytest.raises(InvalidInput):
        services.export("decisions", "pdf", year=2026, today=LATE)


@override_settings(LICENTIA_REPORT_MIN_COUNT=7)
def test_the_minimum_count_is_configurable(world: dict[str, object]) -> None:
    report = services.report(year=2026, today=LATE)
    cell = next(
        r
        for r in report.table("s4-destination").rows
        if r.keys == {"destination": "CN", "member_state": "FR"}
    ).cells["decisions"]
    assert cell.suppressed  # 6 decisions < 7
    assert report.provenance.rules["min_count"] == 7


def test_results_are_cached_per_data_version(world: dict[str, object]) -> None:
    first = services.report(year=2026, today=LATE)
    assert (
        services.report(year=2026, today=LATE).provenance.generated_at
        == first.provenance.generated_at
    )
    f.decision(exporter=world["exporters"][1], authority=world["bafa"])
    again = services.report(year=2026, today=LATE)
    assert again.provenance.data_version != first.provenance.data_version
