"""POST /api/v1/determinations: the public determination endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.determinations.conftest import transaction

URL = "/api/v1/determinations"


def post(client: Any, body: object) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json")


def test_listed_item_needs_a_licence_with_citations(client, curated):
    response = post(client, transaction())
    assert response.status_code == 200
    answer = response.json()
    assert answer["outcome"] == "LICENCE_REQUIRED"
    art3 = next(b for b in answer["bases"] if b["key"] == "art-3-1")
    assert art3["citation"]["text"] == "Regulation (EU) 2021/821, Art 3(1)"
    assert art3["items"] == ["5A001.j"]
    assert answer["authority"]["member_state"] == "DE"
    assert answer["authority"]["citation"]["text"] == "Regulation (EU) 2021/821, Art 12(2)"
    assert [o["code"] for o in answer["general_authorisations"]] == [
        f"EU00{n}" for n in range(1, 9)
    ]
    assert any(o["key"] == "record-keeping" for o in answer["obligations"])
    assert answer["trace"][-1]["question"] == "What is the answer?"
    assert answer["list_versions"] == [curated.version]


def test_no_login_needed_and_sanctions_prohibit(client, curated):
    response = post(client, transaction(destination="RU"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["outcome"] == "PROHIBITED"
    assert any("833/2014" in b["citation"]["act"] for b in answer["bases"])
    assert not any(o["available"] for o in answer["general_authorisations"])


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"destination": "XX"}, "destination", "Unknown country code"),
        ({"items": [{"entry": "5A001.zz"}]}, "items[0].entry", "Closest entries"),
        ({"items": [{"entry": "5D002.a"}]}, "items[0].entry", "ambiguous"),
        (
            {"items": [{"entry": "5A001.j", "cyber_surveillance": True}]},
            "items[0].cyber_surveillance",
            "non-listed",
        ),
        (
            {"exporter": {"established_in": "DE", "goods_located_in": "FR"}},
            "exporter",
            "not both",
        ),
        ({"date": "2019-01-01"}, "date", "outside the law"),
        ({"date": "2026-02-30"}, "date", "valid date"),
        ({"activity": "smuggling"}, "activity", "Input should be"),
        ({"items": []}, "items", "at least 1 item"),
        ({"colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, curated, changes, field, words):
    response = post(client, transaction(**changes))
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_input"
    assert error["details"]["field"] == field
    assert words in error["message"]


def test_unknown_entry_suggests_the_closest(client, curated):
    error = post(client, transaction(items=[{"entry": "5A001.zz"}])).json()
    assert "5A001.j" in error["details"]["suggestions"]
    ambiguous = post(client, transaction(items=[{"entry": "5D002.a"}])).json()
    assert ambiguous["details"]["suggestions"] == ["5D002.a.3.b"]


def test_missing_fields_are_each_named(client, curated):
    response = post(client, {"exporter": {"established_in": "DE"}, "activity": "export"})
    assert response.status_code == 422
    named = [e["field"] for e in response.json()["details"]["errors"]]
    assert named == ["date", "items", "destination"]


@pytest.mark.parametrize("body", ['{"exporter": ', "", "not json", "[1, 2"])
def test_malformed_json_is_422(client, curated, body):
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "body"
    assert "malformed JSON" in response.json()["message"]


def test_a_document_that_is_not_an_object(client, curated):
    response = post(client, [1, 2])
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "document"


def test_no_list_version_imported(client, db):
    response = post(client, transaction())
    assert response.status_code == 404
    assert "licentia setup" in response.json()["message"]


def test_the_openapi_schema_documents_the_request_and_answer(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/determinations"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"exporter", "activity", "date", "items", "destination"} <= set(body["required"])
    assert "$ref" not in json.dumps(body)
    assert "DeterminationDocument" in json.dumps(operation["responses"]["200"])
