"""Access through the API and the pages: an exporter never sees another state's denial (nor
any coordination data); the coordination role reads and changes nothing; only the issuing,
consulted or reviewing authority acts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.accounts.models import Organisation, Role
from licentia.coordination.models import CatchAllNotice, DenialNotice
from tests.cases.conftest import person
from tests.cases.test_api import client_for
from tests.coordination.conftest import MakeCase, refuse

pytestmark = pytest.mark.django_db
API = "/api/v1/coordination"


@pytest.fixture
def notice(make_case: MakeCase, officer_fr: AbstractBaseUser) -> DenialNotice:
    return refuse(make_case("FR"), officer_fr)


def test_an_exporter_never_sees_a_denial(
    notice: DenialNotice, exporter_user_de: AbstractBaseUser, exporter_user_fr: AbstractBaseUser
) -> None:
    for user in (exporter_user_de, exporter_user_fr):  # another state's, and its own state's
        client = client_for(user)
        for path in (
            "/denials",
            f"/denials/{notice.pk}",
            "/matches",
            "/consultations",
            "/catch-alls",
            "/grants-despite-denial",
            "/analytics",
        ):
            response = client.get(API + path)
            assert response.status_code == 404, path
            assert "Gulf" not in response.content.decode()
        for page in (
            "/coordination/",
            f"/coordination/denials/{notice.pk}/",
            "/coordination/matches/",
            "/coordination/consultations/",
            "/coordination/catch-all/",
            "/coordination/grants-despite-denial/",
            "/coordination/analytics/",
        ):
            response = client.get(page)
            assert response.status_code == 404, page
            assert "Gulf Telecom" not in response.content.decode()
            assert "Coordination</a>" not in response.content.decode()
        post = client.post(
            f"{API}/denials/{notice.pk}/review",
            {"outcome": "revoke", "reason": "x"},
            content_type="application/json",
        )
        assert post.status_code == 404


def test_anonymous_is_refused(notice: DenialNotice) -> None:
    assert Client().get(f"{API}/denials").status_code == 401
    assert Client().get("/coordination/").status_code == 302


def test_authorities_read_every_denial_with_the_exporter(
    notice: DenialNotice, officer_de: AbstractBaseUser, coordinator_de: AbstractBaseUser
) -> None:
    for user in (officer_de, coordinator_de):
        client = client_for(user)
        listed = client.get(f"{API}/denials?scope=others").json()
        assert [d["uid"] for d in listed["denials"]] == [str(notice.uid)]
        assert listed["denials"][0]["exporter"]["name"] == "Vision Sécurité"
        assert client.get(f"{API}/denials?scope=mine").json()["denials"] == []
        page = client.get(f"/coordination/denials/{notice.pk}/")
        assert page.status_code == 200
        assert "Gulf Telecom Operations" in page.content.decode()
        assert "Vision Sécurité" in page.content.decode()
        assert client.get("/coordination/analytics/").status_code == 200
        assert client.get(f"{API}/analytics").status_code == 200


def test_the_coordination_role_changes_nothing(
    notice: DenialNotice,
    make_case: MakeCase,
    coordinator_de: AbstractBaseUser,
    officer_de: AbstractBaseUser,
) -> None:
    client = client_for(coordinator_de)
    case = make_case("DE")
    attempts = [
        (f"{API}/denials/{notice.pk}/review", {"outcome": "revoke", "reason": "x"}),
        (
            f"{API}/consultations",
            {"case": case.pk, "kind": "art14-2", "consulted_member_state": "FR", "question": "?"},
        ),
        (
            f"{API}/catch-alls",
            {"basis": "art5-1", "items": [{"description": "x"}], "reasoning": "x"},
        ),
    ]
    for path, body in attempts:
        assert client.post(path, body, content_type="application/json").status_code == 403, path
    assert client.post("/coordination/catch-all/new/", {"basis": "art5-1"}).status_code == 403
    notice.refresh_from_db()
    assert notice.state == "valid"
    assert client.get("/coordination/matches/").status_code == 200  # reads; sees no case
    assert client.get(f"{API}/matches").json() == []


def test_only_the_issuing_authority_reviews_and_only_the_consulted_replies(
    notice: DenialNotice,
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    nl: Organisation,
) -> None:
    german = client_for(officer_de)
    review = {"outcome": "renew", "reason": "x", "version": notice.version}
    assert (
        german.post(
            f"{API}/denials/{notice.pk}/review", review, content_type="application/json"
        ).status_code
        == 403
    )
    french = client_for(officer_fr)
    stale = french.post(
        f"{API}/denials/{notice.pk}/review",
        review | {"version": 99},
        content_type="application/json",
    )
    assert stale.status_code == 409
    done = french.post(f"{API}/denials/{notice.pk}/review", review, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["state"] == "renewed"
    made = german.post(
        f"{API}/consultations",
        {
            "case": make_case("DE").pk,
            "kind": "art16-5",
            "consulted_member_state": "FR",
            "question": "?",
            "denials": [notice.pk],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    reply = {"outcome": "no-objection", "reply": "Fine."}
    assert (
        german.post(
            f"{API}/consultations/{pk}/reply", reply, content_type="application/json"
        ).status_code
        == 403
    )
    answered = french.post(
        f"{API}/consultations/{pk}/reply", reply, content_type="application/json"
    )
    assert answered.json()["state"] == "replied"
    assert german.get(f"{API}/consultations?direction=out").json()[0]["outcome"] == "no-objection"
    assert french.get(f"{API}/consultations?direction=in").json()[0]["id"] == pk
    # A third state sees neither side of it.
    dutch = client_for(person(nl, "nina", Role.LICENSING_OFFICER))
    assert dutch.get(f"{API}/consultations/{pk}").status_code == 404
    assert dutch.get(f"/coordination/consultations/{pk}/").status_code == 404


def test_officer_pages_walk_through_a_match_a_consultation_and_a_catch_all(
    notice: DenialNotice,
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
) -> None:
    case = make_case("DE", end_user="Gulf Telecom Operations LLC")
    german = client_for(officer_de)
    page = german.get("/coordination/matches/").content.decode()
    assert str(case.application) in page
    assert "Consult FR (Art 16(5))" in page
    response = german.post(
        "/coordination/consultations/new/",
        {
            "case": case.pk,
            "kind": "art16-5",
            "consulted_member_state": "fr",
            "question": "Anything new?",
            "denials": f"{notice.pk},",
        },
    )
    assert response.status_code == 302
    consultation = case.consultations.get()
    french = client_for(officer_fr)
    assert "Reply" in french.get(f"/coordination/consultations/{consultation.pk}/").content.decode()
    replied = french.post(
        f"/coordination/consultations/{consultation.pk}/reply/",
        {"outcome": "comments", "reply": "Nothing new.", "version": consultation.version},
    )
    assert replied.status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == "replied"
    imposed = german.post(
        "/coordination/catch-all/new/",
        {
            "basis": "art5-1",
            "item": "Spyware",
            "cyber_surveillance": "on",
            "end_user": "Bureau",
            "end_user_country": "ae",
            "destinations": "AE",
            "reasoning": "Informed of a risk.",
        },
    )
    assert imposed.status_code == 302
    catch_all = CatchAllNotice.objects.get()
    assert (
        french.post(f"/coordination/catch-all/{catch_all.pk}/review/", {"agree": "yes"}).status_code
        == 302
    )
    assert catch_all.reviews.get(member_state="FR").state == "agreed"
    assert (
        german.post(f"/coordination/catch-all/{catch_all.pk}/review/", {"agree": "yes"}).status_code
        == 403
    )
    for path in (
        "/coordination/",
        "/coordination/consultations/",
        "/coordination/catch-all/",
        f"/coordination/catch-all/{catch_all.pk}/",
        "/coordination/grants-despite-denial/",
    ):
        assert german.get(path).status_code == 200, path
