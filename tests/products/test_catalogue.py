"""The product catalogue: organisation scoping, recorded classifications, review flags."""

from __future__ import annotations

import dataclasses

import pytest

from licentia.controllists import services as controls
from licentia.products import services
from licentia.products.models import ProductClassification
from tests.factories import exporter, next_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def excerpt():
    return controls.import_curated().list_version


def test_catalogue_needs_a_signed_in_member(client, excerpt):
    assert client.get("/api/v1/products/").status_code == 401


def test_record_classification_and_flag_it_when_the_list_changes(client, excerpt):
    _, user = exporter()
    client.force_login(user)
    created = client.post(
        "/api/v1/products/",
        {"name": "Falcon", "description": "IMSI catcher for police"},
        content_type="application/json",
    )
    assert created.status_code == 201
    product_id = created.json()["id"]

    suggestion = client.post(f"/api/v1/products/{product_id}/suggestions").json()
    assert suggestion["top"] == "5A001.f.2"
    recorded = client.post(
        f"/api/v1/products/{product_id}/classifications",
        {
            "entry_path": "5a001.j",
            "answers": {"Carrier-class network?": "yes"},
            "rationale": "backbone probe",
        },
        content_type="application/json",
    )
    assert recorded.status_code == 201
    assert recorded.json()["entry_path"] == "5A001.j"
    assert recorded.json()["list_version"] == "2025-11-15"

    result = controls.import_control_list(control_list=next_version())

    assert result.products_flagged == 1
    assert result.summary().endswith("1 product classifications flagged for review.")
    current = client.get(f"/api/v1/products/{product_id}").json()["classification"]
    assert current["needs_review"] is True
    assert "5A001.j changed" in current["review_reason"]


def test_unknown_paths_are_refused_and_not_listed_is_rechecked_when_entries_are_added(
    client, excerpt
):
    _, user = exporter()
    client.force_login(user)
    product_id = client.post(
        "/api/v1/products/",
        {"name": "Router", "description": "office router"},
        content_type="application/json",
    ).json()["id"]
    refused = client.post(
        f"/api/v1/products/{product_id}/classifications",
        {"entry_path": "5A001.zz"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert ProductClassification.objects.count() == 0
    client.post(
        f"/api/v1/products/{product_id}/classifications",
        {"entry_path": "not_listed"},
        content_type="application/json",
    )
    controls.import_control_list(control_list=next_version())
    recorded = ProductClassification.objects.get()
    assert recorded.needs_review is True
    assert recorded.review_reason.endswith(
        "adds 1 entries; confirm the product is still not listed"
    )


def test_classifications_under_the_excerpt_are_checked_against_a_full_list(client, excerpt):
    organisation, user = exporter()
    product = services.create_product(
        organisation=organisation, name="Cracker", description="password cracking appliance"
    )
    services.record_classification(
        product=product,
        list_version=excerpt,
        entry_path="5A004.a",
        answers={},
        rationale="",
        user=user,
    )
    full = dataclasses.replace(
        next_version("2026-11-15"), excerpt=False, checksum="full-2026-11-15"
    )  # the later full list no longer has 5A004.a

    controls.import_control_list(control_list=full)

    recorded = ProductClassification.objects.get()
    assert recorded.needs_review is True
    assert "has no entry 5A004.a" in recorded.review_reason


def test_another_organisations_product_is_not_found(client, excerpt):
    _, alice = exporter()
    _, bob = exporter(name="Other Exporter", username="bob")
    client.force_login(alice)
    product_id = client.post(
        "/api/v1/products/",
        {"name": "Secret", "description": "IMSI catcher"},
        content_type="application/json",
    ).json()["id"]
    client.force_login(bob)
    assert client.get(f"/api/v1/products/{product_id}").status_code == 404
    assert client.get("/api/v1/products/").json() == []


def test_blank_product_fields_are_refused(client, excerpt):
    _, user = exporter()
    client.force_login(user)
    response = client.post(
        "/api/v1/products/", {"name": " ", "description": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["details"] == {"field": "name"}
