"""Art 27: export records kept five years from the end of the year, and their exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import ProtectedError
from typer.testing import CliRunner

from licentia.cli import app
from licentia.licences import records, services
from licentia.licences.models import Licence, Shipment
from licentia.licences.records import RecordRetained

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(make_grant: Any, officer: AbstractBaseUser, exporter_user: AbstractBaseUser) -> Licence:
    licence = services.issue_licence(
        make_grant(), actor=officer, valid_from=date.today() - timedelta(days=30)
    )
    services.record_shipment(
        licence,
        actor=exporter_user,
        position=1,
        quantity=Decimal("3"),
        value_eur=Decimal("15000.00"),
        shipped_on=licence.valid_from,
        consignee="=HYPERLINK(evil)",
        destination="BR",
        customs_reference="26DE0000000000001",
    )
    return licence


def test_a_shipment_in_its_retention_period_cannot_be_deleted(shipped: Licence) -> None:
    shipment = Shipment.objects.get()
    with pytest.raises(RecordRetained, match="must be kept until"):
        shipment.delete()
    with pytest.raises(RecordRetained):
        Shipment.objects.all().delete()
    assert Shipment.objects.count() == 1


def test_nor_what_it_was_made_under(shipped: Licence) -> None:
    with pytest.raises(RecordRetained):
        shipped.delete()
    decision = shipped.decision
    application = decision.case.application
    for record in (decision, application):
        with pytest.raises(RecordRetained):
            records.ensure_deletable(record)
        with pytest.raises(ProtectedError):
            record.delete()
    with pytest.raises(ProtectedError):
        Licence.objects.all().delete()
    assert Licence.objects.count() == 1


def test_after_the_retention_period_records_may_go(shipped: Licence) -> None:
    shipment = Shipment.objects.get()
    records.ensure_deletable(shipment, today=shipment.keep_until + timedelta(days=1))
    Shipment.objects.update(keep_until=date.today() - timedelta(days=1))
    Shipment.objects.all().delete()
    shipped.delete()
    assert not Licence.objects.exists()


def test_a_licence_without_shipments_holds_no_records(licence: Licence) -> None:
    assert records.retained_until(licence) is None
    records.ensure_deletable(licence)


def test_records_export_as_csv_and_json(shipped: Licence) -> None:
    found = records.shipment_records(licences=Licence.objects.all())
    rows = list(csv.DictReader(io.StringIO(records.records_csv(found))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["licence_number"], row["line"], row["control_entry"]) == (
        shipped.number,
        "1",
        "5A001.j",
    )
    assert (row["quantity"], row["value_eur"], row["destination"]) == ("3.000", "15000.00", "BR")
    assert row["consignee"] == "'=HYPERLINK(evil)"  # never a formula in a spreadsheet
    data = json.loads(records.records_json(found))
    assert data["records"][0]["customs_reference"] == "26DE0000000000001"
    assert data["records"][0]["consignee"] == "=HYPERLINK(evil)"
    later = date.today() + timedelta(days=1)
    assert records.shipment_records(licences=Licence.objects.all(), since=later) == []


def test_cli_records_export_and_expire(shipped: Licence, tmp_path: Any) -> None:
    runner = CliRunner()
    out = tmp_path / "records.json"
    result = runner.invoke(
        app,
        ["records", "export", "--format", "json", "--organisation", "BAFA", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["records"][0]["licence_number"] == shipped.number
    result = runner.invoke(app, ["records", "export", "--organisation", "Nobody"])
    assert result.exit_code == 2
    assert "no organisation" in result.output
    result = runner.invoke(app, ["records", "export", "--format", "csv"])
    assert result.exit_code == 0
    assert shipped.number in result.output
    after = (shipped.valid_until + timedelta(days=1)).isoformat()
    result = runner.invoke(app, ["licences", "expire", "--today", after])
    assert result.exit_code == 0, result.output
    assert f"expired {shipped.number}" in result.output
    result = runner.invoke(app, ["licences", "expire", "--today", after])
    assert "0 licence(s) expired" in result.output
