"""Fill the load database: lists, indicators, authorities, exporters with API tokens, products,
reusable parties and `--cases` cases in the DE authority's queue (bulk inserts, no dossier).

Run by `run.py` with the environment of `common.environment()`; writes the accounts the load
clients use (tokens, session keys, product and party ids) as JSON to `--accounts`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from common import SHARED, setup_django

SEED = 20260827
EXPORTERS_DE = 12
OFFICERS_DE = 25
PRODUCTS_PER_EXPORTER = 6
PARTIES_PER_EXPORTER = 12
FR_CASES = 500

INDICATOR_FILES = (
    ("pts-2024.csv", "pts"),
    ("vdem-v14-main-indices-1990-2023.csv", "vdem"),
    ("freedom-house-fiw-ratings-1972-2024.csv", "fh-fiw"),
    ("wgi-voice-accountability-1996-2023.csv", "wgi-va"),
    ("rsf-press-freedom-2014-2021.csv", "rsf"),
    ("fariss-human-rights-protection-1946-2019.csv", "fariss"),
)
PRODUCTS = (
    (
        "IP probe",
        "Carrier-grade IP network monitoring probe with deep packet inspection",
        "5A001.j",
    ),
    ("Intrusion kit", "Intrusion software delivery platform for penetration testing", "4D004"),
    ("IMSI catcher", "Mobile telecommunications interception equipment (IMSI catcher)", "5A001.f"),
    ("Crypto gateway", "Network encryption gateway with AES-256 for government networks", "5A002"),
    ("Forensics suite", "Digital forensics extraction of mobile devices", "5A004.b"),
    ("Lawful intercept", "Lawful interception mediation software for operators", "5D001.e"),
)
DESTINATIONS = ("AE", "SA", "CN", "IN", "BR", "US", "TR", "EG", "MX", "ZA", "KZ", "VN", "NG")
PARTY_TYPES = ("police", "intelligence", "telecom-operator", "private", "other-government")
NAMES = (
    "Telecom Operations",
    "Ministry of Interior Technical Directorate",
    "National Security Services",
    "Digital Networks Holding",
    "Metropolitan Police Cyber Unit",
    "Integrated Communications",
    "State Border Service",
    "Data Centre Services",
)
CASE_STATES = (
    # (case state, application state, weight)
    ("open", "submitted", 22),
    ("under-review", "submitted", 30),
    ("awaiting-exporter", "information-requested", 8),
    ("recommended", "submitted", 3),
    ("awaiting-countersignature", "submitted", 4),
    ("ready-for-decision", "submitted", 3),
    ("decided", "no-licence-required", 20),
    ("closed", "withdrawn", 10),
)
RATINGS = ("", "low", "medium", "high", "very-high")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--accounts", type=Path, required=True)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    step("migrated", started)
    lists_and_indicators(started)
    accounts = people_and_catalogues()
    step("authorities, exporters, tokens, products, parties", started)
    seeded = bulk_cases(accounts, args.cases)
    step(f"{seeded} cases in the DE queue (+{FR_CASES} at FR)", started)
    args.accounts.write_text(json.dumps(accounts, indent=1))


def step(what: str, started: float) -> None:
    print(f"  seed: {what} ({time.perf_counter() - started:.1f} s)", flush=True)


def lists_and_indicators(started: float) -> None:
    from licentia.controllists.services import import_curated
    from licentia.indicators.services import import_indicators
    from licentia.partylists.services import import_list

    import_curated()
    step("curated control list", started)
    un = SHARED / "sanctions" / "un" / "un-consolidated-2026-02-27.xml"
    if un.is_file():
        result = import_list(un, "un-sc-xml")
        step(f"UN consolidated list ({result.version.entity_count} entities)", started)
    else:
        path = Path(sys.argv[0]).resolve().parent / "generated-list.ftm.json"
        path.write_text(generated_ftm(), encoding="utf-8")
        result = import_list(path, "ftm-json")
        step(f"generated FtM list ({result.version.entity_count} entities)", started)
    folder = SHARED / "human-rights"
    loaded = []
    for name, file_format in INDICATOR_FILES:
        if (folder / name).is_file():
            import_indicators(folder / name, file_format)
            loaded.append(file_format)
    step(f"indicators: {', '.join(loaded) or 'none (../shared/data absent)'}", started)


def generated_ftm() -> str:
    rng = random.Random(SEED)
    first = ("Ali", "Omar", "Ivan", "Kim", "Hassan", "Viktor", "Chen", "Yusuf", "Nikolai", "Tariq")
    last = ("Rahimi", "Petrov", "Chol", "Haddad", "Sokolov", "Wei", "Karimov", "Nasser", "Orlov")
    lines = []
    for n in range(400):
        person = n % 3 != 0
        name = (
            f"{rng.choice(first)} {rng.choice(last)}"
            if person
            else f"{rng.choice(last)} {rng.choice(('Trading', 'Industries', 'Logistics'))} LLC"
        )
        lines.append(
            json.dumps(
                {
                    "id": f"gen-{n}",
                    "schema": "Person" if person else "Company",
                    "properties": {"name": [name], "country": [rng.choice(DESTINATIONS).lower()]},
                    "datasets": ["load-generated"],
                }
            )
        )
    return "\n".join(lines) + "\n"


def person(organisation, username: str, role: str, password_hash: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from licentia.accounts.models import Membership

    user = get_user_model().objects.create(username=username, password=password_hash)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def session_for(user) -> str:  # type: ignore[no-untyped-def]
    """A signed-in session that passed the second factor (officers owe one)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from licentia.accounts import mfa

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    mfa.mark_passed(store, user)
    store.set_expiry(86400)
    store.save()
    return str(store.session_key)


