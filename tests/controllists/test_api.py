"""The control list API, through HTTP."""

from __future__ import annotations

import pytest

from licentia.controllists import services
from tests.factories import next_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    services.import_curated()
    services.import_control_list(control_list=next_version())


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/controls/classify" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()


def test_versions_search_entry_and_compare(client, lists):
    versions = client.get("/api/v1/controls/versions").json()
    assert [(v["version"], v["valid_to"]) for v in versions] == [
        ("2026-11-15", None),
        ("2025-11-15", "2026-11-15"),
    ]

    hits = client.get(
        "/api/v1/controls/search", {"q": "imsi catcher", "version": "2025-11-15"}
    ).json()["hits"]
    assert "5A001.f.2" in [hit["entry"]["path"] for hit in hits[:3]]

    entry = client.get("/api/v1/controls/entries/5A001.f", {"version": "2025-11-15"}).json()
    assert [c["path"] for c in entry["children"]] == [
        "5A001.f.1",
        "5A001.f.2",
        "5A001.f.3",
        "5A001.f.4",
    ]
    assert entry["cyber_surveillance"] is True
    assert entry["citation"].startswith("5A001.f, Annex I")

    compared = client.get(
        "/api/v1/controls/compare", {"old": "2025-11-15", "new": "2026-11-15"}
    ).json()
    assert compared["counts"] == {"added": 1, "removed": 1, "changed": 1}


def test_classify_cites_the_list_version(client, lists):
    response = client.post(
        "/api/v1/controls/classify",
        {
            "description": "fake base station that captures IMSI and IMEI of nearby phones",
            "version": "2025-11-15",
        },
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200
    assert body["top"] == "5A001.f.2"
    assert body["list_version"] == "2025-11-15"
    assert body["candidates"][0]["may_release"][0]["source_note"] == "Note to 5A001.f"


@pytest.mark.parametrize(
    ("method", "url", "payload", "status", "code"),
    [
        ("get", "/api/v1/controls/entries/5A001.zz", None, 404, "not_found"),
        ("get", "/api/v1/controls/compare?old=2025-11-15&new=1990-01-01", None, 404, "not_found"),
        ("post", "/api/v1/controls/classify", {"description": "   "}, 422, "invalid_input"),
    ],
)
def test_errors_have_one_shape(client, lists, method, url, payload, status, code):
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, payload, content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_payload_validation_is_422(client, lists):
    response = client.post(
        "/api/v1/controls/classify", {"description": "x" * 6000}, content_type="application/json"
    )
    assert response.status_code == 422


def test_framework_errors_have_the_same_shape(client, lists, settings):
    unauthenticated = client.get("/api/v1/products/")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["code"] == "not_authenticated"

    invalid = client.post(
        "/api/v1/controls/classify", {"regime": "xx"}, content_type="application/json"
    )
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "invalid_payload"
    assert "description" in invalid.json()["message"]

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    too_big = client.post(
        "/api/v1/controls/classify", {"description": "x" * 2000}, content_type="application/json"
    )
    assert too_big.status_code == 413
    assert too_big.json()["code"] == "too_large"
