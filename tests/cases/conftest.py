"""Builders for the case tests: an exporter, authorities with their officers, submitted
applications with goods lines and parties, opened through `open_case`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role
from licentia.applications.models import Application, ApplicationParty, GoodsLine
from licentia.applications.states import APPLICATION, ApplicationTransition
from licentia.audit.services import apply_transition
from licentia.cases import services
from licentia.cases.models import Case


def person(organisation: Organisation, username: str, role: Role) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def exporter_org() -> Organisation:
    return Organisation.objects.create(
        name="Acme Surveillance", kind=OrganisationKind.EXPORTER, member_state="DE"
    )


@pytest.fixture
def exporter_user(exporter_org: Organisation) -> AbstractBaseUser:
    return person(exporter_org, "alice", Role.EXPORTER_ADMINISTRATOR)


@pytest.fixture
def authority() -> Organisation:
    return Organisation.objects.create(
        name="BAFA", kind=OrganisationKind.AUTHORITY, member_state="DE"
    )


@pytest.fixture
def other_authority() -> Organisation:
    return Organisation.objects.create(
        name="Inspection des exportations", kind=OrganisationKind.AUTHORITY, member_state="FR"
    )


@pytest.fixture
def officer(authority: Organisation) -> AbstractBaseUser:
    return person(authority, "olga", Role.LICENSING_OFFICER)


@pytest.fixture
def second_officer(authority: Organisation) -> AbstractBaseUser:
    return person(authority, "otto", Role.LICENSING_OFFICER)


@pytest.fixture
def senior(authority: Organisation) -> AbstractBaseUser:
    return person(authority, "sabine", Role.SENIOR_OFFICER)


@pytest.fixture
def coordinator(authority: Organisation) -> AbstractBaseUser:
    return person(authority, "cora", Role.COORDINATION_READER)


@pytest.fixture
def foreign_officer(other_authority: Organisation) -> AbstractBaseUser:
    return person(other_authority, "francois", Role.LICENSING_OFFICER)


MakeCase = Callable[..., Case]


@pytest.fixture
def make_case(
    exporter_org: Organisation, exporter_user: AbstractBaseUser, authority: Organisation
) -> MakeCase:
    counter = iter(range(1, 10_000))

    def make(
        *,
        entry: str = "5A001.j",
        value: str = "120000",
        destinations: tuple[str, ...] = ("AE",),
        end_user: str = "Gulf Telecom Operations",
        kind: str = "individual",
    ) -> Case:
        number = next(counter)
        application = Application.objects.create(
            organisation=exporter_org,
            reference=f"DE-TEST-{number:04d}",
            kind=kind,
            title=f"Monitoring probes {number}",
            member_state="DE",
            destinations=list(destinations),
            end_use="Lawful interception at a telecom operator",
            created_by=exporter_user,
        )
        GoodsLine.objects.create(
            application=application,
            position=1,
            description="IP network monitoring probe",
            control_entry=entry,
            quantity=Decimal(4),
            value_eur=Decimal(value),
        )
        ApplicationParty.objects.create(
            application=application,
            role="end-user",
            type="telecom-operator",
            name=end_user,
            country=destinations[0],
        )
        apply_transition(
            application, APPLICATION, ApplicationTransition.SUBMIT, actor=exporter_user
        )
        return services.open_case(application, actor=exporter_user)

    return make
