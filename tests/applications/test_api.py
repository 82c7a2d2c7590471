"""The exporter's API: the same rules, exporter-only schemas, one error shape."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from licentia.applications.models import Application
from tests.applications.conftest import PDF

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_needs_a_signed_in_exporter(client) -> None:
    assert client.get("/api/v1/applications/").status_code == 401


def test_draft_to_submission_over_the_api(client, alice, control_list, authority) -> None:
    client.force_login(alice)
    created = client.post(
        "/api/v1/applications/", {"kind": "individual", "title": "Probes"}, content_type=JSON
    )
    assert created.status_code == 201
    body = created.json()
    pk, version = body["id"], body["version"]
    assert body["state"] == "draft"
    header = {
        "version": version,
        "kind": "individual",
        "title": "Probes",
        "destinations": ["AE"],
        "end_use": "Lawful interception",
    }
    updated = client.put(f"/api/v1/applications/{pk}", header, content_type=JSON)
    assert updated.status_code == 200
    stale = client.put(f"/api/v1/applications/{pk}", header, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_object"
    version = updated.json()["version"]
    line = {"version": version, "description": "Probe", "control_entry": "5A001.j"}
    absurd = client.post(
        f"/api/v1/applications/{pk}/goods-lines",
        {**line, "quantity": "4", "value_eur": "1e15"},
        content_type=JSON,
    )
    assert absurd.status_code == 422
    assert absurd.json()["details"]["field"] == "value_eur"
    added = client.post(
        f"/api/v1/applications/{pk}/goods-lines",
        {**line, "quantity": "4", "value_eur": "120000"},
        content_type=JSON,
    )
    assert added.status_code == 201
    version = added.json()["version"]
    incomplete = client.post(
        f"/api/v1/applications/{pk}/submit", {"version": version}, content_type=JSON
    )
    assert incomplete.status_code == 422
    assert incomplete.json()["code"] == "incomplete"
    problem_fields = {p["field"] for p in incomplete.json()["details"]["problems"]}
    assert problem_fields == {"parties", "documents"}
    for role in ("end-user", "consignee"):
        version = client.post(
            f"/api/v1/applications/{pk}/parties",
            {
                "version": version,
                "role": role,
                "name": "Gulf Telecom",
                "country": "AE",
                "type": "telecom-operator",
            },
            content_type=JSON,
        ).json()["version"]
    wrong = client.post(
        f"/api/v1/applications/{pk}/documents",
        {
            "version": version,
            "kind": "end-use-statement",
            "file": SimpleUploadedFile("s.pdf", b"#!/bin/sh\nrm -rf /"),
        },
    )
    assert wrong.status_code == 422
    assert wrong.json()["details"]["field"] == "file"
    document = client.post(
        f"/api/v1/applications/{pk}/documents",
        {"version": version, "kind": "end-use-statement", "file": SimpleUploadedFile("s.pdf", PDF)},
    )
    assert document.status_code == 201
    assert client.get(f"/api/v1/applications/{pk}/problems").json() == []
    version = client.get(f"/api/v1/applications/{pk}").json()["version"]
    submitted = client.post(
        f"/api/v1/applications/{pk}/submit", {"version": version}, content_type=JSON
    )
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["state"] == "submitted"
    assert body["reference"].startswith(f"DE-{timezone.localdate().year}-")
    assert set(body) >= {"requests_for_information", "decision", "licence"}
    again = client.post(
        f"/api/v1/applications/{pk}/submit", {"version": body["version"]}, content_type=JSON
    )
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"


def test_other_exporters_get_404(client, alice, bob, make_draft) -> None:
    draft = make_draft()
    client.force_login(alice)
    party = client.post(
        "/api/v1/parties/",
        {"name": "Gulf Telecom", "country": "AE", "type": "telecom-operator"},
        content_type=JSON,
    ).json()
    client.force_login(bob)
    assert client.get("/api/v1/applications/").json() == []
    assert client.get(f"/api/v1/applications/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/parties/{party['id']}").status_code == 404
    assert client.delete(f"/api/v1/parties/{party['id']}").status_code == 404
    copied = client.post(
        f"/api/v1/applications/{draft.pk}/parties",
        {"version": draft.version, "role": "end-user", "party_id": party["id"]},
        content_type=JSON,
    )
    assert copied.status_code == 404
    assert (
        client.delete(f"/api/v1/applications/{draft.pk}/goods-lines/1?version=1").status_code == 404
    )
    assert Application.objects.get().goods_lines.count() == 1


def test_parties_api_validates_countries(client, alice) -> None:
    client.force_login(alice)
    refused = client.post(
        "/api/v1/parties/", {"name": "X", "country": "QQ", "type": "private"}, content_type=JSON
    )
    assert refused.status_code == 422
    assert refused.json()["details"]["field"] == "country"
    made = client.post(
        "/api/v1/parties/", {"name": "X", "country": "el", "type": "private"}, content_type=JSON
    ).json()
    assert made["country"] == "GR"
    assert client.delete(f"/api/v1/parties/{made['id']}").status_code == 204


def test_registrations_and_reports_over_the_api(client, alice, bob, control_list) -> None:
    client.force_login(alice)
    made = client.post("/api/v1/registrations/", {"code": "EU001"}, content_type=JSON)
    assert made.status_code == 201
    registration = made.json()
    assert registration["acknowledgement"] == f"R-{registration['id']:06d}"
    assert (
        client.post("/api/v1/registrations/", {"code": "EU001"}, content_type=JSON).status_code
        == 409
    )
    unknown = client.post("/api/v1/registrations/", {"code": "EU009"}, content_type=JSON)
    assert unknown.status_code == 422
    today = timezone.localdate()
    report = {
        "period_start": (today - timedelta(days=1)).isoformat(),
        "period_end": today.isoformat(),
        "lines": [
            {
                "item": "Network probe",
                "entry": "5A001.j",
                "quantity": "2",
                "value_eur": "50000",
                "consignee": "Telco Inc",
                "destination": "CN",
            }
        ],
    }
    url = f"/api/v1/registrations/{registration['id']}/reports"
    refused = client.post(url, report, content_type=JSON)
    assert refused.status_code == 422
    assert refused.json()["details"]["field"] == "lines[1].destination"
    report["lines"][0]["destination"] = "US"
    assert client.post(url, report, content_type=JSON).status_code == 201
    overlap = client.post(url, {**report, "lines": []}, content_type=JSON)
    assert overlap.status_code == 409
    client.force_login(bob)
    assert client.get(f"/api/v1/registrations/{registration['id']}").status_code == 404
    assert client.post(url, report, content_type=JSON).status_code == 404
    client.force_login(alice)
    withdrawn = client.post(f"/api/v1/registrations/{registration['id']}/withdraw")
    assert withdrawn.json()["withdrawn_at"] is not None
    assert (
        client.post("/api/v1/registrations/", {"code": "EU001"}, content_type=JSON).status_code
        == 201
    )
