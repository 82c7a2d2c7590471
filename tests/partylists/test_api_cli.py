"""The lists API and the `licentia lists` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from licentia.cli import app
from licentia.partylists import services

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "screening"

pytestmark = pytest.mark.django_db


def test_api_versions_changes_and_party(tmp_path: Path) -> None:
    first = services.import_list(FIXTURES / "uk-sanctions-small.xml", "uk-sanctions-xml").version
    second = services.import_list(FIXTURES / "uk-sanctions-small.csv", "uk-sanctions-csv").version
    client = Client()
    listed = client.get("/api/v1/lists/versions").json()
    assert [(v["id"], v["status"]) for v in listed] == [
        (second.pk, "active"),
        (first.pk, "superseded"),
    ]
    assert [v["id"] for v in client.get("/api/v1/lists/active").json()] == [second.pk]
    detail = client.get(f"/api/v1/lists/versions/{second.pk}").json()
    assert detail["entity_count"] == 4
    # The CSV adds two designations, and its passport number and group id change RUS9901.
    assert detail["change_counts"] == {"added": 2, "removed": 0, "changed": 1}
    changes = client.get(f"/api/v1/lists/versions/{second.pk}/changes").json()
    assert {c["source_id"] for c in changes if c["kind"] == "added"} == {"CYB9902", "AQD9904"}
    changed = next(c for c in changes if c["kind"] == "changed")
    assert changed["source_id"] == "RUS9901"
    assert "identifiers" in changed["fields"]
    party = client.get(f"/api/v1/lists/versions/{second.pk}/parties/RUS9901").json()
    assert party["entity"]["names"][0][0] == "Sergei Ivanovich PRIMEROV"
    missing = client.get(f"/api/v1/lists/versions/{second.pk}/parties/NOPE")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert client.get("/api/v1/lists/versions/999999").status_code == 404


def test_cli_import_versions_changes_and_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["lists", "import", str(FIXTURES / "eu-fsf-small.xml"), "--format", "eu-fsf-xml"]
    )
    assert result.exit_code == 0, result.output
    assert "3 parties (first version)" in " ".join(result.output.split())
    again = runner.invoke(
        app, ["lists", "import", str(FIXTURES / "eu-fsf-small.xml"), "--format", "eu-fsf-xml"]
    )
    assert "nothing changed" in again.output
    versions = runner.invoke(app, ["lists", "versions"])
    assert "eu-fsf" in versions.output
    assert "active" in versions.output
    changes = runner.invoke(app, ["lists", "changes", "eu-fsf"])
    assert changes.exit_code == 0
    assert "0 added" in changes.output
    broken = runner.invoke(
        app,
        ["lists", "import", str(FIXTURES / "broken-eu-truncated.xml"), "--format", "eu-fsf-xml"],
    )
    assert broken.exit_code == 2
    assert "malformed XML" in broken.output
    unknown = runner.invoke(app, ["lists", "changes", "nowhere"])
    assert unknown.exit_code == 2
    assert "no version of list 'nowhere'" in unknown.output