def people_and_catalogues() -> dict[str, object]:
    from django.contrib.auth.hashers import make_password

    from licentia.accounts.models import Organisation, OrganisationKind, Role
    from licentia.accounts.tokens import create_token
    from licentia.applications.models import Party
    from licentia.controllists.services import get_version
    from licentia.controls.model import Regime
    from licentia.products.services import create_product, record_classification

    rng = random.Random(SEED)
    password = make_password("load-benchmark-only")
    authorities = {
        code: Organisation.objects.create(
            name=name, kind=OrganisationKind.AUTHORITY, member_state=code
        )
        for code, name in (
            ("DE", "Bundesamt für Wirtschaft und Ausfuhrkontrolle"),
            ("FR", "Service des biens à double usage"),
            ("NL", "Centrale Dienst voor In- en Uitvoer"),
        )
    }
    officers = []
    for n in range(OFFICERS_DE):
        user = person(authorities["DE"], f"officer{n:02d}", Role.LICENSING_OFFICER, password)
        _, token = create_token(user=user, name="load benchmark", days=30)
        officers.append(
            {"username": user.username, "id": user.pk, "token": token, "session": session_for(user)}
        )
    person(authorities["FR"], "officer-fr", Role.LICENSING_OFFICER, password)
    list_version = get_version(regime=Regime.EU_ANNEX_I)
    exporters = []
    for n in range(EXPORTERS_DE + 2):
        state = "DE" if n < EXPORTERS_DE else "FR"
        organisation = Organisation.objects.create(
            name=f"Exporter {n:02d} GmbH" if state == "DE" else f"Exportateur {n:02d} SA",
            kind=OrganisationKind.EXPORTER,
            member_state=state,
            eori=f"{state}{100000000 + n}",
        )
        user = person(organisation, f"exporter{n:02d}", Role.EXPORTER_ADMINISTRATOR, password)
        _, token = create_token(user=user, name="load benchmark", days=30)
        products = []
        for name, description, entry in PRODUCTS[:PRODUCTS_PER_EXPORTER]:
            product = create_product(organisation=organisation, name=name, description=description)
            record_classification(
                product=product,
                list_version=list_version,
                entry_path=entry,
                answers={},
                rationale="Load benchmark",
                user=None,
            )
            products.append(product.pk)
        end_users, consignees = [], []
        for k in range(PARTIES_PER_EXPORTER):
            country = DESTINATIONS[(n + k) % len(DESTINATIONS)]
            party = Party.objects.create(
                organisation=organisation,
                name=f"{rng.choice(NAMES)} {country} {n:02d}-{k:02d}",
                country=country,
                type=rng.choice(PARTY_TYPES),
                address=f"{k + 1} Example Street, {country}",
            )
            (end_users if k % 2 == 0 else consignees).append({"id": party.pk, "country": country})
        exporters.append(
            {
                "organisation": organisation.pk,
                "member_state": state,
                "user": user.pk,
                "token": token,
                "products": products,
                "end_users": end_users,
                "consignees": consignees,
            }
        )
    return {
        "authorities": {code: org.pk for code, org in authorities.items()},
        "officers": officers,
        "exporters": exporters,
    }


