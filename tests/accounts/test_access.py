"""Access rules (licentia.accounts.access) for every object type, role and organisation:
exporter A (DE) and exporter B (FR), the authorities of DE and FR, the coordination role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet

from licentia.accounts import access
from licentia.accounts.models import Organisation, OrganisationKind, Role
from licentia.accounts.services import NoOrganisation, NotAuthenticated
from licentia.applications.models import Application, ApplicationDocument, Party
from licentia.cases.models import Case, Decision
from licentia.errors import NotFound
from licentia.licences.models import Licence
from tests.accounts.conftest import organisation, person

pytestmark = pytest.mark.django_db


@dataclass
class World:
    users: dict[str, AbstractBaseUser]
    objects: dict[str, Model]


def _submitted(org: Organisation, authority: Organisation, tag: str) -> dict[str, Model]:
    application = Application.objects.create(
        organisation=org, kind="individual", title=f"{tag} cameras", member_state="DE"
    )
    case = Case.objects.create(application=application, authority=authority)
    decision = Decision.objects.create(case=case, outcome="grant", reasoning="fine")
    licence = Licence.objects.create(
        decision=decision,
        holder=org,
        authority=authority,
        number=f"{tag}-1",
        verification_code=f"V{tag}",
        kind="individual",
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 1, 1),
    )
    document = ApplicationDocument.objects.create(
        application=application,
        kind="end-use-statement",
        file=f"applications/{tag}.pdf",
        original_name=f"{tag}.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    party = Party.objects.create(
        organisation=org, name=f"{tag} Police", country="RS", type="government"
    )
    return {
        f"{tag}-application": application,
        f"{tag}-case": case,
        f"{tag}-licence": licence,
        f"{tag}-document": document,
        f"{tag}-party": party,
    }


@pytest.fixture
def world() -> World:
    a = organisation("Exporter A", OrganisationKind.EXPORTER, "DE")
    b = organisation("Exporter B", OrganisationKind.BROKER, "FR")
    de = organisation("BAFA", OrganisationKind.AUTHORITY, "DE")
    fr = organisation("SBDU", OrganisationKind.AUTHORITY, "FR")
    users = {
        "a-admin": person(a, "a-admin", Role.EXPORTER_ADMINISTRATOR),
        "a-member": person(a, "a-member", Role.EXPORTER_MEMBER),
        "b-admin": person(b, "b-admin", Role.EXPORTER_ADMINISTRATOR),
        "de-officer": person(de, "de-officer", Role.LICENSING_OFFICER),
        "de-senior": person(de, "de-senior", Role.SENIOR_OFFICER),
        "de-admin": person(de, "de-admin", Role.AUTHORITY_ADMINISTRATOR),
        "de-coordination": person(de, "de-coordination", Role.COORDINATION_READER),
        "fr-officer": person(fr, "fr-officer", Role.LICENSING_OFFICER),
        # Misconfigured memberships see nothing: an officer role in a company, and the reverse.
        "a-officer": person(a, "a-officer", Role.LICENSING_OFFICER),
        "de-exporter": person(de, "de-exporter", Role.EXPORTER_ADMINISTRATOR),
    }
    objects = {
        **_submitted(a, de, "A"),
        **_submitted(b, fr, "B"),
        "A-draft": Application.objects.create(
            organisation=a, kind="global", title="draft", member_state="DE"
        ),
    }
    return World(users, objects)


A_EXPORTER = {"A-application", "A-draft", "A-licence", "A-document", "A-party"}
B_EXPORTER = {"B-application", "B-licence", "B-document", "B-party"}
DE_AUTHORITY = {"A-application", "A-case", "A-licence", "A-document"}
FR_AUTHORITY = {"B-application", "B-case", "B-licence", "B-document"}
EXPECTED = {
    "a-admin": A_EXPORTER,
    "a-member": A_EXPORTER,
    "b-admin": B_EXPORTER,
    "de-officer": DE_AUTHORITY,
    "de-senior": DE_AUTHORITY,
    "de-admin": DE_AUTHORITY,
    "de-coordination": set(),
    "fr-officer": FR_AUTHORITY,
    "a-officer": set(),
    "de-exporter": set(),
}
READERS = {
    "application": (access.applications_for, access.get_application),
    "case": (access.cases_for, access.get_case),
    "licence": (access.licences_for, access.get_licence),
    "document": (access.documents_for, access.get_document),
    "party": (access.parties_for, access.get_party),
}


def _visible(world: World, user: AbstractBaseUser) -> set[str]:
    seen = set()
    for name, obj in world.objects.items():
        kind = "application" if name.endswith(("-application", "-draft")) else name.split("-")[1]
        listing, getter = READERS[kind]
        in_list = listing(user).filter(pk=obj.pk).exists()
        try:
            got = getter(user, obj.pk) == obj
        except NotFound:
            got = False
        assert in_list == got, f"{name}: list and get disagree for {user}"
        if got:
            seen.add(name)
    return seen


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_user_sees_exactly_their_share(world: World, username: str) -> None:
    assert _visible(world, world.users[username]) == EXPECTED[username]


def test_drafts_never_reach_the_authority(world: World) -> None:
    draft = world.objects["A-draft"]
    with pytest.raises(NotFound, match=f"no application {draft.pk} that you may see"):
        access.get_application(world.users["de-officer"], draft.pk)


def test_internal_case_records_are_out_of_an_exporters_reach(world: World) -> None:
    case = world.objects["A-case"]
    exporter = world.users["a-admin"]
    assert not access.cases_for(exporter).exists()
    with pytest.raises(NotFound, match=f"no case {case.pk} that you may see"):
        access.get_case(exporter, case.pk)


@pytest.mark.parametrize("listing", [r[0] for r in READERS.values()])
def test_signed_out_and_organisationless_users_are_refused(listing: object, db: None) -> None:
    reader = listing  # type: ignore[assignment]
    with pytest.raises(NotAuthenticated):
        reader(AnonymousUser())  # type: ignore[operator]
    with pytest.raises(NoOrganisation):
        reader(person(None, "loner"))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("a-admin", {"exporter", "exporter-admin"}),
        ("a-member", {"exporter"}),
        ("de-officer", {"officer"}),
        ("de-senior", {"officer", "senior"}),
        ("de-admin", {"officer"}),
        ("de-coordination", set()),
        ("a-officer", set()),
        ("de-exporter", set()),
    ],
)
def test_role_checks(world: World, username: str, allowed: set[str]) -> None:
    checks = {
        "exporter": lambda u: access.require_exporter(u),
        "exporter-admin": lambda u: access.require_exporter(u, administrator=True),
        "officer": lambda u: access.require_officer(u),
        "senior": lambda u: access.require_officer(u, senior=True),
    }
    user = world.users[username]
    for name, check in checks.items():
        if name in allowed:
            assert check(user).user == user
        else:
            with pytest.raises(access.Forbidden, match="role"):
                check(user)


def test_a_role_that_does_not_match_the_organisation_is_refused_with_the_reason(
    world: World,
) -> None:
    for username in ["de-exporter", "a-officer"]:
        with pytest.raises(access.Forbidden, match="your role does not match your organisation"):
            access.require(world.users[username], Role(world.users[username].membership.role))  # type: ignore[attr-defined]


def test_queries_stay_querysets_for_filtering_and_paging(world: World) -> None:
    listing = access.applications_for(world.users["de-officer"])
    assert isinstance(listing, QuerySet)
    assert list(listing.filter(title="A cameras")) == [world.objects["A-application"]]
