"""Sign-in: argon2 hashing, lockout per account and per address, audit, password reset."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.test import Client
from django.utils import timezone

from licentia.accounts.models import Lockout, LockoutScope, SignInFailure
from licentia.accounts.signin import SecurityAction
from licentia.audit.models import AuditEvent
from licentia.audit.services import verify
from licentia.web import settings as product_settings
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str, address: str = "192.0.2.1") -> str:
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_product_settings_hash_passwords_with_argon2(settings: Any) -> None:
    assert product_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = product_settings.PASSWORD_HASHERS
    encoded = make_password("s3cret-enough")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("s3cret-enough", encoded)
    assert not check_password("wrong", encoded)


def test_a_correct_password_signs_in_and_is_audited(alice: AbstractBaseUser) -> None:
    assert _sign_in(Client(), "alice", PASSWORD) == "/products/"
    event = AuditEvent.objects.get(action=SecurityAction.SIGNED_IN)
    assert event.actor == "alice"
    assert event.payload == {"address": "192.0.2.1", "second_factor": False}


def test_account_locks_after_max_failures_even_for_the_right_password(
    alice: AbstractBaseUser, settings: Any
) -> None:
    settings.LICENTIA_SIGNIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(2):
        assert "Please enter a correct username and password" in _sign_in(client, "alice", "x")
    # The third failure reaches the limit; the same attempt already says so.
    assert "Too many failed sign-in attempts" in _sign_in(client, "alice", "x")
    page = _sign_in(client, "ALICE ", PASSWORD, address="198.51.100.7")
    assert "Too many failed sign-in attempts" in page
    assert "try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session
    lockout = Lockout.objects.get()
    assert (lockout.scope, lockout.key) == (LockoutScope.ACCOUNT, "alice")
    # Refused attempts during the lockout are not counted (no lockout extension by an attacker).
    assert SignInFailure.objects.count() == 3
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == [SecurityAction.SIGNIN_FAILED] * 3 + [SecurityAction.LOCKED_OUT]
    assert verify().intact


def test_lockout_ends_after_the_cool_down_and_counting_starts_afresh(
    alice: AbstractBaseUser, settings: Any
) -> None:
    settings.LICENTIA_SIGNIN_MAX_FAILURES = 2
    client = Client()
    _sign_in(client, "alice", "x")
    _sign_in(client, "alice", "x")
    assert Lockout.objects.count() == 1
    Lockout.objects.update(until=timezone.now() - timedelta(seconds=1))
    # One more failure after the lockout does not lock again at once.
    assert "Please enter a correct" in _sign_in(client, "alice", "x")
    assert _sign_in(client, "alice", PASSWORD) == "/products/"
    assert not SignInFailure.objects.filter(username="alice").exists()


def test_failures_outside_the_window_do_not_count(alice: AbstractBaseUser, settings: Any) -> None:
    settings.LICENTIA_SIGNIN_MAX_FAILURES = 2
    client = Client()
    _sign_in(client, "alice", "x")
    SignInFailure.objects.update(at=timezone.now() - timedelta(seconds=901))
    assert "Please enter a correct" in _sign_in(client, "alice", "x")
    assert not Lockout.objects.exists()


def test_an_address_trying_many_accounts_is_locked_out(
    alice: AbstractBaseUser, settings: Any
) -> None:
    settings.LICENTIA_SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    client = Client()
    for name in ["bob", "carol", "dave"]:
        _sign_in(client, name, "guess", address="203.0.113.9")
    assert "Too many failed" in _sign_in(client, "alice", PASSWORD, address="203.0.113.9")
    # Another address is not affected.
    assert _sign_in(Client(), "alice", PASSWORD, address="203.0.113.10") == "/products/"
    lockout = Lockout.objects.get()
    assert (lockout.scope, lockout.key) == (LockoutScope.ADDRESS, "203.0.113.9")


def test_a_success_does_not_clear_the_address_count(alice: AbstractBaseUser, settings: Any) -> None:
    settings.LICENTIA_SIGNIN_MAX_FAILURES_PER_ADDRESS = 2
    _sign_in(Client(), "bob", "guess", address="203.0.113.9")
    assert _sign_in(Client(), "alice", PASSWORD, address="203.0.113.9") == "/products/"
    assert "Too many failed" in _sign_in(Client(), "carol", "guess", address="203.0.113.9")


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    alice: AbstractBaseUser, settings: Any
) -> None:
    settings.LICENTIA_TRUSTED_PROXIES = 1
    Client().post(
        "/accounts/login/",
        {"username": "alice", "password": "x"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44",
    )
    assert SignInFailure.objects.get().address == "192.0.2.44"


def test_password_reset_sends_a_link_that_sets_a_new_password(alice: AbstractBaseUser) -> None:
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Licentia: choose a new password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done["Location"] == "/accounts/password/reset/complete/"
    assert get_user_model().objects.get(username="alice").check_password("a brand new passphrase")
    # The link works once.
    assert "This link does not work" in client.get(link.group(1), follow=True).content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    db: None,
) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_the_admin_signs_in_through_the_same_page(db: None) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
