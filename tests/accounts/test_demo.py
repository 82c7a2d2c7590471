"""The demo's people: authorities and exporters in several Member States, officers who sign
in with the published demo authenticator key; refused outside demo mode."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from licentia import demo
from licentia.accounts import access, totp
from licentia.accounts.models import Organisation, OrganisationKind, Role
from licentia.errors import Conflict
from licentia.reference.authorities import competent_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings: Any) -> None:
    settings.DEMO = True


def test_people_in_several_member_states(demo_mode: None) -> None:
    logins = dict(demo.create_people(password="demo-pass"))
    authorities = Organisation.objects.filter(kind=OrganisationKind.AUTHORITY)
    assert {a.member_state: a.name for a in authorities} == {
        code: competent_authority(code).name_en for code in ("DE", "FR", "NL")
    }
    exporters = Organisation.objects.filter(kind=OrganisationKind.EXPORTER)
    assert sorted(e.member_state for e in exporters) == ["DE", "FR"]
    assert logins["exporter-admin"].startswith("Exporter administrator, Demo Surveillance")
    assert "TOTP" not in logins["exporter-admin"]
    assert logins["senior-de"] == (
        f"Senior officer (countersigns), DE authority; TOTP key {demo.DEMO_TOTP_SECRET}"
    )
    officer = access.actor_of(get_user_model().objects.get(username="officer-de"))
    assert (officer.role, officer.member_state) == (Role.LICENSING_OFFICER, "DE")
    # Running it again refreshes, it does not duplicate.
    demo.create_people(password="demo-pass")
    assert Organisation.objects.count() == 5


def test_an_officer_signs_in_with_the_demo_key(demo_mode: None) -> None:
    demo.create_people(password="demo-pass")
    client = Client()
    response = client.post("/accounts/login/", {"username": "officer-de", "password": "demo-pass"})
    assert response["Location"].startswith("/accounts/mfa/?")
    code = totp.code_for(demo.DEMO_TOTP_SECRET, totp.step_at(time.time()))
    assert client.post("/accounts/mfa/", {"code": code})["Location"] == "/products/"
    assert client.get("/accounts/security/").status_code == 200


def test_demo_people_are_refused_outside_demo_mode(settings: Any) -> None:
    settings.DEMO = False
    with pytest.raises(Conflict, match="only in demo mode"):
        demo.create_people(password="demo-pass")
    assert not Organisation.objects.exists()
