"""People in organisations of several kinds and Member States, for the accounts tests."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from licentia.accounts import totp
from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role, TotpDevice

PASSWORD = "correct horse battery"


def organisation(name: str, kind: OrganisationKind, member_state: str) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, member_state=member_state)


def person(org: Organisation | None, username: str, role: Role | None = None) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def enrol(user: AbstractBaseUser) -> TotpDevice:
    """A confirmed authenticator whose last accepted step is in the past."""
    return TotpDevice.objects.create(
        user=user, secret=totp.new_secret(), confirmed_at=timezone.now(), last_step=1
    )


def current_code(device: TotpDevice) -> str:
    return totp.code_for(device.secret, totp.step_at(time.time()))


@pytest.fixture
def exporter_de(db: None) -> Organisation:
    return organisation("Acme Surveillance GmbH", OrganisationKind.EXPORTER, "DE")


@pytest.fixture
def authority_de(db: None) -> Organisation:
    return organisation("BAFA", OrganisationKind.AUTHORITY, "DE")


@pytest.fixture
def alice(exporter_de: Organisation) -> AbstractBaseUser:
    return person(exporter_de, "alice", Role.EXPORTER_ADMINISTRATOR)


@pytest.fixture
def olga(authority_de: Organisation) -> AbstractBaseUser:
    return person(authority_de, "olga", Role.LICENSING_OFFICER)
