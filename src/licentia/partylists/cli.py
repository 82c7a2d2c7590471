"""`licentia lists ...`: import, update, versions and changes of restricted-party lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from licentia.errors import LicentiaError
from licentia.terminal import console, errors, progress, run, setup_django

lists_app = typer.Typer(
    help="Restricted-party lists: import, update from publishers, versions, changes.",
    no_args_is_help=True,
)
T = TypeVar("T")


@lists_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="List file (for the OFAC CSV set: sdn.csv)")],
    file_format: Annotated[str, typer.Option("--format", help="List format, e.g. un-sc-xml")],
) -> None:
    """Import a list file; nothing changes unless the whole file is valid."""
    setup_django()
    from licentia.partylists.services import import_list

    with progress() as bar:
        bar.add_task(f"Reading, checking and storing {file}", total=None)
        result = run(lambda: import_list(file, file_format))
    console.print(result.summary())


@lists_app.command("formats")
def formats_command() -> None:
    """The list formats Licentia reads."""
    from licentia.screening.importers import FORMATS

    table = Table("format", "description")
    for code, entry in FORMATS.items():
        table.add_row(code, entry.description)
    console.print(table)


@lists_app.command("update")
def update_command(
    source: Annotated[
        str | None, typer.Option(help="One list (default: every list with a download)")
    ] = None,
) -> None:
    """Download current lists from their publishers and import those that changed."""
    setup_django()
    from licentia.partylists.download import PUBLICATIONS, update_list

    sources = [source] if source else list(PUBLICATIONS)
    failed = 0
    with progress() as bar:
        task = bar.add_task("Updating lists", total=len(sources))
        for name in sources:
            bar.update(task, description=f"Downloading and checking {name}")
            try:
                result = update_list(source=name)
            except LicentiaError as exc:
                failed += 1
                errors.print(f"[bold red]{name}:[/] {exc.message} (the active version stays)")
            else:
                console.print(result.summary())
            bar.advance(task)
    if failed:
        raise typer.Exit(code=2)


@lists_app.command("versions")
def versions_command(
    source: Annotated[str | None, typer.Option(help="Only this list")] = None,
) -> None:
    """Stored list versions, active and past."""
    setup_django()
    from licentia.partylists.services import list_versions

    table = Table("id", "list", "status", "published", "parties", "imported", "file")
    for version in list_versions(source=source):
        table.add_row(
            str(version.pk),
            version.source,
            version.status,
            str(version.published or ""),
            str(version.entity_count),
            version.imported_at.strftime("%Y-%m-%d %H:%M"),
            version.file_name,
        )
    console.print(table)


@lists_app.command("changes")
def changes_command(
    source: Annotated[str, typer.Argument(help="List code, e.g. un-sc")],
) -> None:
    """What changed in a list's latest version against the one before."""
    setup_django()
    from licentia.partylists import services

    version = run(lambda: services.latest_version(source=source))
    counts = services.change_counts(version)
    console.print(f"{version}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    for change in services.changes(version):
        fields = f" ({', '.join(change.fields)})" if change.fields else ""
        console.print(f"{change.kind:8} {change.source_id}  {change.caption}{fields}")
