"""Sample data for the demo: an exporter with a small catalogue of surveillance products."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role
from licentia.controllists.services import classify, get_version
from licentia.controls.classify import Outcome
from licentia.controls.model import Regime
from licentia.products.models import NOT_LISTED, Product
from licentia.products.services import create_product, record_classification

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
def load_demo_data(*, password: str) -> list[tuple[str, str]]:
    """Create (or refresh) the demo organisation, users and products; returns the logins."""
    organisation, _ = Organisation.objects.get_or_create(
        name="Demo Surveillance Technologies GmbH",
        defaults={
            "kind": OrganisationKind.EXPORTER,
            "member_state": "DE",
            "eori": "DE123456789012345",
        },
    )
    users = []
    for username, role in (
        ("exporter-admin", Role.EXPORTER_ADMINISTRATOR),
        ("exporter-member", Role.EXPORTER_MEMBER),
    ):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": organisation, "role": role}
        )
        users.append((username, role.label))
    admin, _ = get_user_model().objects.get_or_create(
        username="operator", defaults={"is_staff": True, "is_superuser": True}
    )
    admin.set_password(password)
    admin.save()
    users.append(("operator", "operator, Django admin"))

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
    return users
