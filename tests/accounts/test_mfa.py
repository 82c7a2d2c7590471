"""The second factor: required for authority roles and staff, optional for exporters."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.accounts import mfa, totp
from licentia.accounts.models import Organisation, RecoveryCode, Role, TotpDevice
from licentia.accounts.signin import SecurityAction
from licentia.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD, current_code, enrol, person
from tests.accounts.support import signed_in

pytestmark = pytest.mark.django_db


def _password(client: Client, username: str, next_url: str = "/products/") -> str:
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    return str(response["Location"])


def _enrolment_secret(client: Client) -> str:
    page = client.get("/accounts/mfa/enrol/").content.decode()
    match = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
    assert match is not None
    return match.group(1).replace(" ", "")


@pytest.mark.parametrize(
    "role",
    [
        Role.LICENSING_OFFICER,
        Role.SENIOR_OFFICER,
        Role.AUTHORITY_ADMINISTRATOR,
        Role.COORDINATION_READER,
    ],
)
def test_every_authority_role_must_use_a_second_factor(
    authority_de: Organisation, role: Role
) -> None:
    assert mfa.required_for(person(authority_de, f"u-{role.value}", role))


def test_exporters_may_choose_and_staff_must(exporter_de: Organisation) -> None:
    assert not mfa.required_for(person(exporter_de, "member", Role.EXPORTER_MEMBER))
    staff = person(None, "operator")
    staff.is_staff = True  # type: ignore[attr-defined]
    assert mfa.required_for(staff)


def test_an_officer_enrols_at_first_sign_in_and_reaches_nothing_before(
    olga: AbstractBaseUser,
) -> None:
    client = Client()
    assert _password(client, "olga") == "/accounts/mfa/enrol/?next=%2Fproducts%2F"
    # Every other page sends them to enrolment, the API refuses, sign-out works.
    response = client.get("/products/")
    assert response["Location"] == "/accounts/mfa/enrol/?next=%2Fproducts%2F"
    assert client.get("/accounts/tokens/").status_code == 302
    assert client.get("/admin/").status_code == 302
    api = client.get("/api/v1/products/")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"

    page = client.get("/accounts/mfa/enrol/?next=/products/").content.decode()
    assert "<svg" in page
    assert "otpauth://totp/Licentia%3Aolga?secret=" in page
    secret = _enrolment_secret(client)
    wrong = client.post("/accounts/mfa/enrol/", {"code": "000000", "next": "/products/"})
    assert wrong.status_code == 422
    assert "That code does not match" in wrong.content.decode()

    code = totp.code_for(secret, totp.step_at(time.time()))
    done = client.post("/accounts/mfa/enrol/", {"code": code, "next": "/products/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert done["Cache-Control"].startswith("max-age=0")
    assert RecoveryCode.objects.filter(user=olga).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # stored hashed
    assert client.get("/products/").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {SecurityAction.MFA_ENROLLED, SecurityAction.SIGNED_IN} <= actions


def test_an_enrolled_officer_passes_with_a_current_code_once(olga: AbstractBaseUser) -> None:
    device = enrol(olga)
    client = Client()
    assert _password(client, "olga", "/accounts/tokens/") == (
        "/accounts/mfa/?next=%2Faccounts%2Ftokens%2F"
    )
    assert client.get("/accounts/tokens/")["Location"].startswith("/accounts/mfa/")
    wrong = client.post("/accounts/mfa/", {"code": "123456", "next": "/accounts/tokens/"})
    assert wrong.status_code == 422
    assert "That code is not valid" in wrong.content.decode()
    code = current_code(device)
    session_key = client.session.session_key
    ok = client.post("/accounts/mfa/", {"code": code, "next": "/accounts/tokens/"})
    assert ok["Location"] == "/accounts/tokens/"
    assert client.session.session_key != session_key  # a fresh key after the second factor
    assert client.get("/accounts/tokens/").status_code == 200

    # The same code cannot be used again, e.g. by someone who watched it being typed.
    other = Client()
    _password(other, "olga")
    replay = other.post("/accounts/mfa/", {"code": code})
    assert replay.status_code == 422


def test_a_recovery_code_works_once(olga: AbstractBaseUser) -> None:
    enrol(olga)
    codes = mfa.renew_recovery_codes(user=olga)
    client = Client()
    _password(client, "olga")
    ok = client.post("/accounts/mfa/", {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert "You signed in with a recovery code; 9 left" in ok.content.decode()
    again = Client()
    _password(again, "olga")
    assert again.post("/accounts/mfa/", {"code": codes[0]}).status_code == 422
    assert AuditEvent.objects.filter(action=SecurityAction.RECOVERY_CODE_USED).count() == 1


def test_wrong_codes_lock_the_account_out(olga: AbstractBaseUser, settings: Any) -> None:
    settings.LICENTIA_SIGNIN_MAX_FAILURES = 3
    device = enrol(olga)
    client = Client()
    _password(client, "olga")
    for _ in range(2):
        assert client.post("/accounts/mfa/", {"code": "000000"}).status_code == 422
    locked = client.post("/accounts/mfa/", {"code": "000000"})
    assert locked.status_code == 422
    refused = client.post("/accounts/mfa/", {"code": current_code(device)})
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert client.get("/products/").status_code == 302
    # A correct password does not clear the count while the second factor is still owed.
    assert (
        "Too many failed"
        in Client()
        .post("/accounts/login/", {"username": "olga", "password": PASSWORD})
        .content.decode()
    )


def test_a_new_sign_in_owes_the_second_factor_again(olga: AbstractBaseUser) -> None:
    device = enrol(olga)
    client = Client()
    _password(client, "olga")
    client.post("/accounts/mfa/", {"code": current_code(device)})
    assert client.get("/products/").status_code == 200
    _password(client, "olga")
    assert client.get("/products/").status_code == 302


def test_an_exporter_may_enrol_and_then_must_use_it(alice: AbstractBaseUser) -> None:
    client = Client()
    assert _password(client, "alice") == "/products/"
    assert "Set up an authenticator app" in client.get("/accounts/security/").content.decode()
    secret = _enrolment_secret(client)
    client.post("/accounts/mfa/enrol/", {"code": totp.code_for(secret, totp.step_at(time.time()))})
    assert client.get("/products/").status_code == 200  # enrolling passes it for this session
    page = client.get("/accounts/security/").content.decode()
    assert "Recovery codes left: <strong>10</strong>" in page

    later = Client()
    assert _password(later, "alice").startswith("/accounts/mfa/?")
    device = TotpDevice.objects.get(user=alice)
    device.last_step = 0
    device.save()
    later.post("/accounts/mfa/", {"code": current_code(device)})
    removed = later.post("/accounts/mfa/remove/", follow=True)
    assert "Your authenticator app was removed." in removed.content.decode()
    assert _password(Client(), "alice") == "/products/"


def test_an_officer_cannot_remove_their_own_authenticator(olga: AbstractBaseUser) -> None:
    enrol(olga)
    client = signed_in(olga)
    response = client.post("/accounts/mfa/remove/")
    assert response.status_code == 409
    assert "ask an operator to reset it" in response.content.decode()
    assert TotpDevice.objects.filter(user=olga).exists()


def test_enrolling_twice_is_refused_with_a_message(alice: AbstractBaseUser) -> None:
    enrol(alice)
    response = signed_in(alice).get("/accounts/mfa/enrol/", follow=True)
    assert "you already use an authenticator app" in response.content.decode()
