"""The peers of the load run, on the same database, one client, no web stack:

- the officer's queue as the API computes it (count, counts per state, first page of 50 with
  the application, exporter and assignee), through the ORM; and the same SQL statements run
  directly on a cursor (the floor: what PostgreSQL itself needs);
- submission through the service with every automatic check, and with the dossier left out
  (the dossier's share of a submission).

Prints p50/p95 and the ratios to the HTTP figures of the run (`--stats`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from common import setup_django

ROUNDS = 60
SUBMISSIONS = 25
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def timed(function: Callable[[], Any], rounds: int) -> list[float]:
    function()
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--stats", type=Path)
    args = parser.parse_args()
    setup_django()
    accounts = json.loads(args.accounts.read_text())
    http = json.loads(args.stats.read_text()) if args.stats and args.stats.is_file() else {}
    rows = queue_peers(accounts) + submission_peers(accounts)
    print(f"\n{'peer (one client, no web stack)':56s} {'p50 ms':>7s} {'p95 ms':>7s}")
    for name, samples in rows:
        p50, p95 = percentiles(samples)
        print(f"{name:56s} {p50:7.1f} {p95:7.1f}")
    measured = {name: percentiles(samples) for name, samples in rows}
    print("\nratios")
    ratio(http, measured, "API officer: QUEUE first page", "queue first page: ORM")
    ratio(http, measured, "API officer: QUEUE first page", "queue first page: raw SQL")
    ratio(http, measured, "API officer: QUEUE filtered", "queue filtered (state): ORM")
    ratio(http, measured, "Page officer: QUEUE first page", "queue first page: ORM")
    ratio(
        http,
        measured,
        "API exporter: SUBMIT (all automatic checks)",
        "submit: service, every automatic check",
    )
    full = measured["submit: service, every automatic check"]
    bare = measured["submit: service, without the dossier"]
    dossier = measured["dossier alone (checks.build)"]
    print(
        f"  dossier share of a submission in the service: "
        f"{1 - bare[0] / full[0]:.0%} of the p50 (build alone p50 {dossier[0]:.1f} ms; "
        f"with/without {full[0] / bare[0]:.2f}x)"
    )


def ratio(http: dict, measured: dict, request: str, peer: str) -> None:
    if request not in http:
        return
    p50, p95 = measured[peer]
    row = http[request]
    print(
        f"  {request} under load / {peer}: p50 {row['p50'] / p50:.1f}x, p95 {row['p95'] / p95:.1f}x"
    )


def queue_peers(accounts: dict) -> list[tuple[str, list[float]]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from licentia.cases import services

    officer = get_user_model().objects.get(pk=accounts["officers"][0]["id"])

    def api_work(filters: services.QueueFilter | None = None) -> Callable[[], Any]:
        def work() -> Any:
            cases = services.queue(officer, filters=filters)
            return (
                cases.count(),
                services.queue_counts(officer),
                [(c.application.organisation.name, c.assigned_to) for c in cases[:50]],
            )

        return work

    first, filtered = api_work(), api_work(services.QueueFilter(state="under-review"))
    with CaptureQueriesContext(connection) as captured:
        first()
    statements = [q["sql"] for q in captured.captured_queries]

    def raw() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return [
        ("queue first page: ORM", timed(first, ROUNDS)),
        ("queue first page: raw SQL", timed(raw, ROUNDS)),
        ("queue filtered (state): ORM", timed(filtered, ROUNDS)),
    ]


def submission_peers(accounts: dict) -> list[tuple[str, list[float]]]:
    from django.contrib.auth import get_user_model

    from licentia.accounts.models import Organisation
    from licentia.applications import services
    from licentia.cases import dossier
    from licentia.cases.models import Case

    exporter = next(e for e in accounts["exporters"] if e["member_state"] == "DE")
    user = get_user_model().objects.get(pk=exporter["user"])
    organisation = Organisation.objects.get(pk=exporter["organisation"])

    def draft(n: int) -> Any:
        end_user = exporter["end_users"][n % len(exporter["end_users"])]
        consignee = exporter["consignees"][n % len(exporter["consignees"])]
        application = services.create_draft(
            organisation=organisation, kind="individual", title=f"Peer {n}", user=user
        )
        services.update_header(
            application=application,
            version=application.version,
            header=services.Header(
                kind="individual",
                title=f"Peer {n}",
                destinations=[end_user["country"]],
                end_use="Lawful interception at a licensed telecom operator",
            ),
            user=user,
        )
        services.add_goods_line(
            application=application,
            version=application.version,
            details=services.GoodsLineDetails(
                quantity=2, value_eur=50000, product_id=exporter["products"][n % 6]
            ),
            user=user,
        )
        for role, party in (("end-user", end_user), ("consignee", consignee)):
            services.add_party(
                application=application,
                version=application.version,
                details=services.ApplicationPartyDetails(role=role, party_id=party["id"]),
                user=user,
            )
        services.upload_document(
            application=application,
            version=application.version,
            kind="end-use-statement",
            upload=services.Upload("eus.pdf", [PDF]),
            user=user,
        )
        return application

    def submit_all(count: int, offset: int) -> list[float]:
        drafts = [draft(offset + n) for n in range(count)]
        out = []
        for application in drafts:
            started = time.perf_counter()
            services.submit(application=application, version=application.version, user=user)
            out.append((time.perf_counter() - started) * 1000)
        return out

    submit_all(2, 10_000)  # warm
    full = submit_all(SUBMISSIONS, 10_100)
    with (
        mock.patch("licentia.cases.services.prepare_dossier"),
        mock.patch("licentia.cases.services.run_dossier"),
    ):
        bare = submit_all(SUBMISSIONS, 10_200)
    case = Case.objects.filter(application__organisation=organisation).order_by("-pk").first()
    assert case is not None
    build = timed(lambda: dossier.build(case), SUBMISSIONS)
    return [
        ("submit: service, every automatic check", full),
        ("submit: service, without the dossier", bare),
        ("dossier alone (checks.build)", build),
    ]


if __name__ == "__main__":
    main()
