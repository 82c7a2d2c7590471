"""`licentia indicators ...`: import, update from publishers, list editions, formats, a country."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from licentia.errors import ImportFailed, LicentiaError
from licentia.terminal import console, errors, progress, run, setup_django

indicators_app = typer.Typer(
    help="Human-rights indicators: import files, update from publishers, list editions.",
    no_args_is_help=True,
)
T = TypeVar("T")


def _mapping(text: str) -> dict[str, object]:
    """A column mapping given inline (`{...}`) or as the path of a JSON file."""
    where = "--mapping" if text.lstrip().startswith("{") else text
    try:
        raw = text if where == "--mapping" else Path(text).read_text(encoding="utf-8")
        loaded = json.loads(raw)
    except OSError as exc:
        raise ImportFailed(f"cannot read the mapping: {exc.strerror}", source=where) from exc
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"the mapping is not JSON: {exc.msg}",
            source=where,
            position=f"line {exc.lineno} column {exc.colno}",
        ) from exc
    if not isinstance(loaded, dict):
        raise ImportFailed("the mapping must be a JSON object", source=where, field="mapping")
    return loaded


@indicators_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Indicator file in the publisher's format")],
    file_format: Annotated[str, typer.Option("--format", help="pts, vdem, fh-fiw, ...")],
    mapping: Annotated[
        str | None,
        typer.Option(help="generic-csv only: column mapping, a JSON file or inline JSON"),
    ] = None,
    retrieved_on: Annotated[
        str | None, typer.Option(help="When the file was downloaded (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Import an indicator file; nothing changes unless the whole file is valid."""
    setup_django()
    from licentia.indicators.services import import_indicators

    def work() -> str:
        column_mapping = _mapping(mapping) if mapping is not None else None
        try:
            when = dt.date.fromisoformat(retrieved_on) if retrieved_on else None
        except ValueError as exc:
            raise ImportFailed(
                f"{retrieved_on!r} is not a date (YYYY-MM-DD)",
                source="--retrieved-on",
                field="retrieved_on",
            ) from exc
        result = import_indicators(
            file, file_format, retrieved_on=when, column_mapping=column_mapping
        )
        return result.summary()

    with progress() as bar:
        bar.add_task(f"Reading, checking and storing {file}", total=None)
        summary = run(work)
    console.print(summary)


@indicators_app.command("update")
def update_command(
    source: Annotated[
        str | None, typer.Option(help="One source (default: every source with an address)")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="The file's address, for sources without a stable one")
    ] = None,
) -> None:
    """Download indicators from publishers whose terms allow it; import what changed."""
    setup_django()
    from licentia.indicators.download import PUBLICATIONS, update_indicators

    if url is not None and source is None:
        errors.print("[bold red]error:[/] --url needs --source")
        raise typer.Exit(code=2)
    sources = [source] if source else [s for s, p in PUBLICATIONS.items() if p.url]
    failed = 0
    with progress() as bar:
        task = bar.add_task("Updating indicators", total=len(sources))
        for name in sources:
            bar.update(task, description=f"Downloading and checking {name}")
            try:
                result = update_indicators(source=name, url=url)
            except LicentiaError as exc:
                failed += 1
                errors.print(f"[bold red]{name}:[/] {exc.message} (the active edition stays)")
            else:
                console.print(result.summary())
            bar.advance(task)
    if failed:
        raise typer.Exit(code=2)


@indicators_app.command("list")
def list_command(
    source: Annotated[str | None, typer.Option(help="Only this source")] = None,
    failures: Annotated[
        bool, typer.Option("--failures", help="Also list the country names not mapped")
    ] = False,
) -> None:
    """Stored indicator editions, active and past, with their provenance."""
    setup_django()
    from licentia.indicators.services import editions

    table = Table("id", "source", "status", "edition", "values", "years", "licence", "retrieved")
    found = editions(source=source)
    for edition in found:
        table.add_row(
            str(edition.pk),
            edition.source,
            edition.status,
            edition.label,
            f"{edition.value_count} ({edition.country_count} countries)",
            f"{edition.first_year}-{edition.last_year}",
            edition.licence,
            edition.retrieved_on.isoformat(),
        )
    console.print(table)
    if failures:
        for edition in found:
            for failure in edition.failures:
                console.print(
                    f"{edition.source} #{edition.pk} {failure['position']}: "
                    f"{failure['name']}: {failure['reason']}"
                )


@indicators_app.command("formats")
def formats_command() -> None:
    """The indicator file formats Licentia reads."""
    from licentia.risk.indicators import FORMATS

    table = Table("format", "description")
    for code, entry in FORMATS.items():
        table.add_row(code, entry.description)
    console.print(table)


@indicators_app.command("show")
def show_command(
    country: Annotated[str, typer.Argument(help="ISO code, e.g. EG or EGY")],
    years: Annotated[int, typer.Option(help="How many recent years to show")] = 5,
) -> None:
    """The active indicators of one country over recent years, with their editions."""
    setup_django()
    from licentia.indicators.services import country_series

    found = run(lambda: country_series(country))
    console.print(f"[bold]{found.name} ({found.code})[/]")
    for history in found.histories:
        title = f"{history.indicator.key} ({history.indicator.title})"
        if not history.observations:
            console.print(f"{title}: no data")
            continue
        recent = ", ".join(f"{o.year}: {o.value:g}" for o in history.observations[-years:])
        edition = history.edition.label if history.edition else ""
        console.print(f"{title}: {recent}  [dim][{edition}][/]")
