"""Sample data for the demo: exporters in Germany and France, the competent authorities of
Germany, France and the Netherlands with their officers, and a small product catalogue.

Authority users and the operator must use a second factor; in the demo they share one fixed,
published TOTP secret (`DEMO_TOTP_SECRET`), so anyone can sign in with any authenticator app.
It is set only by this module, which `licentia demo` runs; never load it into a real database.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from licentia.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    RecoveryCode,
    Role,
    TotpDevice,
)
from licentia.controllists.services import classify, get_version
from licentia.controls.classify import Outcome
from licentia.controls.model import Regime
from licentia.errors import Conflict
from licentia.products.models import NOT_LISTED, Product
from licentia.products.services import create_product, record_classification
from licentia.reference.authorities import competent_authority

# Published in the documentation and printed by `licentia demo`: demo only.
DEMO_TOTP_SECRET = "DEMOLICENTIATOTPSECRETFORDEMOS22"
DEMO_AUTHORITIES = ("DE", "FR", "NL")
DEMO_EXPORTERS = (
    ("Demo Surveillance Technologies GmbH", "DE", "DE123456789012345"),
    ("Démo Vision Sécurité SAS", "FR", "FR98765432100"),
)
# (user name, organisation: an exporter's name or an authority's Member State, role)
DEMO_PEOPLE = (
    ("exporter-admin", "Demo Surveillance Technologies GmbH", Role.EXPORTER_ADMINISTRATOR),
    ("exporter-member", "Demo Surveillance Technologies GmbH", Role.EXPORTER_MEMBER),
    ("exporter-fr", "Démo Vision Sécurité SAS", Role.EXPORTER_ADMINISTRATOR),
    ("officer-de", "DE", Role.LICENSING_OFFICER),
    ("senior-de", "DE", Role.SENIOR_OFFICER),
    ("admin-de", "DE", Role.AUTHORITY_ADMINISTRATOR),
    ("officer-fr", "FR", Role.LICENSING_OFFICER),
    ("officer-nl", "NL", Role.LICENSING_OFFICER),
    ("coordination-de", "DE", Role.COORDINATION_READER),
)

DEMO_PRODUCTS = (
    (
        "Falcon IMSI-X",
        "Portable IMSI catcher for police: a fake base station that captures IMSI and IMEI "
        "identifiers of phones nearby over the air.",
    ),
    (
        "NetSight Carrier",
        "Deep packet inspection for mobile operators to measure quality of service and manage "
        "congestion on the core network.",
    ),
    (
        "Vigil Monitoring Centre",
        "Monitoring centre software for law enforcement: receives lawful interception from "
        "operators over the ETSI handover interface, searches by phone number and maps contacts.",
    ),
    ("FaceFind City", "Facial recognition that matches faces from city CCTV against watchlists."),
)


@transaction.atomic
def create_people(*, password: str) -> list[tuple[str, str]]:
    """Create (or refresh) the demo organisations and accounts; returns (login, description).

    Reusable by other demo data: organisations are found by name, users by user name.
    Refused outside demo mode: the password and the authenticator key are published."""
    if not settings.DEMO:
        raise Conflict(
            "demo accounts have a published password and authenticator key; they are created "
            "only in demo mode (LICENTIA_DEMO=1, as `licentia demo` sets)"
        )
    organisations: dict[str, Organisation] = {}
    for code in DEMO_AUTHORITIES:
        authority = competent_authority(code)
        organisations[code], _ = Organisation.objects.update_or_create(
            kind=OrganisationKind.AUTHORITY,
            member_state=code,
            defaults={"name": authority.name_en},
        )
    for name, member_state, eori in DEMO_EXPORTERS:
        organisations[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": OrganisationKind.EXPORTER,
                "member_state": member_state,
                "eori": eori,
            },
        )
    logins = []
    for username, where, role in DEMO_PEOPLE:
        user = _demo_user(username, password)
        organisation = organisations[where]
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": organisation, "role": role}
        )
        description = f"{role.label}, {organisation.name}"
        if role.is_authority:
            _demo_authenticator(user)
            description = f"{role.label}, {where} authority; TOTP key {DEMO_TOTP_SECRET}"
        logins.append((username, description))
    operator = _demo_user("operator", password, staff=True)
    _demo_authenticator(operator)
    logins.append(("operator", f"operator, Django admin; TOTP key {DEMO_TOTP_SECRET}"))
    return logins


def _demo_user(username: str, password: str, *, staff: bool = False) -> AbstractBaseUser:
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={"is_staff": staff, "is_superuser": staff, "email": f"{username}@demo.invalid"},
    )
    user.set_password(password)
    user.save()
    return user


def _demo_authenticator(user: AbstractBaseUser) -> None:
    """The published demo secret, confirmed, as if the user had enrolled."""
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret": DEMO_TOTP_SECRET, "confirmed_at": timezone.now(), "last_step": 0},
    )
    RecoveryCode.objects.filter(user=user).delete()


@transaction.atomic
def load_demo_data(*, password: str) -> list[tuple[str, str]]:
    """Create (or refresh) the demo people and the German exporter's products; returns the
    logins with a description each."""
    logins = create_people(password=password)
    organisation = Organisation.objects.get(name=DEMO_EXPORTERS[0][0])
    list_version = get_version(regime=Regime.EU_ANNEX_I)
    for name, description in DEMO_PRODUCTS:
        if Product.objects.filter(organisation=organisation, name=name).exists():
            continue
        product = create_product(organisation=organisation, name=name, description=description)
        suggestion = classify(description=description, list_version=list_version)
        chosen = suggestion.top if suggestion.outcome is Outcome.CANDIDATES else NOT_LISTED
        record_classification(
            product=product,
            list_version=list_version,
            entry_path=chosen,
            answers={},
            rationale=f"Demo: accepted the assistant's answer. {suggestion.reason}",
            user=None,
        )
    return logins
