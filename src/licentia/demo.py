"""Sample data for the demo: exporters in Germany, France and the Netherlands, the competent
authorities of the three with their officers, product catalogues, reusable parties, UGEA
registrations, and three dozen applications in every state of the application, case and
licence machines, built through the services so the audit log and the dossiers are real.

Authority users and the operator must use a second factor; in the demo they share one fixed,
published TOTP secret (`DEMO_TOTP_SECRET`), so anyone can sign in with any authenticator app.
It is set only by this module, which `licentia demo` runs; never load it into a real database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from licentia.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    RecoveryCode,
    Role,
    TotpDevice,
)
from licentia.applications import registrations
from licentia.applications import services as applications
from licentia.applications.models import Application, Party
from licentia.cases import services as cases
from licentia.cases.models import Case, CountersignKind, CountersignRule, Criterion, Finding
from licentia.cases.models import Outcome as CaseOutcome
from licentia.cases.states import CaseState
from licentia.controllists.services import classify, get_version
from licentia.controls.classify import Outcome
from licentia.controls.model import Regime
from licentia.errors import Conflict
from licentia.licences import services as licences
from licentia.licences.models import Licence
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


# -- the rest of the demo: more exporters, catalogues, parties and a realistic queue -----------
#
# Every case is built through the services an exporter and an officer use (drafts, submission,
# requests for information, assessments, recommendations, countersigning, decisions, licence
# changes, shipments), so the audit log, the dossiers and the notifications are real.

# (name, Member State, EORI, login of its administrator)
DEMO_MORE_EXPORTERS = (
    ("Noordzee Netwerk Analyse B.V.", "NL", "NL812345678", "exporter-nl"),
    ("Kestrel Biometrics GmbH", "DE", "DE998877665544332", "exporter-kestrel"),
)
_DE, _FR = DEMO_EXPORTERS[0][0], DEMO_EXPORTERS[1][0]
_NL, _KESTREL = DEMO_MORE_EXPORTERS[0][0], DEMO_MORE_EXPORTERS[1][0]

# The catalogues of the other exporters: (organisation, name, description)
DEMO_MORE_PRODUCTS = (
    (
        _FR,
        "Iris Gate 4",
        "Biometric access control terminal with iris and face recognition for airports.",
    ),
    (
        _FR,
        "CryptoLink 900",
        "Network encryption appliance with AES-256 for government wide area networks.",
    ),
    (
        _NL,
        "HarbourProbe",
        "IP network monitoring probe that extracts metadata and content of communications "
        "for operators and law enforcement.",
    ),
    (_NL, "SeaCipher", "Encrypted satellite communication terminal for ships."),
    (
        _KESTREL,
        "Kestrel FaceMatch",
        "Facial recognition software matching faces in live video against watchlists.",
    ),
    (
        _KESTREL,
        "Kestrel Forensic Kit",
        "Mobile phone forensic extraction tool that bypasses the screen lock and copies data.",
    ),
)

# Reusable parties of each exporter: key -> (organisation, name, country, type, address)
DEMO_PARTIES = {
    "gulf-telecom": (
        _DE,
        "Gulf Telecom Operations LLC",
        "AE",
        "telecom-operator",
        "Al Maryah Island, Abu Dhabi",
    ),
    "serbia-police": (
        _DE,
        "Ministry of Interior, Criminal Police Directorate",
        "RS",
        "police",
        "Bulevar Mihajla Pupina 2, Belgrade",
    ),
    "brasil-operator": (
        _DE,
        "Operadora Exemplo S.A.",
        "BR",
        "telecom-operator",
        "Avenida Paulista 1000, São Paulo",
    ),
    "india-univ": (_DE, "Institute of Network Science", "IN", "academic", "Bengaluru"),
    "kz-security": (
        _DE,
        "National Security Committee",
        "KZ",
        "intelligence",
        "Astana",
    ),
    "dubai-logistics": (
        _DE,
        "Jebel Ali Secure Logistics FZE",
        "AE",
        "private",
        "Jebel Ali Free Zone, Dubai",
    ),
    "morocco-airport": (
        _FR,
        "Office National des Aéroports",
        "MA",
        "other-government",
        "Aéroport Mohammed V, Casablanca",
    ),
    "egypt-ministry": (
        _FR,
        "Ministry of Communications",
        "EG",
        "other-government",
        "Smart Village, Giza",
    ),
    "vietnam-bank": (_FR, "Saigon Commercial Bank", "VN", "private", "Ho Chi Minh City"),
    "singapore-port": (
        _NL,
        "Straits Port Authority",
        "SG",
        "other-government",
        "460 Alexandra Road, Singapore",
    ),
    "turkey-operator": (_NL, "Anatolia Mobile A.S.", "TR", "telecom-operator", "Istanbul"),
    "mexico-police": (
        _KESTREL,
        "Secretaría de Seguridad Ciudadana",
        "MX",
        "police",
        "Ciudad de México",
    ),
    "kz-interior": (_KESTREL, "Ministry of Internal Affairs", "KZ", "police", "Astana"),
    "thai-immigration": (
        _KESTREL,
        "Immigration Bureau",
        "TH",
        "police",
        "Bangkok",
    ),
}


@dataclass(frozen=True)
class Scenario:
    """One application and how far it goes: `stage` names where it stops (see `_STAGES`);
    `licence` what happens to the licence of a grant."""

    exporter: str
    title: str
    destination: str
    lines: tuple[tuple[str, int, int], ...]  # (product name or control entry, quantity, EUR)
    end_user: str
    stage: str
    consignee: str = ""
    kind: str = "individual"
    end_use: str = ""
    licence: str = "active"
    assignee: str = "officer-de"


# Where a scenario stops. Case and application states in brackets.
_STAGES = (
    "draft",  # [application draft; no case]
    "withdrawn-draft",  # [application withdrawn; no case]
    "submitted",  # [case open; application submitted]
    "withdrawn",  # [case closed; application withdrawn]
    "under-review",  # [case under review]
    "awaiting-exporter",  # [case awaiting exporter; application information requested]
    "answered",  # [case under review again, with the answer on file]
    "returned",  # [case under review: a senior officer sent the recommendation back]
    "awaiting-countersignature",  # [case awaiting countersignature]
    "ready",  # [case ready for decision]
    "granted",  # [case decided; application granted; a licence]
    "refused",  # [case decided; application refused]
    "no-licence-required",  # [case decided; application no licence required]
    "appealed",  # [case under review; application appealed]
    "upheld",  # [case decided; application refused, after an appeal]
)

_SIMPLE = "Monitoring of the operator's own network for quality of service and fraud."
DEMO_SCENARIOS: tuple[Scenario, ...] = (
    # -- Germany: a queue of two dozen cases
    Scenario(
        _DE,
        "IMSI catchers for Belgrade police",
        "RS",
        (("Falcon IMSI-X", 6, 540000),),
        "serbia-police",
        "submitted",
        end_use="Locating suspects' phones in kidnapping cases.",
    ),
    Scenario(
        _DE,
        "Monitoring centre for Astana",
        "KZ",
        (("Vigil Monitoring Centre", 1, 2400000),),
        "kz-security",
        "submitted",
        end_use="Lawful interception centre of the national security service.",
    ),
    Scenario(
        _DE,
        "DPI for Operadora Exemplo",
        "BR",
        (("NetSight Carrier", 12, 360000),),
        "brasil-operator",
        "submitted",
        end_use=_SIMPLE,
    ),
    Scenario(
        _KESTREL,
        "Face matching for Mexico City",
        "MX",
        (("Kestrel FaceMatch", 40, 880000),),
        "mexico-police",
        "submitted",
        end_use="Identifying wanted persons on the metro's camera network.",
    ),
    Scenario(
        _DE,
        "Probes for Gulf Telecom",
        "AE",
        (("5A001.j", 4, 120000),),
        "gulf-telecom",
        "under-review",
        consignee="dubai-logistics",
        end_use="Lawful interception at a telecom operator in Abu Dhabi.",
    ),
    Scenario(
        _DE,
        "Research licence: encryption lab kit",
        "IN",
        (("5A002.a", 20, 46000),),
        "india-univ",
        "under-review",
        end_use="Teaching and research on network security.",
    ),
    Scenario(
        _KESTREL,
        "Forensic kits for Bangkok immigration",
        "TH",
        (("Kestrel Forensic Kit", 15, 210000),),
        "thai-immigration",
        "under-review",
        end_use="Examining phones of persons suspected of trafficking.",
        assignee="senior-de",
    ),
    Scenario(
        _DE,
        "IMSI catchers for Abu Dhabi",
        "AE",
        (("Falcon IMSI-X", 2, 180000),),
        "gulf-telecom",
        "awaiting-exporter",
        consignee="dubai-logistics",
        end_use="Network testing by the operator.",
    ),
    Scenario(
        _KESTREL,
        "Watchlist matching for Mexico",
        "MX",
        (("Kestrel FaceMatch", 5, 95000),),
        "mexico-police",
        "awaiting-exporter",
        end_use="Border crossing checks.",
    ),
    Scenario(
        _DE,
        "DPI upgrade for Operadora",
        "BR",
        (("NetSight Carrier", 4, 130000),),
        "brasil-operator",
        "answered",
        end_use=_SIMPLE,
    ),
    Scenario(
        _DE,
        "Face recognition for Belgrade",
        "RS",
        (("FaceFind City", 1, 1250000),),
        "serbia-police",
        "returned",
        end_use="City-wide CCTV watchlist matching.",
    ),
    Scenario(
        _DE,
        "Monitoring probes for Gulf Telecom (phase 2)",
        "AE",
        (("5A001.j", 10, 300000),),
        "gulf-telecom",
        "awaiting-countersignature",
        consignee="dubai-logistics",
        end_use="Lawful interception at a telecom operator in Abu Dhabi.",
    ),
    Scenario(
        _KESTREL,
        "Forensic kits for Mexico City",
        "MX",
        (("Kestrel Forensic Kit", 8, 112000),),
        "mexico-police",
        "awaiting-countersignature",
        end_use="Examining seized phones under court order.",
    ),
    Scenario(
        _DE,
        "Encryption modules for Bengaluru",
        "IN",
        (("5A002.a", 50, 75000),),
        "india-univ",
        "ready",
        end_use="Secure campus network.",
    ),
    Scenario(
        _DE,
        "IMSI catchers for Brazil",
        "BR",
        (("Falcon IMSI-X", 3, 270000),),
        "brasil-operator",
        "ready",
        end_use="Detecting rogue base stations on the network.",
    ),
    Scenario(
        _DE,
        "Monitoring probes for Gulf Telecom (pilot)",
        "AE",
        (("5A001.j", 2, 60000),),
        "gulf-telecom",
        "granted",
        consignee="dubai-logistics",
        licence="shipped",
        end_use="Lawful interception at a telecom operator in Abu Dhabi.",
    ),
    Scenario(
        _DE,
        "DPI for Operadora Exemplo (2026)",
        "BR",
        (("NetSight Carrier", 6, 180000), ("5A002.a", 6, 12000)),
        "brasil-operator",
        "granted",
        licence="active",
        end_use=_SIMPLE,
    ),
    Scenario(
        _DE,
        "Lab encryption kit, second batch",
        "IN",
        (("5A002.a", 10, 9000),),
        "india-univ",
        "granted",
        licence="exhausted",
        end_use="Teaching.",
    ),
    Scenario(
        _DE,
        "IMSI catchers for Gulf Telecom",
        "AE",
        (("Falcon IMSI-X", 1, 90000),),
        "gulf-telecom",
        "granted",
        consignee="dubai-logistics",
        licence="suspended",
        end_use="Network testing by the operator.",
    ),
    Scenario(
        _DE,
        "Monitoring centre for Abu Dhabi",
        "AE",
        (("Vigil Monitoring Centre", 1, 1900000),),
        "gulf-telecom",
        "granted",
        consignee="dubai-logistics",
        licence="revoked",
        end_use="Lawful interception.",
    ),
    Scenario(
        _KESTREL,
        "Face matching pilot for Bangkok",
        "TH",
        (("Kestrel FaceMatch", 2, 40000),),
        "thai-immigration",
        "granted",
        licence="expired",
        end_use="Airport arrivals checks.",
    ),
    Scenario(
        _DE,
        "Encryption modules for Operadora",
        "BR",
        (("5A002.a", 30, 27000),),
        "brasil-operator",
        "granted",
        licence="surrendered",
        end_use=_SIMPLE,
    ),
    Scenario(
        _DE,
        "Monitoring centre for Astana (2025)",
        "KZ",
        (("Vigil Monitoring Centre", 1, 2100000),),
        "kz-security",
        "refused",
        end_use="Interception centre of the security service.",
    ),
    Scenario(
        _DE,
        "Research network tools for India",
        "IN",
        (("NetSight Carrier", 1, 15000),),
        "india-univ",
        "no-licence-required",
        end_use="Teaching network management.",
    ),
    Scenario(
        _DE,
        "IMSI catchers for Astana",
        "KZ",
        (("Falcon IMSI-X", 4, 360000),),
        "kz-security",
        "appealed",
        end_use="Locating phones in counter-terrorism cases.",
    ),
    Scenario(
        _KESTREL,
        "Forensic kits for Astana",
        "KZ",
        (("Kestrel Forensic Kit", 20, 280000),),
        "kz-interior",
        "upheld",
        end_use="Examining phones of detained persons.",
    ),
    Scenario(
        _DE,
        "Probes for Gulf Telecom (withdrawn)",
        "AE",
        (("5A001.j", 3, 90000),),
        "gulf-telecom",
        "withdrawn",
        consignee="dubai-logistics",
        end_use="Replaced by the phase 2 application.",
    ),
    Scenario(
        _DE,
        "Face recognition for Brazil (draft)",
        "BR",
        (("FaceFind City", 1, 400000),),
        "brasil-operator",
        "draft",
        end_use="Stadium access control.",
    ),
    Scenario(
        _DE,
        "Encryption kit (abandoned draft)",
        "IN",
        (("5A002.a", 5, 4500),),
        "india-univ",
        "withdrawn-draft",
    ),
    Scenario(
        _KESTREL,
        "Face matching for Thai airports (draft)",
        "TH",
        (("Kestrel FaceMatch", 10, 150000),),
        "thai-immigration",
        "draft",
    ),
    # -- France
    Scenario(
        _FR,
        "Iris gates for Casablanca airport",
        "MA",
        (("Iris Gate 4", 24, 720000),),
        "morocco-airport",
        "submitted",
        assignee="officer-fr",
        end_use="Passenger identity checks at departure gates.",
    ),
    Scenario(
        _FR,
        "Network encryption for Cairo",
        "EG",
        (("CryptoLink 900", 30, 450000),),
        "egypt-ministry",
        "awaiting-exporter",
        assignee="officer-fr",
        end_use="Securing the ministry's wide area network.",
    ),
    Scenario(
        _FR,
        "Encryption for Saigon Commercial Bank",
        "VN",
        (("CryptoLink 900", 8, 96000),),
        "vietnam-bank",
        "granted",
        assignee="officer-fr",
        licence="shipped",
        end_use="Encrypting links between branches.",
    ),
    Scenario(
        _FR,
        "Iris gates for Cairo ministry",
        "EG",
        (("Iris Gate 4", 6, 180000),),
        "egypt-ministry",
        "draft",
    ),
    # -- the Netherlands
    Scenario(
        _NL,
        "Probes for Anatolia Mobile",
        "TR",
        (("HarbourProbe", 6, 240000),),
        "turkey-operator",
        "under-review",
        assignee="officer-nl",
        end_use="Lawful interception at a mobile operator.",
    ),
    Scenario(
        _NL,
        "Satellite terminals for Singapore port",
        "SG",
        (("SeaCipher", 12, 84000),),
        "singapore-port",
        "granted",
        assignee="officer-nl",
        licence="annulled",
        end_use="Encrypted links to pilot boats.",
    ),
    Scenario(
        _NL,
        "Probes for Singapore port authority",
        "SG",
        (("HarbourProbe", 2, 70000),),
        "singapore-port",
        "ready",
        assignee="officer-nl",
        end_use="Monitoring the port's own network.",
    ),
)

_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
_SENIORS = {"DE": "senior-de"}  # FR and NL have no senior officer in the demo: no rules there


@dataclass
class _World:
    organisations: dict[str, Organisation]
    users: dict[str, AbstractBaseUser]
    products: dict[tuple[str, str], Product]
    parties: dict[str, Party]


def load_demo_data(*, password: str) -> list[tuple[str, str]]:
    """Create (or refresh) the demo people, catalogues, parties, registrations and cases in
    every state; returns the logins with a description each. The cases are built once: a
    database that already has applications keeps them."""
    # The services notify by e-mail too; the demo's console would print a hundred messages.
    with (
        override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        ),
        transaction.atomic(),
    ):
        logins = create_people(password=password)
        world = _more_people(password, logins)
        _catalogues(world)
        _parties(world)
        demo_exporters = list(world.organisations.values())
        if not Application.objects.filter(organisation__in=demo_exporters).exists():
            _countersign_rules(world)
            _registrations(world)
            for scenario in DEMO_SCENARIOS:
                _build(world, scenario)
    return logins


def _more_people(password: str, logins: list[tuple[str, str]]) -> _World:
    organisations = {o.name: o for o in Organisation.objects.all()}
    for code in DEMO_AUTHORITIES:
        organisations[code] = Organisation.objects.get(
            kind=OrganisationKind.AUTHORITY, member_state=code
        )
    for index, (name, member_state, eori, username) in enumerate(DEMO_MORE_EXPORTERS):
        organisations[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": OrganisationKind.EXPORTER,
                "member_state": member_state,
                "eori": eori,
            },
        )
        user = _demo_user(username, password)
        Membership.objects.update_or_create(
            user=user,
            defaults={"organisation": organisations[name], "role": Role.EXPORTER_ADMINISTRATOR},
        )
        logins.insert(3 + index, (username, f"{Role.EXPORTER_ADMINISTRATOR.label}, {name}"))
    users = {
        u.get_username(): u
        for u in get_user_model()
        .objects.filter(membership__isnull=False)
        .select_related("membership")
    }
    return _World(organisations, users, {}, {})


def _catalogues(world: _World) -> None:
    list_version = get_version(regime=Regime.EU_ANNEX_I)
    wanted = [(_DE, name, description) for name, description in DEMO_PRODUCTS]
    for organisation_name, name, description in (*wanted, *DEMO_MORE_PRODUCTS):
        organisation = world.organisations[organisation_name]
        product = Product.objects.filter(organisation=organisation, name=name).first()
        if product is None:
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
        world.products[organisation_name, name] = product


def _parties(world: _World) -> None:
    for key, (organisation_name, name, country, kind, address) in DEMO_PARTIES.items():
        organisation = world.organisations[organisation_name]
        party = Party.objects.filter(organisation=organisation, name=name).first()
        if party is None:
            party = applications.create_party(
                organisation=organisation,
                details=applications.PartyDetails(
                    name=name, country=country, type=kind, address=address
                ),
                user=_admin_of(world, organisation_name),
            )
        world.parties[key] = party


def _countersign_rules(world: _World) -> None:
    """The German authority's rules (an administrator's settings, as in the Django admin):
    a senior officer countersigns every cyber-surveillance item and every refusal."""
    for kind in (CountersignKind.CYBER_SURVEILLANCE, CountersignKind.REFUSAL):
        CountersignRule.objects.get_or_create(
            authority=world.organisations["DE"], kind=kind, defaults={"active": True}
        )


def _registrations(world: _World) -> None:
    """UGEA EU001 registrations with a usage report, and a withdrawn EU003 registration."""
    today = timezone.localdate()
    for organisation_name in (_DE, _NL):
        user = _admin_of(world, organisation_name)
        registration = registrations.register(
            organisation=world.organisations[organisation_name], code="EU001", user=user
        )
        registrations.submit_report(
            registration=registration,
            period_start=today,
            period_end=today,
            lines=[
                {
                    "item": "Encryption modules",
                    "entry": "5A002.a",
                    "quantity": "40",
                    "value_eur": "36000",
                    "consignee": "Northern Networks Inc.",
                    "destination": "CA",
                }
            ]
            if organisation_name == _DE
            else [],
            user=user,
        )
    old = registrations.register(
        organisation=world.organisations[_FR], code="EU003", user=_admin_of(world, _FR)
    )
    registrations.withdraw_registration(registration=old, user=_admin_of(world, _FR))


def _admin_of(world: _World, organisation_name: str) -> AbstractBaseUser:
    login = {
        _DE: "exporter-admin",
        _FR: "exporter-fr",
        **{name: username for name, _, _, username in DEMO_MORE_EXPORTERS},
    }[organisation_name]
    return world.users[login]


def _build(world: _World, scenario: Scenario) -> None:
    exporter = _admin_of(world, scenario.exporter)
    if scenario.exporter == _DE and scenario.stage in ("draft", "submitted"):
        exporter = world.users["exporter-member"]  # the member prepares some of them
    application = _draft(world, scenario, exporter)
    stage = scenario.stage
    if stage == "draft":
        return
    if stage == "withdrawn-draft":
        applications.withdraw(
            application=application,
            version=application.version,
            user=exporter,
            reason="Prepared by mistake; the customer bought locally.",
        )
        return
    application = applications.submit(
        application=application, version=application.version, user=exporter
    )
    case = Case.objects.get(application=application)
    if stage == "submitted":
        return
    if stage == "withdrawn":
        applications.withdraw(
            application=application,
            version=application.version,
            user=exporter,
            reason=scenario.end_use,
        )
        return
    officer = world.users[scenario.assignee]
    caseworker = officer
    if scenario.assignee == "senior-de":
        cases.assign(case, to=officer, actor=world.users["admin-de"])
    else:
        cases.assign(case, to=officer, actor=officer)
    cases.add_note(
        case,
        text=f"Checked the end user's website and the dossier; {scenario.end_user} is known "
        "from earlier applications.",
        actor=caseworker,
    )
    if stage == "under-review":
        return
    if stage in ("awaiting-exporter", "answered"):
        cases.request_information(
            case,
            question="Please send the contract with the end user and say who will operate "
            "the system after installation.",
            actor=caseworker,
        )
        if stage == "awaiting-exporter":
            return
        application.refresh_from_db()
        applications.provide_information(
            application=application,
            version=application.version,
            answer="The operator's own staff will run it; the contract is attached.",
            user=exporter,
            upload=applications.Upload("contract.pdf", [_PDF]),
        )
        return
    refuse = stage in ("refused", "appealed", "upheld")
    _assess(case, caseworker, refuse=refuse)
    _recommend(world, case, scenario, caseworker, refuse=refuse)
    if stage == "returned":
        case.refresh_from_db()
        cases.return_for_review(
            case,
            reason="Assess criterion 2 against the latest human-rights reports first.",
            actor=world.users["senior-de"],
        )
        return
    if stage == "awaiting-countersignature":
        return
    _countersign(world, case)
    if stage == "ready":
        return
    cases.decide(case, actor=caseworker)
    if stage == "granted":
        _licence_life(world, case, scenario, caseworker, exporter)
        return
    if stage in ("appealed", "upheld"):
        application.refresh_from_db()
        applications.appeal(
            application=application,
            version=application.version,
            grounds="The security service's oversight body was reformed in 2025; the end-use "
            "undertaking excludes use against journalists and activists.",
            user=exporter,
        )
        if stage == "upheld":
            case.refresh_from_db()
            _recommend(world, case, scenario, caseworker, refuse=True)
            _countersign(world, case)
            cases.decide(case, actor=caseworker)


def _draft(world: _World, scenario: Scenario, user: AbstractBaseUser) -> Application:
    organisation = world.organisations[scenario.exporter]
    draft = applications.create_draft(
        organisation=organisation, kind=scenario.kind, title=scenario.title, user=user
    )
    applications.update_header(
        application=draft,
        version=draft.version,
        header=applications.Header(
            kind=scenario.kind,
            title=scenario.title,
            destinations=[scenario.destination],
            end_use=scenario.end_use,
            requested_validity_months=24,
        ),
        user=user,
    )
    for item, quantity, value in scenario.lines:
        product = world.products.get((scenario.exporter, item))
        applications.add_goods_line(
            application=draft,
            version=draft.version,
            details=applications.GoodsLineDetails(
                quantity=Decimal(quantity),
                value_eur=Decimal(value),
                product_id=product.pk if product else None,
                description="" if product else f"Equipment controlled under {item}",
                control_entry="" if product else item,
                cyber_surveillance=product is not None,
            ),
            user=user,
        )
    roles = [
        ("end-user", scenario.end_user),
        ("consignee", scenario.consignee or scenario.end_user),
    ]
    for role, key in roles:
        applications.add_party(
            application=draft,
            version=draft.version,
            details=applications.ApplicationPartyDetails(role=role, party_id=world.parties[key].pk),
            user=user,
        )
    if scenario.end_use:
        applications.upload_document(
            application=draft,
            version=draft.version,
            kind="end-use-statement",
            upload=applications.Upload("end-use-statement.pdf", [_PDF]),
            user=user,
        )
    return draft


_GRANT_FINDINGS = {
    Criterion.INTERNATIONAL_OBLIGATIONS: (Finding.NO_CONCERN, "No embargo or commitment applies."),
    Criterion.SANCTIONS: (Finding.NO_CONCERN, "No party is listed; no sanctions regime applies."),
    Criterion.FOREIGN_SECURITY_POLICY: (Finding.NO_CONCERN, "Consistent with foreign policy."),
    Criterion.END_USE_DIVERSION: (
        Finding.CONCERN,
        "Some risk of diversion; mitigated by an end-use undertaking and a no re-export condition.",
    ),
    Criterion.CP2: (
        Finding.CONCERN,
        "Reports of surveillance of journalists in the destination; the end user is a "
        "civilian operator under judicial oversight.",
    ),
}
_REFUSAL_FINDINGS = {
    **_GRANT_FINDINGS,
    Criterion.END_USE_DIVERSION: (
        Finding.REFUSAL_GROUND,
        "The end user is a security service that uses interception against political opponents.",
    ),
    Criterion.CP2: (
        Finding.REFUSAL_GROUND,
        "Clear risk that the items would be used for internal repression (CP criterion 2).",
    ),
}


def _assess(case: Case, officer: AbstractBaseUser, *, refuse: bool) -> None:
    findings = _REFUSAL_FINDINGS if refuse else _GRANT_FINDINGS
    for criterion, (finding, reasoning) in findings.items():
        cases.assess_criterion(
            case, criterion=criterion.value, finding=finding, reasoning=reasoning, actor=officer
        )


def _recommend(
    world: _World, case: Case, scenario: Scenario, officer: AbstractBaseUser, *, refuse: bool
) -> None:
    if scenario.stage == "no-licence-required":
        cases.recommend(
            case,
            outcome=CaseOutcome.NO_LICENCE_REQUIRED,
            reasoning="The software is network management, not monitoring: not listed.",
            actor=officer,
        )
    elif refuse:
        cases.recommend(
            case,
            outcome=CaseOutcome.REFUSE,
            reasoning="Clear risk of use in internal repression; see the assessment.",
            refusal_criteria=[Criterion.CP2.value, Criterion.END_USE_DIVERSION.value],
            actor=officer,
        )
    else:
        cases.recommend(
            case,
            outcome=CaseOutcome.GRANT,
            reasoning="No ground for refusal; the concerns are met by the conditions.",
            conditions="No re-export without the authority's prior consent. The end user "
            "reports the installation site within 30 days.",
            validity_months=24,
            actor=officer,
        )
    case.refresh_from_db()


def _countersign(world: _World, case: Case) -> None:
    case.refresh_from_db()
    if case.status is CaseState.AWAITING_COUNTERSIGNATURE:
        senior = world.users[_SENIORS[case.authority.member_state]]
        cases.countersign(case, actor=senior, comment="Agreed.")
        case.refresh_from_db()


def _licence_life(
    world: _World,
    case: Case,
    scenario: Scenario,
    officer: AbstractBaseUser,
    exporter: AbstractBaseUser,
) -> None:
    licence = Licence.objects.get(decision__case=case)
    today = timezone.localdate()
    fate = scenario.licence
    if fate in ("shipped", "exhausted"):
        for usage in licences.line_usage(licence):
            share = 1 if fate == "exhausted" else Decimal("0.5")
            licences.record_shipment(
                licence,
                actor=exporter,
                position=usage.line.position,
                quantity=(usage.line.quantity * share).quantize(Decimal(1)) or Decimal(1),
                value_eur=(usage.line.value_eur * share).quantize(Decimal("0.01")),
                shipped_on=today,
                consignee=licence.end_users[0]["name"] if licence.end_users else "Consignee",
                destination=licence.destinations[0],
                customs_reference=f"26DE{licence.pk:06d}EXA",
            )
    elif fate == "suspended":
        licences.suspend_licence(
            licence,
            actor=officer,
            reason="Reports that the operator shares data with the security service; suspended "
            "pending clarification (Art 16(2)).",
            criteria=[Criterion.END_USE_DIVERSION.value],
        )
    elif fate == "revoked":
        licences.revoke_licence(
            licence,
            actor=officer,
            reason="The end user was found to be a front for the state security service.",
            criteria=[Criterion.CP2.value, Criterion.END_USE_DIVERSION.value],
        )
    elif fate == "annulled":
        licences.annul_licence(
            licence,
            actor=officer,
            reason="The application misstated the end user.",
            criteria=[Criterion.END_USE_DIVERSION.value],
        )
    elif fate == "surrendered":
        licences.surrender_licence(
            licence, actor=exporter, reason="The customer cancelled the order."
        )
    elif fate == "expired":
        # The validity is shortened to today, and the scheduled job runs on the day after.
        licences.amend_licence(
            licence,
            actor=officer,
            reason="The holder asked to end the licence after the pilot.",
            valid_until=today,
        )
        licences.expire_licences(today=today + timedelta(days=1))
