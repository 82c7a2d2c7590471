"""Builders for the exporter-side tests: two exporters, a competent authority, the control list,
private storage in a temporary folder, and a draft that is complete."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role
from licentia.applications import services
from licentia.applications.models import Application
from licentia.controllists import services as controls

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def person(organisation: Organisation, username: str, role: Role) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests-only", email=f"{username}@example.test"
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture(autouse=True)
def private_files(settings: object, tmp_path: Path) -> Path:
    folder = tmp_path / "private"
    settings.MEDIA_ROOT = folder  # type: ignore[attr-defined]
    return folder


@pytest.fixture
def control_list() -> object:
    return controls.import_curated().list_version


@pytest.fixture
def exporter_org() -> Organisation:
    return Organisation.objects.create(
        name="Acme Surveillance", kind=OrganisationKind.EXPORTER, member_state="DE"
    )


@pytest.fixture
def alice(exporter_org: Organisation) -> AbstractBaseUser:
    return person(exporter_org, "alice", Role.EXPORTER_ADMINISTRATOR)


@pytest.fixture
def other_org() -> Organisation:
    return Organisation.objects.create(
        name="Beta Forensics", kind=OrganisationKind.EXPORTER, member_state="DE"
    )


@pytest.fixture
def bob(other_org: Organisation) -> AbstractBaseUser:
    return person(other_org, "bob", Role.EXPORTER_ADMINISTRATOR)


@pytest.fixture
def authority() -> Organisation:
    return Organisation.objects.create(
        name="BAFA", kind=OrganisationKind.AUTHORITY, member_state="DE"
    )


@pytest.fixture
def officer(authority: Organisation) -> AbstractBaseUser:
    return person(authority, "olga", Role.LICENSING_OFFICER)


MakeDraft = Callable[..., Application]


@pytest.fixture
def make_draft(
    exporter_org: Organisation, alice: AbstractBaseUser, control_list: object
) -> MakeDraft:
    """A draft that passes every completeness check: an individual export of a monitoring
    probe (5A001.j, a cyber-surveillance item) to a telecom operator, with its statement."""

    def make(*, kind: str = "individual", statement: bool = True) -> Application:
        draft = services.create_draft(
            organisation=exporter_org, kind=kind, title="Probes for Gulf Telecom", user=alice
        )
        services.update_header(
            application=draft,
            version=draft.version,
            header=services.Header(
                kind=kind,
                title="Probes for Gulf Telecom",
                destinations=["AE"],
                end_use="Lawful interception at a telecom operator in Abu Dhabi",
                internal_compliance_programme=True,
                large_project="Backbone 2027" if kind == "large-project" else "",
            ),
            user=alice,
        )
        services.add_goods_line(
            application=draft,
            version=draft.version,
            details=services.GoodsLineDetails(
                quantity=Decimal(4),
                value_eur=Decimal("120000.00"),
                description="IP network monitoring probe",
                control_entry="5a001.j",
            ),
            user=alice,
        )
        for role in ("end-user", "consignee"):
            services.add_party(
                application=draft,
                version=draft.version,
                details=services.ApplicationPartyDetails(
                    role=role, name="Gulf Telecom Operations", country="AE", type="telecom-operator"
                ),
                user=alice,
            )
        if statement:
            services.upload_document(
                application=draft,
                version=draft.version,
                kind="end-use-statement",
                upload=services.Upload("statement.pdf", [PDF]),
                user=alice,
            )
        return draft

    return make
