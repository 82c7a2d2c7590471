"""The public "Do I need a licence?" page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

URL = "/check/"


def answers(**changes: Any) -> dict[str, Any]:
    """A German exporter's export of an IP interception system (5A001.j) to Brazil."""
    return {
        "exporter_status": "established",
        "member_state": "DE",
        "activity": "export",
        "date": "2026-03-01",
        "purpose": "standard",
        "item_0_entry": "5A001.j",
        "destination": "BR",
        "end_user_type": "telecom-operator",
    } | changes


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post(client: Client, data: dict[str, Any]) -> Any:
    token = client.get(URL).cookies["csrftoken"].value
    return client.post(URL, data | {"csrfmiddlewaretoken": token})


def text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


def test_the_form_in_five_numbered_steps_without_login(csrf_client, curated):
    response = csrf_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for step in range(1, 6):
        assert f"Step {step} of 5" in page
    assert page.count("<legend") >= 6
    assert 'id="id_item_4_entry"' in page
    assert 'aria-describedby="id_member_state_helptext"' in page
    assert "2025-11-15 (curated excerpt)" in page
    assert reverse("determinations:check") == URL
    assert 'href="/check/" aria-current="page"' in page


def test_a_listed_item_needs_a_licence_with_its_citations(csrf_client, curated):
    response = post(csrf_client, answers())
    assert response.status_code == 200
    page = text(response)
    assert "Licence required (LICENCE_REQUIRED)" in page
    assert "Regulation (EU) 2021/821, Art 3(1): LICENCE_REQUIRED for 5A001.j" in page
    assert "Certainty: verified" in page
    assert "Bundesamt für Wirtschaft und Ausfuhrkontrolle" in page
    assert "EU001: Exports to Australia" in page
    assert "BR is not a destination of EU001 on 2026-03-01." in page
    assert "How the answer was reached" in page
    assert "Is 5A001.j controlled?" in page
    assert "until 2031-12-31 at least" in page
    assert "data-print" in response.content.decode()
    # The transaction as answered, for the printout.
    assert "Country of destination Brazil" in page


def test_several_items_and_knowledge(csrf_client, curated):
    response = post(
        csrf_client,
        answers(
            item_0_entry="",
            item_0_description="Video analytics platform",
            item_0_cyber_surveillance="on",
            item_2_entry="5A001.f.2",
            aware=["human-rights"],
        ),
    )
    assert response.status_code == 200
    page = text(response)
    assert (
        "Regulation (EU) 2021/821, Art 5(2): NOTIFY_AUTHORITY for Video analytics platform" in page
    )
    assert "Art 3(1): LICENCE_REQUIRED for 5A001.f.2" in page


def test_a_sanctioned_destination_is_prohibited(csrf_client, curated):
    page = text(post(csrf_client, answers(destination="RU")))
    assert "Prohibited (PROHIBITED)" in page
    assert "833/2014" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"item_0_entry": "5A001.zz"}, "id_item_0_entry", "Closest entries: 5A001.j"),
        (
            {"item_0_entry": "5D001.a", "item_1_entry": "5D002.a"},
            "id_item_1_entry",
            "ambiguous",
        ),
        ({"destination": "XX"}, "id_destination", "Unknown country code"),
        ({"date": "2019-01-01"}, "id_date", "outside the law"),
        ({"date": "tomorrow"}, "id_date", "valid date"),
        ({"item_0_entry": ""}, "id_item_0_entry", "at least 1 item"),
        ({"member_state": ""}, "id_member_state", "give either"),
        (
            {"item_0_cyber_surveillance": "on"},
            "id_item_0_cyber_surveillance",
            "non-listed items",
        ),
        ({"purpose": "official-tasks"}, "id_purpose", "technical assistance"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_on_top(
    csrf_client, curated, changes, field, words
):
    response = post(csrf_client, answers(**changes))
    assert response.status_code == 422
    page = response.content.decode()
    assert 'role="alert"' in page
    assert f'<a href="#{field}">' in page
    error_list = re.search(rf'<ul class="errorlist" id="{field}_error">(.*?)</ul>', page, re.S)
    assert error_list is not None
    assert words in error_list.group(1)
    control = re.search(rf'<(?:input|select)[^>]*id="{field}"[^>]*>', page)
    assert control is not None
    assert 'aria-invalid="true"' in control.group(0)
    assert re.search(rf'aria-describedby="[^"]*{field}_error', control.group(0))
    assert "The answer" not in page


def test_no_list_imported_is_an_error_page(csrf_client, db):
    assert csrf_client.get(URL).status_code == 200
    response = post(csrf_client, answers())
    assert response.status_code == 404
    assert "licentia setup" in response.content.decode()


def test_the_home_page_links_the_checker(client, db):
    assert 'href="/check/"' in client.get("/").content.decode()


def test_a_non_eu_exporter_with_a_prior_denial(csrf_client, curated):
    response = post(
        csrf_client,
        answers(
            exporter_status="non-eu",
            member_state="BE",
            denial_member_state="FR",
            denial_reference="FR-2025-17",
            denial_notified_on="2025-06-01",
        ),
    )
    assert response.status_code == 200
    page = text(response)
    assert "must consult FR (FR-2025-17) before granting" in page
    assert "Regulation (EU) 2021/821, Art 16(5)" in page


def test_a_party_error_is_shown_at_the_party(csrf_client, curated):
    response = post(csrf_client, answers(end_user_type="", consignee_intra_group="on"))
    assert response.status_code == 422
    page = response.content.decode()
    assert '<ul class="errorlist" id="id_consignee_type_error">' in page
