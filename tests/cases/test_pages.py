"""The authority console pages: queue, case page and its actions; 404 outside the authority."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.accounts.models import Organisation
from licentia.cases.models import CountersignKind, CountersignRule
from tests.cases.conftest import MakeCase
from tests.cases.test_api import client_for

pytestmark = pytest.mark.django_db


def test_the_queue_shows_counts_and_filters(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    make_case(destinations=("AE",))
    make_case(destinations=("CN",), entry="3A001.a")
    client = client_for(officer)
    page = client.get("/cases/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Case queue" in text
    assert "Unassigned and open: <strong>2</strong>" in text
    # Each filter's help text is the one its field points screen readers to.
    described = re.findall(r'aria-describedby="([^"]+)"', text)
    assert described
    for ids in described:
        for name in ids.split():
            assert f'id="{name}"' in text, name
    filtered = client.get("/cases/?destination=cn").content.decode()
    assert "DE-TEST-0002" in filtered
    assert "DE-TEST-0001" not in filtered
    bad = client.get("/cases/?older_than_days=-3")
    assert bad.status_code == 422


@pytest.mark.parametrize("who", ["exporter_user", "foreign_officer", "coordinator"])
def test_outsiders_get_404(make_case: MakeCase, who: str, request: pytest.FixtureRequest) -> None:
    case = make_case()
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/note/", {"text": "x"}).status_code == 404
    if who != "foreign_officer":
        assert client.get("/cases/").status_code == 404


def test_anonymous_is_sent_to_sign_in(make_case: MakeCase) -> None:
    case = make_case()
    response = Client().get(f"/cases/{case.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_officer_works_a_case_through_the_pages(
    make_case: MakeCase,
    authority: Organisation,
    officer: AbstractBaseUser,
    senior: AbstractBaseUser,
) -> None:
    CountersignRule.objects.create(authority=authority, kind=CountersignKind.CYBER_SURVEILLANCE)
    case = make_case()
    client = client_for(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for heading in (
        "Dossier, version 1",
        "Requests for information",
        "Internal notes",
        "Assessment per criterion",
        "Countersignature",
        "History",
    ):
        assert heading in page
    assert "Not screened." in page
    assert "the coordination issue fills this section" in page
    response = client.post(f"/cases/{case.pk}/assign/", {"version": 1}, follow=True)
    assert "Case assigned to olga." in response.content.decode()
    # A stale form: the case changed since the officer read version 1.
    stale = client.post(f"/cases/{case.pk}/request-information/", {"version": 1, "question": "?"})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.content.decode()
    missing = client.post(f"/cases/{case.pk}/assess/", {"criterion": "cp-2", "finding": "x"})
    assert missing.status_code == 422
    for criterion in ("art15-1-a", "art15-1-b", "art15-1-c", "art15-1-d"):
        done = client.post(
            f"/cases/{case.pk}/assess/",
            {"criterion": criterion, "finding": "no-concern", "reasoning": "Checked."},
        )
        assert done.status_code == 302
    client.post(f"/cases/{case.pk}/note/", {"text": "Spoke to the end user."})
    case.refresh_from_db()
    recommended = client.post(
        f"/cases/{case.pk}/recommend/",
        {
            "version": case.version,
            "outcome": "grant",
            "reasoning": "No concern.",
            "validity_months": 12,
            "conditions": "End-use checks.",
        },
        follow=True,
    )
    assert "needs a senior officer" in recommended.content.decode()
    case.refresh_from_db()
    assert case.state == "awaiting-countersignature"
    senior_client = client_for(senior)
    signed = senior_client.post(
        f"/cases/{case.pk}/countersign/", {"version": case.version, "comment": "Agreed."}
    )
    assert signed.status_code == 302
    case.refresh_from_db()
    decided = client.post(f"/cases/{case.pk}/decide/", {"version": case.version}, follow=True)
    text = decided.content.decode()
    assert "Decided: Grant." in text
    assert "case.decide" in text
    case.refresh_from_db()
    assert case.state == "decided"


def test_the_nav_links_the_queue_for_officers_only(
    officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    assert 'href="/cases/"' in client_for(officer).get("/").content.decode()
    assert 'href="/cases/"' not in client_for(exporter_user).get("/").content.decode()
