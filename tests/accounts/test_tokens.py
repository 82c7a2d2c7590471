"""API tokens: made and revoked on the account pages, accepted as `Authorization: Bearer`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from licentia.accounts import tokens
from licentia.accounts.models import ApiToken
from licentia.accounts.signin import SecurityAction
from licentia.audit.models import AuditEvent
from licentia.errors import InvalidInput, NotFound
from tests.accounts.conftest import enrol
from tests.accounts.support import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


def _bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_a_token_is_shown_once_and_stored_as_a_hash(alice: AbstractBaseUser) -> None:
    client = signed_in(alice)
    response = client.post("/accounts/tokens/", {"name": "ERP export module", "days": 30})
    assert response.status_code == 201
    html = response.content.decode()
    match = re.search(r"<code>(lic_[0-9a-f]{12}_[A-Za-z0-9_-]{43})</code>", html)
    assert match is not None
    text = match.group(1)
    assert "Copy it now: it is not shown again." in html
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get()
    assert text not in {token.secret_hash, token.prefix}
    assert text.startswith(f"lic_{token.prefix}_")
    listing = client.get("/accounts/tokens/").content.decode()
    assert text not in listing
    assert f"lic_{token.prefix}_" in listing
    assert "ERP export module" in listing
    event = AuditEvent.objects.get(action=SecurityAction.TOKEN_CREATED)
    assert text not in str(event.payload)


def test_bearer_token_authenticates_without_session_or_csrf(alice: AbstractBaseUser) -> None:
    _, text = tokens.create_token(user=alice, name="ci", days=1)
    client = Client(enforce_csrf_checks=True)
    assert client.get("/auth-test-api/whoami", **_bearer(text)).json() == {"username": "alice"}
    assert client.post("/auth-test-api/whoami", **_bearer(text)).json() == {"username": "alice"}
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - timedelta(seconds=1)},
        {"secret_hash": "0" * 64},
    ],
)
def test_revoked_expired_or_wrong_tokens_are_refused(
    alice: AbstractBaseUser, change: dict[str, object]
) -> None:
    _, text = tokens.create_token(user=alice, name="ci", days=1)
    ApiToken.objects.update(**change)
    response = Client().get("/auth-test-api/whoami", **_bearer(text))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_refused_even_with_a_valid_session(alice: AbstractBaseUser) -> None:
    client = signed_in(alice)
    assert client.get("/auth-test-api/whoami").json() == {"username": "alice"}
    response = client.get("/auth-test-api/whoami", **_bearer("lic_000000000000_" + "x" * 43))
    assert response.status_code == 401
    assert client.get("/auth-test-api/whoami", **_bearer("garbage")).status_code == 401


def test_inactive_users_tokens_stop_working(alice: AbstractBaseUser) -> None:
    _, text = tokens.create_token(user=alice, name="ci", days=1)
    alice.is_active = False
    alice.save()
    assert Client().get("/auth-test-api/whoami", **_bearer(text)).status_code == 401


def test_session_posts_need_the_csrf_token(alice: AbstractBaseUser) -> None:
    client = signed_in(alice, enforce_csrf_checks=True)
    assert client.post("/auth-test-api/whoami").status_code == 403
    client.get("/accounts/tokens/")
    csrf = client.cookies["csrftoken"].value
    ok = client.post("/auth-test-api/whoami", HTTP_X_CSRFTOKEN=csrf)
    assert ok.json() == {"username": "alice"}


def test_session_of_an_officer_without_second_factor_is_refused_by_the_api_auth_too(
    olga: AbstractBaseUser, settings: Any
) -> None:
    # Without the middleware (which answers first in the product), the API auth still refuses.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "SecondFactor" not in m]
    client = Client()
    client.force_login(olga)
    response = client.get("/auth-test-api/whoami")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    assert signed_in(olga).get("/auth-test-api/whoami").json() == {"username": "olga"}


def test_an_officers_token_works_and_is_limited_to_the_authority_maximum(
    olga: AbstractBaseUser,
) -> None:
    enrol(olga)
    client = signed_in(olga)
    too_long = client.post("/accounts/tokens/", {"name": "queue export", "days": 91})
    assert too_long.status_code == 422
    assert "a token may be valid for 1 to 90 days" in too_long.content.decode()
    assert not ApiToken.objects.exists()
    _, text = tokens.create_token(user=olga, name="queue export", days=90)
    # The token is judged alone: no session, so no second-factor step for it.
    assert Client().get("/auth-test-api/whoami", **_bearer(text)).json() == {"username": "olga"}


def test_revoking_a_token_stops_it_at_once(alice: AbstractBaseUser) -> None:
    token, text = tokens.create_token(user=alice, name="ci", days=1)
    client = signed_in(alice)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert "was revoked; it no longer works" in response.content.decode()
    assert "revoked" in response.content.decode()
    assert Client().get("/auth-test-api/whoami", **_bearer(text)).status_code == 401
    assert AuditEvent.objects.filter(action=SecurityAction.TOKEN_REVOKED).count() == 1


def test_nobody_revokes_someone_elses_token(
    alice: AbstractBaseUser, olga: AbstractBaseUser
) -> None:
    token, _ = tokens.create_token(user=alice, name="ci", days=1)
    with pytest.raises(NotFound):
        tokens.revoke_token(user=olga, token_id=token.pk)
    response = signed_in(olga).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [(" ", 10, "name"), ("x" * 101, 10, "name"), ("ok", 0, "days"), ("ok", 366, "days")],
)
def test_bad_token_input_is_refused_by_field(
    alice: AbstractBaseUser, name: str, days: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        tokens.create_token(user=alice, name=name, days=days)
    assert error.value.details == {"field": field}
    assert not ApiToken.objects.exists()
