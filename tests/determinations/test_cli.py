"""`licentia check`: a transaction file explained, as JSON, from stdin, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licentia.cli import app
from tests.determinations.conftest import transaction

runner = CliRunner()
YAML = """\
exporter: {established_in: DE}
activity: export
date: 2026-03-01
items:
  - entry: 5A001.j
destination: BR
parties:
  - {role: end-user, type: telecom-operator}
"""


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def json_file(tmp_path: Path) -> Path:
    path = tmp_path / "transaction.json"
    path.write_text(json.dumps(transaction()))
    return path


@pytest.mark.django_db
def test_explains_the_answer_with_citations(curated, json_file):
    code, output = run("check", str(json_file))
    assert code == 0
    assert output.startswith("LICENCE_REQUIRED")
    for text in (
        "Regulation (EU) 2021/821, Art 3(1)",
        "Bundesamt für Wirtschaft und Ausfuhrkontrolle",
        "EU001 not available",
        "EU002 not available",
        "How the answer was reached",
        "1. Is 5A001.j controlled?",
    ):
        assert text in output


@pytest.mark.django_db
def test_json_output_is_the_api_document(curated, json_file, client):
    code, output = run("check", "--json", str(json_file))
    assert code == 0
    api = client.post(
        "/api/v1/determinations", json_file.read_text(), content_type="application/json"
    )
    assert json.loads(output) == api.json()


@pytest.mark.django_db
def test_yaml_from_standard_input(curated):
    code, output = run("check", "-", "--json", stdin=YAML)
    assert code == 0
    assert json.loads(output)["outcome"] == "LICENCE_REQUIRED"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (json.dumps(transaction(destination="XX")), "destination: Unknown country code"),
        (json.dumps(transaction(items=[{"entry": "5D002.a"}])), "items[0].entry '5D002.a'"),
        ('{"exporter": ', "malformed JSON"),
        ("exporter: [", "neither JSON nor YAML"),
        (json.dumps({"activity": "export"}), "exporter: Field required"),
    ],
)
def test_bad_input_exits_2_naming_the_field(curated, tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, output = run("check", str(path))
    assert code == 2
    assert words in " ".join(output.split())


def test_a_missing_file_or_no_file(tmp_path):
    code, output = run("check", str(tmp_path / "absent.json"))
    assert code == 2
    assert "cannot read" in output
    code, output = run("check")
    assert code != 0
    assert "FILE" in output


@pytest.mark.parametrize("name", ["transaction", "determination"])
def test_prints_the_json_schemas(name):
    code, output = run("check", "--schema", name)
    assert code == 0
    assert json.loads(output)["type"] == "object"


@pytest.mark.django_db
def test_a_broken_national_measures_file_is_reported(curated, json_file, settings, tmp_path):
    broken = tmp_path / "measures.json"
    broken.write_text('{"measures": [{"member_state": "DE"}]}')
    settings.LICENTIA_NATIONAL_MEASURES = str(broken)
    code, output = run("check", str(json_file))
    assert code == 2
    assert "measures[0].reference" in " ".join(output.split())
