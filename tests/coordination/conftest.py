"""Builders for the coordination tests: authorities of DE, FR and NL with their people,
exporters in DE and FR, submitted applications opened as cases, and refusals notified."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Organisation, OrganisationKind, Role
from licentia.applications.models import Application, ApplicationParty, GoodsLine, Party
from licentia.applications.states import APPLICATION, ApplicationTransition
from licentia.audit.services import apply_transition
from licentia.cases import services
from licentia.cases.models import Case, Finding, RestrictiveKind
from licentia.cases.restrictive import record_restrictive_decision
from licentia.coordination import denials
from licentia.coordination.models import DenialNotice
from tests.cases.conftest import person


@pytest.fixture
def de() -> Organisation:
    return Organisation.objects.create(
        name="BAFA", kind=OrganisationKind.AUTHORITY, member_state="DE"
    )


@pytest.fixture
def fr() -> Organisation:
    return Organisation.objects.create(
        name="SBDU", kind=OrganisationKind.AUTHORITY, member_state="FR"
    )


@pytest.fixture
def nl() -> Organisation:
    return Organisation.objects.create(
        name="CDIU", kind=OrganisationKind.AUTHORITY, member_state="NL"
    )


@pytest.fixture
def officer_de(de: Organisation) -> AbstractBaseUser:
    return person(de, "olga", Role.LICENSING_OFFICER)


@pytest.fixture
def officer_fr(fr: Organisation) -> AbstractBaseUser:
    return person(fr, "francois", Role.LICENSING_OFFICER)


@pytest.fixture
def officer_nl(nl: Organisation) -> AbstractBaseUser:
    return person(nl, "nina", Role.LICENSING_OFFICER)


@pytest.fixture
def coordinator_de(de: Organisation) -> AbstractBaseUser:
    return person(de, "cora", Role.COORDINATION_READER)


@pytest.fixture
def exporter_de() -> Organisation:
    return Organisation.objects.create(
        name="Acme Surveillance", kind=OrganisationKind.EXPORTER, member_state="DE", eori="DE1"
    )


@pytest.fixture
def exporter_fr() -> Organisation:
    return Organisation.objects.create(
        name="Vision Sécurité", kind=OrganisationKind.EXPORTER, member_state="FR"
    )


@pytest.fixture
def exporter_user_de(exporter_de: Organisation) -> AbstractBaseUser:
    return person(exporter_de, "alice", Role.EXPORTER_ADMINISTRATOR)


@pytest.fixture
def exporter_user_fr(exporter_fr: Organisation) -> AbstractBaseUser:
    return person(exporter_fr, "amelie", Role.EXPORTER_ADMINISTRATOR)


MakeCase = Callable[..., Case]


@pytest.fixture
def make_case(
    exporter_de: Organisation,
    exporter_fr: Organisation,
    exporter_user_de: AbstractBaseUser,
    exporter_user_fr: AbstractBaseUser,
) -> MakeCase:
    """A submitted application of the DE or FR exporter, opened at its state's authority."""
    counter = iter(range(1, 10_000))

    def make(
        state: str = "DE",
        *,
        end_user: str = "Gulf Telecom Operations",
        address: str = "",
        identifiers: tuple[str, ...] = (),
        consignee: str = "",
        entry: str = "5A001.j",
        description: str = "IP network monitoring probe",
        cyber_surveillance: bool = False,
        destinations: tuple[str, ...] = ("AE",),
        informed: tuple[str, ...] = (),
    ) -> Case:
        organisation, user = (
            (exporter_de, exporter_user_de) if state == "DE" else (exporter_fr, exporter_user_fr)
        )
        number = next(counter)
        application = Application.objects.create(
            organisation=organisation,
            reference=f"{state}-TEST-{number:04d}",
            kind="individual",
            title=f"Monitoring {number}",
            member_state=state,
            destinations=list(destinations),
            end_use="Lawful interception",
            informed=list(informed),
            created_by=user,
        )
        GoodsLine.objects.create(
            application=application,
            position=1,
            description=description,
            control_entry=entry,
            cyber_surveillance=cyber_surveillance,
            quantity=Decimal(4),
            value_eur=Decimal(120000),
        )
        saved = Party.objects.create(
            organisation=organisation,
            name=end_user,
            country=destinations[0],
            type="telecom-operator",
            identifiers=list(identifiers),
        )
        ApplicationParty.objects.create(
            application=application,
            source=saved,
            role="end-user",
            type="telecom-operator",
            name=end_user,
            address=address,
            country=destinations[0],
        )
        if consignee:
            ApplicationParty.objects.create(
                application=application,
                role="consignee",
                type="private",
                name=consignee,
                country=destinations[0],
            )
        apply_transition(application, APPLICATION, ApplicationTransition.SUBMIT, actor=user)
        return services.open_case(application, actor=user)

    return make


def refuse(case: Case, officer: AbstractBaseUser, *, today: date | None = None) -> DenialNotice:
    """A refusal recorded and notified (as the signal does after commit)."""
    decision = record_restrictive_decision(
        kind=RestrictiveKind.REFUSAL,
        case=case,
        reason="Clear risk of use for internal repression.",
        criteria=["cp-2"],
        actor=officer,
    )
    return denials.notify_decision(decision, today=today)


def ready_to_grant(case: Case, officer: AbstractBaseUser) -> None:
    """Assigned, every criterion assessed without concern, a grant recommended."""
    services.assign(case, to=officer, actor=officer)
    for criterion in services.required_criteria(case):
        services.assess_criterion(
            case,
            criterion=criterion,
            finding=Finding.NO_CONCERN,
            reasoning="Checked.",
            actor=officer,
        )
    services.recommend(
        case,
        outcome="grant",
        reasoning="The end user's safeguards answer the concern.",
        validity_months=12,
        actor=officer,
    )
