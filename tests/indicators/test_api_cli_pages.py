"""The indicators API, the `licentia indicators` commands and the public country pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from licentia.cli import app
from licentia.indicators import services
from licentia.indicators.models import IndicatorEdition

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "risk"

pytestmark = pytest.mark.django_db
_GENERIC = ["indicators", "import", str(FIXTURES / "generic-fotn.csv"), "--format", "generic-csv"]


def _import_fixtures() -> None:
    mapping = json.loads((FIXTURES / "generic-fotn.json").read_text())
    services.import_indicators(FIXTURES / "generic-fotn.csv", "generic-csv", column_mapping=mapping)
    services.import_indicators(FIXTURES / "vdem-digital-society.csv", "vdem")


def test_api_editions_and_country() -> None:
    _import_fixtures()
    client = Client()
    listed = client.get("/api/v1/indicators/editions").json()
    assert [(e["source"], e["status"], e["failure_count"]) for e in listed] == [
        ("fotn", "active", 2),
        ("vdem", "active", 1),
    ]
    detail = client.get(f"/api/v1/indicators/editions/{listed[1]['id']}").json()
    assert detail["licence"].startswith("CC BY-SA 4.0")
    assert detail["failures"][0]["name"] == "Zanzibar / ZZB"
    assert "vdem.v2smgovsmmon" in detail["indicators"]
    china = client.get("/api/v1/indicators/countries/CHN").json()
    assert china["country"] == "CN"
    monitoring = next(s for s in china["series"] if s["indicator"] == "vdem.v2smgovsmmon")
    assert monitoring["values"] == [{"year": 2023, "value": -3.5, "risk": 1.0}]
    assert monitoring["edition"]["source"] == "vdem"
    norway = client.get("/api/v1/indicators/countries/NO").json()
    assert norway["no_data"] == ["fotn.total", "fotn.violations"]
    unknown = client.get("/api/v1/indicators/countries/QQ")
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "invalid_input"
    assert client.get("/api/v1/indicators/editions/99999").status_code == 404


def test_cli_import_list_show_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    mapping = FIXTURES / "generic-fotn.json"
    result = runner.invoke(
        app,
        [
            "indicators",
            "import",
            str(FIXTURES / "generic-fotn.csv"),
            "--format",
            "generic-csv",
            "--mapping",
            str(mapping),
            "--retrieved-on",
            "2024-10-16",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Imported Freedom on the Net (test fixture)" in result.output
    assert "2 name(s) not mapped" in result.output
    edition = IndicatorEdition.objects.get()
    assert edition.retrieved_on.isoformat() == "2024-10-16"
    again = runner.invoke(
        app,
        [*_GENERIC, "--mapping", mapping.read_text()],
    )
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    listed = runner.invoke(app, ["indicators", "list", "--failures"])
    assert listed.exit_code == 0
    assert "Narnia" in listed.output
    shown = runner.invoke(app, ["indicators", "show", "TR"])
    assert shown.exit_code == 0
    assert "fotn.total" in shown.output
    assert "2022: 32, 2023: 31" in shown.output
    formats = runner.invoke(app, ["indicators", "formats"])
    assert "generic-csv" in formats.output
    bad = runner.invoke(
        app, ["indicators", "import", str(FIXTURES / "pts-bad-number.csv"), "--format", "pts"]
    )
    assert bad.exit_code == 2
    assert "line 3" in bad.output
    assert "PTS_H" in bad.output
    broken = tmp_path / "mapping.json"
    broken.write_text("{not json", encoding="utf-8")
    wrong = runner.invoke(
        app,
        [*_GENERIC, "--mapping", str(broken)],
    )
    assert wrong.exit_code == 2
    assert "not JSON" in wrong.output
    manual = runner.invoke(app, ["indicators", "update", "--source", "pts"])
    assert manual.exit_code == 2
    assert "not downloaded automatically" in manual.output
    assert IndicatorEdition.objects.count() == 1


def test_country_pages() -> None:
    client = Client()
    empty = client.get("/countries/EG/")
    assert empty.status_code == 200
    assert "No data: no imported indicator has a value for Egypt" in empty.content.decode()
    _import_fixtures()
    index = client.get("/countries/").content.decode()
    assert 'href="/countries/CN/"' in index
    assert "Kosovo" in index
    page = client.get("/countries/CN/").content.decode()
    assert "China (CN): human-rights indicators" in page
    assert "Government social media monitoring" in page
    assert "Licence: CC BY-SA 4.0" in page
    assert "Freedom House terms (fixture written for Licentia&#x27;s tests)" in page
    norway = client.get("/countries/NOR/").content.decode()
    assert "Freedom on the Net score (fotn.total): no data for Norway" in norway
    turkey = client.get("/countries/TR/").content.decode()
    assert "<polyline" in turkey  # two years of fotn.total: a sparkline
    assert 'role="img"' in turkey
    missing = client.get("/countries/QQ/")
    assert missing.status_code == 422
    assert "Unknown country code" in missing.content.decode()
