"""The risk-assessments app: API, page, panel, CLI and an authority's configuration with its log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.test import Client
from typer.testing import CliRunner

from licentia.accounts.models import Membership, Organisation, OrganisationKind
from licentia.cli import app
from licentia.errors import InvalidInput
from licentia.risk.config import DEFAULT_CONFIG
from licentia.risk.model import Edition, Indicator, Observation
from licentia.risk.store import MemoryStore
from licentia.riskassessments import services
from licentia.riskassessments.models import RiskConfiguration, RiskConfigurationChange
from tests.accounts.support import signed_in
from tests.factories import exporter

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year - 1
EDITION = Edition("test", "Test edition", "CC0", "https://example.org", dt.date(2025, 1, 1), "0")
PTS = Indicator("pts.state", "pts", "PTS (State Dept)", best=1, worst=5)
FH = Indicator("fh.pr", "fh", "FH political rights", best=1, worst=7)
REQUEST = {"destination": "CN", "end_user_type": "police", "items": ["5A001.j"]}


def _store() -> MemoryStore:
    values = {"CN": (5, 7), "NO": (1, 1)}
    return MemoryStore(
        (PTS, FH),
        (
            Observation(indicator.key, country, year, value, EDITION)
            for country, pair in values.items()
            for indicator, value in zip((PTS, FH), pair, strict=True)
            for year in range(YEAR - 5, YEAR + 1)
        ),
    )


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> MemoryStore:
    memory = _store()
    monkeypatch.setattr(services, "indicator_store", lambda: memory)
    return memory


@pytest.fixture
def client() -> Client:
    _, user = exporter()
    c = Client()
    c.force_login(user)
    return c


def officer(name: str = "officer") -> tuple[Organisation, AbstractBaseUser]:
    authority = Organisation.objects.create(
        name="BAFA", kind=OrganisationKind.AUTHORITY, member_state="DE"
    )
    user = get_user_model().objects.create_user(username=name, password="pw-for-tests-only")
    Membership.objects.create(user=user, organisation=authority, role="licensing-officer")
    return authority, user


def post(client: Client, payload: dict[str, Any]) -> Any:
    return client.post("/api/v1/risk-assessments", payload, content_type="application/json")


# -- API -----------------------------------------------------------------------------------------


def test_api_returns_rating_factors_evidence_flags_reasoning_and_config(
    client: Client, store: MemoryStore
) -> None:
    response = post(client, {**REQUEST, "flags": ["covert-capabilities"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "assessed"
    assert body["rating"] == "very-high"
    assert body["date"] == dt.date.today().isoformat()
    assert [f["factor"] for f in body["factors"]] == [
        "destination",
        "trend",
        "technology",
        "end-user",
        "red-flags",
        "identity",
    ]
    assert sum(f["contribution"] for f in body["factors"]) == pytest.approx(body["score"], abs=1e-3)
    evidence = body["factors"][0]["indicators"][0]
    assert evidence["indicator"] == "pts.state"
    assert (evidence["value"], evidence["year"]) == (5, YEAR)
    assert evidence["edition"]["licence"] == "CC0"
    assert evidence["trend"]["points"]
    assert body["flags"][0]["id"] == "covert-capabilities"
    assert "Recommendation (EU) 2024/2659" in body["flags"][0]["citation"]
    assert any("criterion 2" in p for p in body["reasoning"])
    assert body["config_version"] == DEFAULT_CONFIG.version


def test_api_without_indicators_says_insufficient_data(client: Client) -> None:
    body = post(client, REQUEST).json()
    assert body["status"] == "insufficient-data"
    assert body["rating"] is None
    assert body["rating_label"] == "insufficient data"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**REQUEST, "destination": "XX"}, "destination"),
        ({**REQUEST, "items": ["6A003.b.4"], "categories": ["facial-recognition"]}, "categories"),
        ({**REQUEST, "date": "1800-01-01"}, "date"),
        ({**REQUEST, "flags": ["nope"]}, "flags[0]"),
        (
            {**REQUEST, "screening_hits": [{"source": "EU", "name": "X", "score": 3}]},
            "screening_hits[0].score",
        ),
        ({"end_user_type": "police"}, "destination"),
    ],
)
def test_api_bad_input_is_a_422_naming_the_field(
    client: Client, store: MemoryStore, payload: dict[str, Any], field: str
) -> None:
    response = post(client, payload)
    assert response.status_code == 422, response.content
    assert response.json()["details"]["field"] == field


def test_api_needs_a_signed_in_user() -> None:
    assert post(Client(), REQUEST).status_code == 401


@pytest.mark.skipif(
    not apps.is_installed("licentia.indicators"), reason="the indicators app is not installed"
)
def test_api_over_indicators_imported_into_the_database(client: Client) -> None:
    from licentia.indicators.services import import_indicators

    import_indicators(FIXTURES / "pts-small.csv", "pts")
    import_indicators(FIXTURES / "fh-small.csv", "fh-fiw")
    china = post(client, {**REQUEST, "date": "2023-12-31"}).json()
    norway = post(
        client,
        {**REQUEST, "destination": "NO", "end_user_type": "telecom-operator", "date": "2023-12-31"},
    ).json()
    assert china["rating"] in ("high", "very-high")
    assert norway["rating"] == "low"
    assert {e["edition"]["label"] for e in china["factors"][0]["indicators"] if e["edition"]} == {
        "Political Terror Scale 2021-2023 (pts-small.csv)",
        "Freedom House, Freedom in the World 2021-2023 (fh-small.csv)",
    }


# -- an authority's configuration and its change log ---------------------------------------------


def test_an_authority_changes_its_configuration_and_the_change_is_logged(
    store: MemoryStore,
) -> None:
    authority, user = officer()
    c = signed_in(user)  # an officer passes the second factor (docs/accounts.md)
    assert c.get("/api/v1/risk-assessments/config").json()["version"] == DEFAULT_CONFIG.version
    response = c.put(
        "/api/v1/risk-assessments/config",
        {
            "changes": {"bands": {"medium": 0.3, "high": 0.6, "very_high": 0.99}},
            "reason": "National guidance of 2025: very high only for the clearest cases",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == f"authority-{authority.pk}-r1"
    assert body["settings"]["bands"]["very_high"] == 0.99
    (change,) = body["history"]
    assert change["changed_by"] == "officer"
    assert change["changes"]["bands"]["from"]["very_high"] == 0.7
    assert change["changes"]["bands"]["to"]["very_high"] == 0.99
    assert "National guidance" in change["reason"]
    assessed = post(c, REQUEST).json()
    assert assessed["config_version"] == f"authority-{authority.pk}-r1"
    assert assessed["rating"] == "high"


def test_exporters_use_the_defaults_and_cannot_change_them(
    client: Client, store: MemoryStore
) -> None:
    response = client.put(
        "/api/v1/risk-assessments/config",
        {"changes": {"trend_weight": 0.2}, "reason": "why not"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not RiskConfiguration.objects.exists()


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"trend_weight": 2}, "too strong", "trend_weight"),
        ({"technology": {"mind-reading": 1}}, "new tech", "technology"),
        ({"trend_weight": 0.2}, "  ", "reason"),
        ({}, "nothing", "changes"),
        ({"version": "mine"}, "rename", "version"),
        ({"trend_weight": 0.5}, "same value", "changes"),
    ],
)
def test_a_bad_change_names_the_field_and_writes_nothing(
    changes: dict[str, Any], reason: str, field: str
) -> None:
    authority, user = officer()
    with pytest.raises(InvalidInput) as raised:
        services.change_configuration(
            authority=authority, changes=changes, user=user, reason=reason
        )
    assert raised.value.details["field"] == field
    assert not RiskConfigurationChange.objects.exists()


def test_changes_accumulate_revisions_in_the_log() -> None:
    authority, user = officer()
    services.change_configuration(
        authority=authority, changes={"trend_weight": 0.25}, user=user, reason="first"
    )
    services.change_configuration(
        authority=authority, changes={"end_user": {"police": 0.8}}, user=user, reason="second"
    )
    config = services.configuration(authority=authority)
    assert config.trend_weight == 0.25
    assert config.version == f"authority-{authority.pk}-r2"
    assert [c.reason for c in services.history(authority=authority)] == ["second", "first"]


# -- the page and the panel ------------------------------------------------------------------------


def test_page_shows_the_form_then_the_panel(client: Client, store: MemoryStore) -> None:
    page = client.get("/risk/")
    assert page.status_code == 200
    assert b'name="destination"' in page.content
    response = client.post(
        "/risk/",
        {
            "destination": "CN",
            "end_user_type": "police",
            "items": "5A001.j",
            "date": dt.date.today().isoformat(),
            "flags": ["covert-capabilities"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Very high" in html
    assert "Factors and their contributions to the score" in html
    assert "Test edition" in html
    assert "Draft criterion 2 reasoning" in html
    assert "covert-capabilities" in html


def test_page_bad_input_says_what_and_marks_the_field(client: Client, store: MemoryStore) -> None:
    response = client.post(
        "/risk/", {"destination": "ZZ", "items": "5A001.j", "date": dt.date.today().isoformat()}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Unknown country code" in html
    assert 'id="id_destination"' in html
    assert 'aria-invalid="true"' in html


def test_the_panel_can_be_included_on_its_own(store: MemoryStore) -> None:
    assessment = services.assess(request_data={**REQUEST, "date": dt.date.today().isoformat()})
    html = render_to_string(
        "riskassessments/_panel.html", {"assessment": assessment, "heading_level": 3}
    )
    assert html.lstrip().startswith("<section")
    assert "<h3" in html
    assert "<h4>" in html
    assert "Indicators of the destination" in html
    assert "<textarea" in html
    assert '<label for="risk-reasoning-CN"' in html


# -- CLI -----------------------------------------------------------------------------------------


def test_cli_json_is_the_api_document(store: MemoryStore) -> None:
    result = CliRunner().invoke(
        app,
        [
            "risk",
            "--destination",
            "CN",
            "--end-user-type",
            "police",
            "--item",
            "5A001.j",
            "--category",
            "facial-recognition",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["rating"] == "very-high"
    assert body["factors"][2]["evidence"][1]["label"] == "facial-recognition"


def test_cli_text_explains(store: MemoryStore) -> None:
    result = CliRunner().invoke(
        app,
        ["risk", "--destination", "NO", "--end-user-type", "telecom-operator", "--item", "5A001.j"],
    )
    assert result.exit_code == 0, result.output
    assert "LOW" in result.output
    assert "Draft criterion 2 reasoning" in result.output


def test_cli_bad_input_exits_2_naming_the_field(store: MemoryStore) -> None:
    result = CliRunner().invoke(
        app, ["risk", "--destination", "CN", "--item", "6A003.b.4", "--category", "intrusion"]
    )
    assert result.exit_code == 2
    assert "categories" in result.output
