"""Stored objects the licence tests need, built as rows: an exporter, its authority, a grant."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role
from licentia.applications.models import Application, ApplicationParty, GoodsLine
from licentia.cases.models import Case, Decision, Outcome
from licentia.licences import services
from licentia.licences.models import Licence


def person(organisation: Organisation, username: str, role: Role) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def authority() -> Organisation:
    return Organisation.objects.create(
        name="BAFA", kind=OrganisationKind.AUTHORITY, member_state="DE"
    )


@pytest.fixture
def holder() -> Organisation:
    return Organisation.objects.create(
        name="Acme Surveillance", kind=OrganisationKind.EXPORTER, member_state="DE"
    )


@pytest.fixture
def officer(authority: Organisation) -> AbstractBaseUser:
    return person(authority, "olga", Role.LICENSING_OFFICER)


@pytest.fixture
def exporter_user(holder: Organisation) -> AbstractBaseUser:
    return person(holder, "alice", Role.EXPORTER_ADMINISTRATOR)


GrantFactory = Callable[..., Decision]


@pytest.fixture
def make_grant(holder: Organisation, authority: Organisation, officer: AbstractBaseUser) -> Any:
    def make(
        *,
        kind: str = "individual",
        lines: tuple[tuple[str, str], ...] = (("10", "50000.00"), ("2", "8000.00")),
        destinations: tuple[str, ...] = ("BR", "IN"),
        requested_validity_months: int | None = None,
        organisation: Organisation | None = None,
        competent: Organisation | None = None,
    ) -> Decision:
        application = Application.objects.create(
            organisation=organisation or holder,
            kind=kind,
            title="Network probes",
            member_state=(competent or authority).member_state,
            destinations=list(destinations),
            state="granted",
            requested_validity_months=requested_validity_months,
        )
        for position, (quantity, value) in enumerate(lines, start=1):
            GoodsLine.objects.create(
                application=application,
                position=position,
                description=f"Item {position}",
                control_entry="5A001.j",
                quantity=Decimal(quantity),
                value_eur=Decimal(value),
            )
        ApplicationParty.objects.create(
            application=application,
            role="end-user",
            type="telecom-operator",
            name="Operadora Exemplo",
            country=destinations[0],
        )
        ApplicationParty.objects.create(
            application=application,
            role="consignee",
            type="private",
            name="Import Ltda",
            country=destinations[0],
        )
        case = Case.objects.create(
            application=application, authority=competent or authority, state="decided"
        )
        return Decision.objects.create(
            case=case,
            outcome=Outcome.GRANT,
            reasoning="No concern under any criterion.",
            conditions="No re-export without prior consent.",
            decided_by=officer,
        )

    return make


@pytest.fixture
def licence(make_grant: Any, officer: AbstractBaseUser) -> Licence:
    return services.issue_licence(make_grant(), actor=officer)