def bulk_cases(accounts: dict[str, object], count: int) -> int:
    """`count` cases at DE and `FR_CASES` at FR, in every state, opened over 400 days."""
    from django.db import connection, transaction
    from django.utils import timezone

    from licentia.applications.models import (
        Application,
        ApplicationParty,
        GoodsLine,
        ReferenceCounter,
    )
    from licentia.cases.models import Case, Decision

    rng = random.Random(SEED + 1)
    exporters: list[dict] = accounts["exporters"]  # type: ignore[assignment]
    officers: list[dict] = accounts["officers"]  # type: ignore[assignment]
    authorities: dict[str, int] = accounts["authorities"]  # type: ignore[assignment]
    now = timezone.now()
    states = [s for s in CASE_STATES for _ in range(s[2])]
    plan = []
    counters: dict[tuple[str, int], int] = {}
    for n in range(count + FR_CASES):
        member_state = "DE" if n < count else "FR"
        exporter = rng.choice([e for e in exporters if e["member_state"] == member_state])
        case_state, application_state, _ = rng.choice(states)
        opened = now - timedelta(days=rng.uniform(0.5, 400))
        key = (member_state, opened.year)
        counters[key] = counters.get(key, 0) + 1
        reference = f"{member_state}-{opened.year}-{counters[key]:06d}"
        end_user = rng.choice(exporter["end_users"])
        destinations = [end_user["country"]]
        if rng.random() < 0.2:
            destinations.append(rng.choice(DESTINATIONS))
        plan.append(
            (
                member_state,
                exporter,
                case_state,
                application_state,
                opened,
                reference,
                end_user,
                list(dict.fromkeys(destinations)),
            )
        )
    with transaction.atomic():
        applications = Application.objects.bulk_create(
            [
                Application(
                    organisation_id=exporter["organisation"],
                    reference=reference,
                    kind="individual",
                    state=application_state,
                    title=f"{PRODUCTS[i % len(PRODUCTS)][0]} for {destinations[0]}",
                    member_state=member_state,
                    destinations=destinations,
                    end_use="Lawful interception and network operations",
                    created_by_id=exporter["user"],
                    submitted_at=opened,
                )
                for i, (
                    member_state,
                    exporter,
                    _,
                    application_state,
                    opened,
                    reference,
                    _,
                    destinations,
                ) in enumerate(plan)
            ],
            batch_size=2000,
        )
        lines, parties, cases = [], [], []
        for application, (member_state, _, case_state, _, opened, _, end_user, destinations) in zip(
            applications, plan, strict=True
        ):
            for position in range(1, rng.choice((1, 1, 2)) + 1):
                name, description, entry = rng.choice(PRODUCTS)
                lines.append(
                    GoodsLine(
                        application=application,
                        position=position,
                        description=f"{name}: {description}",
                        control_entry=entry,
                        list_version="",
                        quantity=Decimal(rng.randint(1, 50)),
                        value_eur=Decimal(rng.randint(5, 900) * 1000),
                    )
                )
            parties.append(
                ApplicationParty(
                    application=application,
                    source_id=end_user["id"],
                    role="end-user",
                    type=rng.choice(PARTY_TYPES),
                    name=f"End user {end_user['id']}",
                    country=end_user["country"],
                )
            )
            parties.append(
                ApplicationParty(
                    application=application,
                    role="consignee",
                    type="private",
                    name=f"Consignee of {application.reference}",
                    country=destinations[0],
                )
            )
            active = case_state not in ("decided", "closed")
            cases.append(
                Case(
                    application=application,
                    authority_id=authorities[member_state],
                    state=case_state,
                    assigned_to_id=(
                        rng.choice(officers)["id"]
                        if member_state == "DE" and case_state != "open" and rng.random() < 0.7
                        else None
                    ),
                    priority=1 if rng.random() < 0.05 else 0,
                    risk_rating=rng.choice(RATINGS),
                    cyber_surveillance=rng.random() < 0.6,
                    clock_paused_at=opened + timedelta(days=3)
                    if case_state == "awaiting-exporter" or not active
                    else None,
                )
            )
        GoodsLine.objects.bulk_create(lines, batch_size=5000)
        ApplicationParty.objects.bulk_create(parties, batch_size=5000)
        created = Case.objects.bulk_create(cases, batch_size=5000)
        Decision.objects.bulk_create(
            [
                Decision(
                    case=case,
                    outcome="no-licence-required",
                    reasoning="Not listed after review (load benchmark)",
                )
                for case in created
                if case.state == "decided"
            ],
            batch_size=5000,
        )
        # auto_now_add overrode the dates: set them as planned.
        with connection.cursor() as cursor:
            rows = [(c.pk, p[4]) for c, p in zip(created, plan, strict=True)]
            cursor.execute("CREATE TEMP TABLE load_dates (id bigint, at timestamptz)")
            cursor.executemany("INSERT INTO load_dates VALUES (%s, %s)", rows)
            cursor.execute(
                "UPDATE cases_case c SET opened_at = d.at FROM load_dates d WHERE c.id = d.id"
            )
            cursor.execute(
                "UPDATE applications_application a SET created_at = d.at - interval '2 days', "
                "updated_at = d.at FROM load_dates d, cases_case c "
                "WHERE c.id = d.id AND a.id = c.application_id"
            )
            cursor.execute(
                "UPDATE cases_decision x SET decided_at = d.at + interval '20 days' "
                "FROM load_dates d WHERE x.case_id = d.id"
            )
            cursor.execute("DROP TABLE load_dates")
        for (member_state, year), last in counters.items():
            ReferenceCounter.objects.update_or_create(
                member_state=member_state, year=year, defaults={"last": last}
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count


if __name__ == "__main__":
    main()
