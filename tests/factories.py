"""Builders for stored objects the tests need, through the services where one exists."""

from __future__ import annotations

import dataclasses
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role
from licentia.controls.curated import load_curated
from licentia.controls.model import ControlEntry, ControlList


def exporter(
    name: str = "Acme Surveillance", username: str = "alice"
) -> tuple[Organisation, AbstractBaseUser]:
    organisation = Organisation.objects.create(
        name=name, kind=OrganisationKind.EXPORTER, member_state="DE"
    )
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only")
    Membership.objects.create(
        user=user, organisation=organisation, role=Role.EXPORTER_ADMINISTRATOR
    )
    return organisation, user


def next_version(version: str = "2026-11-15") -> ControlList:
    """The curated excerpt as if a later version had narrowed 5A001.j and added 5A001.k."""
    old = load_curated().control_list()
    narrowed = dataclasses.replace(old.get("5A001.j"), summary="Narrowed in the next version.")
    entries = [e for e in old.entries if e.path not in {"5A001.j", "5A004.a"}]
    entries += [narrowed, ControlEntry(path="5A001.k", text="", summary="A new item.")]
    return dataclasses.replace(
        old,
        version=version,
        valid_from=date.fromisoformat(version),
        checksum=f"test-{version}",
        entries=tuple(entries),
    )
