"""The licence pages and API: each side sees its own (404 otherwise), forms refuse clearly,
changes go through the services."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.accounts.models import Organisation, Role
from licentia.licences import services
from licentia.licences.models import Licence, Shipment
from tests.accounts.support import signed_in
from tests.licences.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(make_grant: Any, officer: AbstractBaseUser) -> Licence:
    return services.issue_licence(
        make_grant(), actor=officer, valid_from=date.today() - timedelta(days=60)
    )


@pytest.fixture
def strangers(started: Licence) -> list[AbstractBaseUser]:
    """Another exporter, another authority, the coordination role: none may see the licence."""
    rival = Organisation.objects.create(name="Rival", kind="exporter", member_state="DE")
    other = Organisation.objects.create(name="Other authority", kind="authority", member_state="FR")
    return [
        person(rival, "rita", Role.EXPORTER_ADMINISTRATOR),
        person(other, "pierre", Role.LICENSING_OFFICER),
        person(other, "cora", Role.COORDINATION_READER),
    ]


def _shipment(started: Licence, **changes: Any) -> dict[str, Any]:
    data = {
        "line": 1,
        "quantity": "2",
        "value_eur": "10000",
        "shipped_on": (date.today() - timedelta(days=5)).isoformat(),
        "destination": "BR",
        "consignee": "Import Ltda",
        "customs_reference": "26DE1",
        "version": started.version,
    }
    data.update(changes)
    return data


def test_the_exporter_sees_its_licences_and_records_a_shipment(
    started: Licence, exporter_user: AbstractBaseUser
) -> None:
    client = signed_in(exporter_user)
    listing = client.get("/licences/").content.decode()
    assert started.number in listing
    page = client.get(f"/licences/{started.pk}/").content.decode()
    for expected in ("Record a shipment", "Surrender the licence", "licence.pdf", "Items and use"):
        assert expected in page
    assert "Revoke" not in page
    response = client.post(f"/licences/{started.pk}/shipments/", _shipment(started))
    assert response.status_code == 302
    assert Shipment.objects.count() == 1
    refused = client.post(f"/licences/{started.pk}/shipments/", _shipment(started, quantity="9"))
    assert refused.status_code == 422
    assert "has 8.000 units left" in refused.content.decode()
    records = client.get("/licences/records.csv")
    assert records["Content-Type"] == "text/csv"
    assert started.number in records.content.decode()


def test_a_stale_shipment_form_is_a_conflict(
    started: Licence, exporter_user: AbstractBaseUser, officer: AbstractBaseUser
) -> None:
    services.suspend_licence(Licence.objects.get(pk=started.pk), actor=officer, reason="Inquiry")
    response = signed_in(exporter_user).post(
        f"/licences/{started.pk}/shipments/", _shipment(started)
    )
    assert response.status_code == 409
    assert "changed since you opened it" in response.content.decode()


def test_the_holder_surrenders(started: Licence, exporter_user: AbstractBaseUser) -> None:
    client = signed_in(exporter_user)
    response = client.post(
        f"/licences/{started.pk}/surrender/", {"reason": "Contract cancelled", "version": 1}
    )
    assert response.status_code == 302
    assert Licence.objects.get(pk=started.pk).state == "surrendered"


def test_the_authority_filters_and_acts_with_reasons(
    started: Licence, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    client = signed_in(officer)
    assert started.number in client.get("/licences/", {"q": "acme"}).content.decode()
    assert started.number not in client.get("/licences/", {"state": "revoked"}).content.decode()
    page = client.get(f"/licences/{started.pk}/").content.decode()
    for action in ("Amend", "Suspend", "Annul", "Revoke"):
        assert f"{action} licence {started.number}" in page or action in page
    assert "Record a shipment" not in page
    missing = client.post(
        f"/licences/{started.pk}/suspend/", {"suspend-reason": "", "suspend-version": 1}
    )
    assert missing.status_code == 422
    assert Licence.objects.get(pk=started.pk).state == "active"
    done = client.post(
        f"/licences/{started.pk}/suspend/",
        {"suspend-reason": "Diversion suspected", "suspend-criteria": "cp-7", "suspend-version": 1},
    )
    assert done.status_code == 302
    assert Licence.objects.get(pk=started.pk).state == "suspended"
    stale = client.post(
        f"/licences/{started.pk}/revoke/",
        {"revoke-reason": "Confirmed", "revoke-version": 1},
    )
    assert stale.status_code == 409
    reinstated = client.post(
        f"/licences/{started.pk}/reinstate/",
        {"reinstate-reason": "Cleared", "reinstate-version": 2},
    )
    assert reinstated.status_code == 302
    amend = {
        "conditions": "Report every shipment.",
        "valid_until": started.valid_until.isoformat(),
        "reason": "Reporting condition added",
        "version": 3,
        "line_1_quantity": "10",
        "line_1_value": "50000.00",
        "line_2_quantity": "2",
        "line_2_value": "8000.00",
    }
    assert client.post(f"/licences/{started.pk}/amend/", amend).status_code == 302
    licence = Licence.objects.get(pk=started.pk)
    assert (licence.amendment, licence.conditions) == (1, "Report every shipment.")
    too_long = dict(
        amend, version=4, valid_until=(started.valid_from + timedelta(days=800)).isoformat()
    )
    refused = client.post(f"/licences/{started.pk}/amend/", too_long)
    assert refused.status_code == 422
    assert "at most" in refused.content.decode()
    assert client.post(f"/licences/{started.pk}/fly/", {}).status_code == 404
    assert (
        signed_in(exporter_user)
        .post(f"/licences/{started.pk}/revoke/", {"revoke-reason": "x", "revoke-version": 4})
        .status_code
        == 403
    )


def test_strangers_get_404_on_pages_and_api(
    started: Licence, strangers: list[AbstractBaseUser]
) -> None:
    for user in strangers:
        client = signed_in(user)
        for path in (
            f"/licences/{started.pk}/",
            f"/licences/{started.pk}/licence.pdf",
            f"/api/v1/licences/{started.pk}",
            f"/api/v1/licences/{started.pk}/pdf",
            f"/api/v1/licences/{started.pk}/shipments",
        ):
            assert client.get(path).status_code == 404, (user, path)
        assert client.post(f"/licences/{started.pk}/surrender/", {"version": 1}).status_code == 404
        assert started.number not in client.get("/licences/").content.decode()
        assert client.get("/api/v1/licences/").json() == []
        assert json.loads(client.get("/api/v1/licences/records").content)["records"] == []
    assert Client().get("/licences/").status_code == 302
    assert Client().get(f"/api/v1/licences/{started.pk}").status_code == 401


def test_the_api_for_each_side(
    started: Licence, exporter_user: AbstractBaseUser, officer: AbstractBaseUser
) -> None:
    exporter = signed_in(exporter_user)
    mine = exporter.get(f"/api/v1/licences/{started.pk}").json()
    assert (mine["number"], mine["case_id"], mine["lines"][0]["remaining_quantity"]) == (
        started.number,
        None,
        "10.000",
    )
    assert "surrender" in mine["allowed"]
    made = exporter.post(
        f"/api/v1/licences/{started.pk}/shipments",
        _shipment(started),
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["keep_until"].endswith("-12-31")
    over = exporter.post(
        f"/api/v1/licences/{started.pk}/shipments",
        _shipment(started, quantity="100"),
        content_type="application/json",
    )
    assert (over.status_code, over.json()["details"]["field"]) == (422, "quantity")
    assert exporter.get(f"/api/v1/licences/{started.pk}/shipments").json()[0]["quantity"] == "2.000"
    csv_records = exporter.get("/api/v1/licences/records", {"format": "csv"})
    assert csv_records.content.decode().startswith("licence_number,")
    assert exporter.get(f"/api/v1/licences/{started.pk}/pdf").content.startswith(b"%PDF")

    authority = signed_in(officer)
    seen = authority.get(f"/api/v1/licences/{started.pk}").json()
    assert seen["case_id"] == started.decision.case_id
    assert authority.get("/api/v1/licences/", {"state": "active"}).json()[0]["holder"] == (
        "Acme Surveillance"
    )
    revoked = authority.post(
        f"/api/v1/licences/{started.pk}/revoke",
        {"reason": "Diversion confirmed", "criteria": ["cp-7"], "version": seen["version"]},
        content_type="application/json",
    )
    assert (revoked.status_code, revoked.json()["state"]) == (200, "revoked")
    again = authority.post(
        f"/api/v1/licences/{started.pk}/suspend",
        {"reason": "x"},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "illegal_transition")
    late = exporter.post(
        f"/api/v1/licences/{started.pk}/surrender",
        {"version": seen["version"]},
        content_type="application/json",
    )
    assert late.status_code == 409
