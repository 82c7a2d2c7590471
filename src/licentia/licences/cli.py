"""`licentia licences expire` (the scheduled job) and `licentia records export` (Art 27)."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from licentia.errors import InvalidInput, NotFound
from licentia.terminal import console, run, setup_django

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from licentia.licences.models import Licence

licences_app = typer.Typer(help="Licences: the scheduled expiry job.", no_args_is_help=True)
records_app = typer.Typer(help="Export records (Art 27): CSV or JSON.", no_args_is_help=True)


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


@licences_app.command("expire")
def expire(
    today: Annotated[str | None, typer.Option(help="Run as of this day (default: today)")] = None,
) -> None:
    """Expire every licence in force whose validity has ended; safe to run again."""
    setup_django()
    from licentia.licences.services import expire_licences

    day = run(lambda: _day(today, "--today"))
    expired = run(lambda: expire_licences(today=day.date() if day else None))
    for licence in expired:
        console.print(f"expired {licence.number} (valid until {licence.valid_until})")
    console.print(f"{len(expired)} licence(s) expired.")


@records_app.command("export")
def export(
    file_format: Annotated[Format, typer.Option("--format", help="csv or json")] = Format.CSV,
    organisation: Annotated[
        str | None,
        typer.Option(
            help="Organisation id or exact name: an exporter's own licences, or those an "
            "authority issued (default: every licence)"
        ),
    ] = None,
    since: Annotated[str | None, typer.Option(help="Shipped on or after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Shipped on or before (YYYY-MM-DD)")] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout")] = None,
) -> None:
    """Write the shipment records: licence, line, entry, quantity, value, date, destination..."""
    setup_django()
    from licentia.licences import records

    start, end = run(lambda: (_day(since, "--since"), _day(until, "--until")))
    licences = run(lambda: _licences(organisation))
    found = records.shipment_records(
        licences=licences,
        since=start.date() if start else None,
        until=end.date() if end else None,
    )
    text = records.records_csv(found) if file_format is Format.CSV else records.records_json(found)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"{len(found)} shipment record(s) written to {output}.", highlight=False)


def _licences(organisation: str | None) -> QuerySet[Licence]:
    from django.db.models import Q

    from licentia.accounts.models import Organisation, OrganisationKind
    from licentia.licences.models import Licence

    if organisation is None:
        return Licence.objects.all()
    key = Q(name=organisation) | (Q(pk=int(organisation)) if organisation.isdigit() else Q())
    found = Organisation.objects.filter(key).first()
    if found is None:
        raise NotFound(f"no organisation {organisation!r} (give its id or exact name)")
    if found.kind == OrganisationKind.AUTHORITY:
        return Licence.objects.filter(authority=found)
    return Licence.objects.filter(holder=found)
