"""Setup for the two-server coordination test, run inside one server's environment by
`tests.exchange.operator` (there is no command for it): the Member State's licensing authority
with an officer holding an API token, and an exporter's submitted application of a monitoring
system for one end user, opened as a case at that authority. Everything after this goes
through the servers' API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from licentia.accounts.models import Organisation, OrganisationKind, Role
from licentia.accounts.tokens import create_token
from licentia.applications.models import Application, ApplicationParty, GoodsLine, Party
from licentia.applications.states import APPLICATION, ApplicationTransition
from licentia.audit.services import apply_transition
from licentia.cases import services
from tests.cases.conftest import person


def authority_with_case(
    *, member_state: str, authority: str, exporter: str, end_user: dict[str, str]
) -> dict[str, Any]:
    """{"authority", "token", "case", "criteria"}: the authority's id, its officer's API token,
    the opened case and the criteria every decision on it must assess."""
    office = Organisation.objects.create(
        name=authority, kind=OrganisationKind.AUTHORITY, member_state=member_state
    )
    officer = person(office, f"officer-{member_state.lower()}", Role.LICENSING_OFFICER)
    _, token = create_token(user=officer, name="two-server test", days=1)
    company = Organisation.objects.create(
        name=exporter, kind=OrganisationKind.EXPORTER, member_state=member_state
    )
    applicant = person(company, f"exporter-{member_state.lower()}", Role.EXPORTER_ADMINISTRATOR)
    application = Application.objects.create(
        organisation=company,
        reference=f"{member_state}-2026-0001",
        kind="individual",
        title="IP monitoring centre",
        member_state=member_state,
        destinations=[end_user["country"]],
        end_use="Lawful interception by the national operator",
        created_by=applicant,
    )
    GoodsLine.objects.create(
        application=application,
        position=1,
        description="IP network monitoring system for a communications service provider",
        control_entry="5A001.j",
        cyber_surveillance=True,
        quantity=Decimal(2),
        value_eur=Decimal(480000),
    )
    saved = Party.objects.create(
        organisation=company,
        name=end_user["name"],
        country=end_user["country"],
        address=end_user["address"],
        type="telecom-operator",
    )
    ApplicationParty.objects.create(
        application=application,
        source=saved,
        role="end-user",
        type="telecom-operator",
        name=end_user["name"],
        address=end_user["address"],
        country=end_user["country"],
    )
    apply_transition(application, APPLICATION, ApplicationTransition.SUBMIT, actor=applicant)
    case = services.open_case(application, actor=applicant)
    return {
        "authority": office.pk,
        "token": token,
        "case": case.pk,
        "criteria": [c.value for c in services.required_criteria(case)],
    }
