"""The case API: authority-only (404 for exporters and other authorities), read-only for the
coordination role, 409 for stale versions and illegal transitions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.accounts import mfa
from licentia.accounts.models import Organisation, Role
from licentia.cases import services
from licentia.cases.models import Case
from tests.cases.conftest import MakeCase, person

pytestmark = pytest.mark.django_db


def client_for(user: AbstractBaseUser) -> Client:
    """A signed-in client that has passed the second factor (authority users need it)."""
    client = Client()
    client.force_login(user)
    session = client.session
    mfa.mark_passed(session, user)
    session.save()
    return client


def post(client: Client, path: str, body: dict[str, object]) -> object:
    return client.post(f"/api/v1/cases/{path}", body, content_type="application/json")


@pytest.mark.parametrize("who", ["exporter_user", "foreign_officer", "coordinator"])
def test_outsiders_get_404_everywhere(
    make_case: MakeCase, who: str, request: pytest.FixtureRequest
) -> None:
    case = make_case()
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/dossiers").status_code == 404
    for path, body in [
        ("assign", {}),
        ("notes", {"text": "x"}),
        ("information-requests", {"question": "x"}),
        ("recommendation", {"outcome": "grant", "reasoning": "x"}),
        ("countersign", {}),
        ("decision", {}),
        ("dossiers", {}),
    ]:
        response = post(client, f"{case.pk}/{path}", body)
        assert response.status_code == 404, (path, response.content)  # type: ignore[attr-defined]
    listing = client.get("/api/v1/cases/")
    if who == "foreign_officer":
        assert listing.json()["count"] == 0
    else:
        assert listing.status_code == 404


def test_anonymous_is_refused(make_case: MakeCase) -> None:
    case = make_case()
    assert Client().get(f"/api/v1/cases/{case.pk}").status_code == 401


def test_an_authority_administrator_reads_and_assigns_but_does_not_assess(
    make_case: MakeCase, authority: Organisation, officer: AbstractBaseUser
) -> None:
    case = make_case()
    client = client_for(person(authority, "ada", Role.AUTHORITY_ADMINISTRATOR))
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert post(client, f"{case.pk}/notes", {"text": "x"}).status_code == 403  # type: ignore[attr-defined]
    assert post(client, f"{case.pk}/dossiers", {}).status_code == 403  # type: ignore[attr-defined]
    response = post(client, f"{case.pk}/assign", {"assigned_to": officer.get_username()})
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]


def test_queue_filters_and_counts(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    first = make_case(destinations=("AE",))
    make_case(destinations=("CN", "AE"), entry="3A001.a")
    client = client_for(officer)
    body = client.get("/api/v1/cases/").json()
    assert body["count"] == 2
    assert body["counts"]["open"] == 2
    assert body["counts"]["unassigned"] == 2
    assert client.get("/api/v1/cases/?destination=CN").json()["count"] == 1
    assert client.get("/api/v1/cases/?category=3").json()["count"] == 1
    assert client.get("/api/v1/cases/?cyber_surveillance=true").json()["count"] == 1
    post(client, f"{first.pk}/assign", {})
    mine = client.get("/api/v1/cases/?assigned=me").json()
    assert [c["id"] for c in mine["cases"]] == [first.pk]
    assert mine["counts"]["mine"] == 1
    assert client.get("/api/v1/cases/?state=under-review").json()["count"] == 1
    response = client.get("/api/v1/cases/?risk_rating=awful")
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "risk_rating"
    assert client.get("/api/v1/cases/?destination=Narnia").status_code == 422
    # A page number beyond any queue is refused, not passed to the database.
    assert client.get("/api/v1/cases/?page=99999999999999999999999").status_code == 422
    assert client.get("/api/v1/cases/?page=2").json()["cases"] == []


def test_the_whole_path_over_the_api(
    make_case: MakeCase,
    officer: AbstractBaseUser,
    senior: AbstractBaseUser,
    exporter_user: AbstractBaseUser,
) -> None:
    case = make_case()
    client = client_for(officer)
    detail = client.get(f"/api/v1/cases/{case.pk}").json()
    assert detail["dossier"]["number"] == 1
    assert detail["dossier"]["screening"]["status"] == "not-screened"
    assert detail["allowed_transitions"] == ["assign", "close"]
    # A stale version is a conflict.
    stale = post(client, f"{case.pk}/assign", {"version": 99})
    assert stale.status_code == 409  # type: ignore[attr-defined]
    assert stale.json()["code"] == "stale_object"  # type: ignore[attr-defined]
    assigned = post(client, f"{case.pk}/assign", {"version": detail["version"]})
    assert assigned.json()["state"] == "under-review"  # type: ignore[attr-defined]
    assert post(client, f"{case.pk}/notes", {"text": "Internal."}).status_code == 201  # type: ignore[attr-defined]
    asked = post(client, f"{case.pk}/information-requests", {"question": "End-use statement?"})
    assert asked.status_code == 201  # type: ignore[attr-defined]
    # Deciding now is illegal: 409 naming what is allowed.
    illegal = post(client, f"{case.pk}/decision", {})
    assert illegal.status_code == 409  # type: ignore[attr-defined]
    services.receive_information(Case.objects.get(pk=case.pk), answer="Here.", actor=exporter_user)
    for criterion in ("art15-1-a", "art15-1-b", "art15-1-c", "art15-1-d"):
        response = client.put(
            f"/api/v1/cases/{case.pk}/assessments",
            {"criterion": criterion, "finding": "no-concern", "reasoning": "Checked."},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    bad = post(client, f"{case.pk}/recommendation", {"outcome": "grant", "reasoning": "ok"})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert bad.json()["details"]["field"] == "validity_months"  # type: ignore[attr-defined]
    recommended = post(
        client,
        f"{case.pk}/recommendation",
        {"outcome": "grant", "reasoning": "No concern.", "validity_months": 24},
    )
    assert recommended.status_code == 201, recommended.content  # type: ignore[attr-defined]
    assert recommended.json()["state"] == "ready-for-decision"  # type: ignore[attr-defined]
    decided = post(client, f"{case.pk}/decision", {})
    assert decided.status_code == 201, decided.content  # type: ignore[attr-defined]
    body = decided.json()  # type: ignore[attr-defined]
    assert body["state"] == "decided"
    assert body["decisions"][0]["outcome"] == "grant"
    assert [n["text"] for n in body["notes"]] == ["Internal."]
    rerun = post(client, f"{case.pk}/dossiers", {})
    assert rerun.json()["number"] == 2  # type: ignore[attr-defined]
    assert len(client.get(f"/api/v1/cases/{case.pk}/dossiers").json()) == 2


def test_the_schema_lists_the_case_endpoints(officer: AbstractBaseUser) -> None:
    schema = client_for(officer).get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/countersign" in schema["paths"]
