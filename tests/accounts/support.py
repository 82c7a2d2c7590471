"""Signing in from tests: authority users (and anyone enrolled) owe the second factor, so a
bare `Client.force_login` reaches only the second-factor pages. Use these instead."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.accounts import mfa


def sign_in(client: Client, user: AbstractBaseUser) -> Client:
    """`force_login`, with the second factor passed in this session."""
    client.force_login(user)
    session = client.session
    mfa.mark_passed(session, user)
    session.save()
    return client


def signed_in(user: AbstractBaseUser, *, enforce_csrf_checks: bool = False) -> Client:
    """A new client signed in as `user`, second factor passed."""
    return sign_in(Client(enforce_csrf_checks=enforce_csrf_checks), user)
