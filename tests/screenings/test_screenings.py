"""The screening app: services over the active lists, the API, the page and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client, override_settings
from typer.testing import CliRunner

from licentia.cli import app
from licentia.partylists import services as lists
from licentia.screenings import services
from tests.factories import exporter

FIXTURE = Path(__file__).parent.parent / "fixtures" / "screening" / "ftm-small.jsonl"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(DATA_DIR=tmp_path):
        services.rebuild_index()
        yield tmp_path


@pytest.fixture
def loaded() -> None:
    lists.import_list(FIXTURE, "ftm-json")


@pytest.fixture
def client() -> Client:
    _, user = exporter()
    c = Client()
    c.force_login(user)
    return c


def test_no_list_is_not_a_clear(client: Client) -> None:
    response = client.post(
        "/api/v1/screenings", {"name": "Viktor Beispiel"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert "No restricted-party list is active" in response.json()["message"]


def test_single_screening_with_explanations(client: Client, loaded: None, data_dir: Path) -> None:
    response = client.post(
        "/api/v1/screenings",
        {"name": "Виктор Беспиел", "type": "person"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "hits"
    hit = body["hits"][0]
    assert hit["source_id"] == "lic-test-ab12cd"
    assert hit["list_version"]
    assert hit["features"][0]["feature"] == "name"
    assert hit["parts"]
    assert body["lists"]
    assert body["lists"][0]["checksum"]
    assert list((data_dir / "screening").glob("index-*.pickle")), "the index is persisted"


def test_clear_names_the_lists_checked(client: Client, loaded: None) -> None:
    body = client.post(
        "/api/v1/screenings", {"name": "Wolfgang Mozart"}, content_type="application/json"
    ).json()
    assert body["status"] == "clear"
    assert body["hits"] == []
    assert body["lists"]


def test_batch(client: Client, loaded: None) -> None:
    payload = {
        "parties": [{"name": "Viktor Beispiel"}, {"name": "Wolfgang Mozart"}],
        "threshold": 0.8,
    }
    body = client.post("/api/v1/screenings/batch", payload, content_type="application/json").json()
    assert [r["status"] for r in body["results"]] == ["hits", "clear"]
    assert body["lists"]


@pytest.mark.parametrize("name", ["", "!!!", "x" * 10_000])
def test_bad_queries_get_422(client: Client, loaded: None, name: str) -> None:
    response = client.post("/api/v1/screenings", {"name": name}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_api_requires_login(loaded: None) -> None:
    response = Client().post(
        "/api/v1/screenings", {"name": "Viktor"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_index_follows_list_activation(loaded: None) -> None:
    before = lists.active_fingerprint()
    index, _ = services.current_index()
    assert services.current_index()[0] is index  # cached
    assert before == lists.active_fingerprint()


def test_page(client: Client, loaded: None) -> None:
    assert client.get("/screening/").status_code == 200
    response = client.post("/screening/", {"name": "Viktor Beispiel", "profile": "standard"})
    assert response.status_code == 200
    assert "lic-test-ab12cd" in response.content.decode()
    bad = client.post("/screening/", {"name": "1234"})
    assert bad.status_code == 422
    assert "no letters" in bad.content.decode()


def test_page_requires_login() -> None:
    assert Client().get("/screening/").status_code == 302


def test_cli_single_and_batch(loaded: None, tmp_path: Path) -> None:
    runner = CliRunner()
    single = runner.invoke(app, ["screen", "Viktor Beispiel", "--output", "json"])
    assert single.exit_code == 1, single.output  # exit 1: there are hits
    assert json.loads(single.stdout)["hits"][0]["source_id"] == "lic-test-ab12cd"
    parties = tmp_path / "parties.csv"
    parties.write_text(
        "name,country,birth_date,type\nViktor Beispiel,RU,1972,person\nWolfgang Mozart,,,\n,,,\n",
        encoding="utf-8",
    )
    batch = runner.invoke(app, ["screen", "--file", str(parties), "--output", "csv"])
    assert batch.exit_code == 1, batch.output
    lines = batch.stdout.strip().splitlines()
    assert lines[0].startswith("row,query,status")
    assert ",hit," in lines[1]
    assert ",clear," in lines[2]
    assert ",invalid," in lines[3]


def test_cli_without_lists() -> None:
    result = CliRunner().invoke(app, ["screen", "Viktor"])
    assert result.exit_code == 2
