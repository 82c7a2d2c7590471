"""`licentia report`: the yearly Art 26(2) report in CSV, JSON, Parquet, HTML or PDF."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from licentia.terminal import console, progress, run, setup_django

FORMAT_HELP = "csv, json, parquet, html or pdf"


def report_command(
    year: Annotated[int, typer.Option(help="The year of the decisions")],
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "csv",
    state: Annotated[str | None, typer.Option(help="Issuing Member State (ISO code)")] = None,
    destination: Annotated[str | None, typer.Option(help="Destination (ISO code)")] = None,
    item_category: Annotated[
        str | None, typer.Option(help="Item type code or Annex I category (0-9)")
    ] = None,
    licence_type: Annotated[str | None, typer.Option(help="individual, global...")] = None,
    decision: Annotated[str | None, typer.Option(help="granted, refused...")] = None,
    end_user_type: Annotated[str | None, typer.Option(help="police, private...")] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Publish as on this date (YYYY-MM-DD; default today)")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None,
) -> None:
    """Write the published report of a year: tables, suppressed cells, provenance."""
    setup_django()
    from licentia.errors import InvalidInput
    from licentia.transparency import services

    filters = {
        "member_state": state.upper() if state else None,
        "destination": destination.upper() if destination else None,
        "item_category": item_category,
        "licence_type": licence_type,
        "decision": decision,
        "end_user_type": end_user_type,
    }

    def work() -> bytes:
        today = None
        if as_of:
            try:
                today = dt.date.fromisoformat(as_of)
            except ValueError:
                raise InvalidInput(f"--as-of: not a date: {as_of!r}") from None
        return services.render(year=year, fmt=fmt, filters=filters, today=today)

    if output is None:
        content = run(work)
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    with progress() as bar:
        bar.add_task(f"Computing the {year} report", total=None)
        content = run(work)
    output.write_bytes(content)
    console.print(f"Wrote {output} ({len(content):,} bytes, {fmt}).")
