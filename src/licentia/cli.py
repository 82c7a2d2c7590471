"""The `licentia` command: one entry point for operators, exporters and batch jobs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from licentia.audit.cli import audit_app
from licentia.controls.model import Regime
from licentia.coordination.cli import coordination_app
from licentia.determinations.cli import check
from licentia.exchange.cli import exchange_app
from licentia.indicators.cli import indicators_app
from licentia.licences.cli import licences_app, records_app
from licentia.partylists.cli import lists_app
from licentia.riskassessments.cli import risk_command
from licentia.screenings.cli import screen_command
from licentia.terminal import console, progress, run, setup_django
from licentia.transparency.cli import report_command

app = typer.Typer(
    help="Licentia: export control of dual-use and cyber-surveillance items.", no_args_is_help=True
)
controls_app = typer.Typer(
    help="The control lists: import, search, show, compare.", no_args_is_help=True
)
app.add_typer(controls_app, name="controls")
app.add_typer(lists_app, name="lists")
app.add_typer(indicators_app, name="indicators")
app.add_typer(audit_app, name="audit")
app.add_typer(licences_app, name="licences")
app.add_typer(records_app, name="records")
app.add_typer(exchange_app, name="exchange")
app.add_typer(coordination_app, name="coordination")
app.command(name="screen")(screen_command)
app.command(name="check")(check)
app.command(name="risk")(risk_command)
app.command(name="report")(report_command)

DEMO_PASSWORD = "licentia-demo"  # printed for the demo; never used outside it
RegimeOption = Annotated[Regime, typer.Option(help="Which list")]
VersionOption = Annotated[str | None, typer.Option(help="List version (default: in force today)")]


def _list_version(regime: Regime, version: str | None) -> Any:
    """The stored version asked for, or the one in force today; Django is set up first."""
    setup_django()
    from licentia.controllists import services

    return run(lambda: services.get_version(regime=regime, version=version))


@app.command()
def setup() -> None:
    """Create or upgrade the database and load the curated control list excerpt."""
    setup_django()
    from django.core.management import call_command

    from licentia.controllists.services import import_curated

    with progress() as bar:
        bar.add_task("Applying database migrations", total=None)
        call_command("migrate", interactive=False, verbosity=0)
    result = run(import_curated)
    console.print(f"Database ready. {result.summary()}")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes")] = 2,
) -> None:
    """Serve the web application and API with gunicorn (production)."""
    setup_django()
    from django.core.management import call_command

    # A broken configuration (e.g. the national measures file) stops here, not at first request.
    call_command("check")
    call_command("collectstatic", interactive=False, verbosity=0)
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "licentia.web.wsgi:application",
            "--preload",
            "--config",
            "python:licentia.web.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ],
    )


@app.command()
def demo(
    port: Annotated[int, typer.Option()] = 8000,
    data_dir: Annotated[Path, typer.Option(help="Where the demo database lives")] = Path(
        "var/demo"
    ),
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Prepare the data only")] = False,
) -> None:
    """Set up an embedded SQLite demo with sample data and start it."""
    os.environ["LICENTIA_DEMO"] = "1"
    os.environ.setdefault("LICENTIA_DATA_DIR", str(data_dir.resolve()))
    os.environ.pop("DATABASE_URL", None)
    setup()
    from licentia.demo import load_demo_data

    users = load_demo_data(password=DEMO_PASSWORD)
    console.print(f"\n[bold]Licentia demo[/] at http://127.0.0.1:{port}/")
    console.print(f"  API docs: http://127.0.0.1:{port}/api/v1/docs")
    for username, role in users:
        console.print(f"  login: [bold]{username}[/] / {DEMO_PASSWORD}  ({role})")
    if no_serve:
        return
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)


@controls_app.command("import")
def controls_import(
    file: Annotated[Path, typer.Argument(help="List file to import", exists=False)],
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="eu-annex-i-json or us-ccl-ecfr-xml (default: detect)"),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(help="Version label (an ISO date) when the file carries none, as eCFR XML"),
    ] = None,
) -> None:
    """Import a control list version (nothing is written unless the whole file is valid)."""
    setup_django()
    from licentia.controllists.services import import_control_list
    from licentia.controls.importers import parse_control_list

    with progress() as bar:
        task = bar.add_task(f"Reading and checking {file}", total=None)
        control_list = run(
            lambda: parse_control_list(file, file_format=file_format, version=version)
        )
        bar.update(task, description=f"Storing {len(control_list)} entries and comparing versions")
        result = run(lambda: import_control_list(control_list=control_list))
    console.print(result.summary())


@controls_app.command("versions")
def controls_versions() -> None:
    """List the stored control list versions."""
    setup_django()
    from licentia.controllists.services import list_versions

    table = Table("regime", "version", "kind", "valid from", "valid to", "source")
    for version in list_versions():
        table.add_row(
            version.regime,
            version.version,
            "curated excerpt" if version.excerpt else "full",
            str(version.valid_from),
            str(version.valid_to or ""),
            version.source,
        )
    console.print(table)


@controls_app.command("search")
def controls_search(
    query: Annotated[str, typer.Argument(help='Words or a code, e.g. "imsi catcher" or 5A001.j')],
    regime: RegimeOption = Regime.EU_ANNEX_I,
    version: VersionOption = None,
    limit: Annotated[int, typer.Option()] = 10,
) -> None:
    """Search a list version."""
    list_version = _list_version(regime, version)
    from licentia.controllists import services

    hits = run(lambda: services.index_for(list_version=list_version).search(query, limit=limit))
    console.print(f"{list_version}")
    table = Table("entry", "score", "text", "cyber")
    for hit in hits:
        text = hit.entry.text or hit.entry.summary
        table.add_row(
            hit.entry.path,
            f"{hit.score:.2f}",
            text[:110],
            "yes" if hit.entry.cyber_surveillance else "",
        )
    console.print(table)


@controls_app.command("show")
def controls_show(
    code: Annotated[str, typer.Argument(help="Entry code or path, e.g. 5A001.j")],
    regime: RegimeOption = Regime.EU_ANNEX_I,
    version: VersionOption = None,
) -> None:
    """Show an entry: its tree, notes, definitions, versions and what changed."""
    list_version = _list_version(regime, version)
    from licentia.controllists import services

    control_list = services.core_list(list_version=list_version)
    entry = run(lambda: services.get_entry(list_version=list_version, path=code))
    console.print(f"[bold]{entry.path}[/]  ({control_list.citation(entry.path)})")
    for ancestor in control_list.ancestors(entry.path):
        console.print(f"  within {ancestor.path}: {(ancestor.text or ancestor.summary)[:100]}")
    console.print(entry.text or f"[italic]Summary in Licentia's words:[/] {entry.summary}")
    if entry.text and entry.summary:
        console.print(f"[italic]Summary:[/] {entry.summary}")
    flags = [
        name
        for name, on in (
            ("cyber-surveillance item (Recommendation (EU) 2024/2659)", entry.cyber_surveillance),
            ("Annex IV", entry.annex_iv),
            (
                "excluded from general authorisations (Annex II Section I)",
                entry.excluded_from_general_authorisations,
            ),
        )
        if on
    ]
    if entry.annex_iv is None:
        flags.append("Annex IV: not recorded in the imported source")
    console.print(
        f"origin: {entry.origin.description}" + (f"; {'; '.join(flags)}" if flags else "")
    )
    if entry.related_codes:
        console.print(f"corresponding codes: {', '.join(entry.related_codes)}")
    tree = Tree(entry.path)
    _grow(tree, control_list, entry.path)
    console.print(tree)
    for note in entry.notes:
        console.print(f"[bold]{note.kind.value}[/]: {note.text}")
    for exclusion in entry.exclusions:
        console.print(f"[bold]released by {exclusion.source_note}[/]: {exclusion.summary}")
    for term in entry.defined_terms:
        definition = control_list.definition(term)
        if definition is not None:
            console.print(f'[bold]"{term}"[/]: {escape(definition.text[:300])}')
    for question in entry.questions:
        console.print(f"? {question}")
    history = services.entry_history(regime=regime, path=entry.path)
    console.print(
        "versions: "
        + ", ".join(
            f"{v.version}{' (excerpt)' if v.excerpt else ''}{f' ({change})' if change else ''}"
            for v, change in history
        )
    )


def _grow(tree: Tree, control_list: Any, path: str) -> None:
    for child in control_list.children(path):
        branch = tree.add(f"{child.path} {(child.text or child.summary)[:90]}")
        _grow(branch, control_list, child.path)


@controls_app.command("diff")
def controls_diff(
    old: Annotated[str, typer.Argument(help="Older version")],
    new: Annotated[str, typer.Argument(help="Newer version")],
    regime: RegimeOption = Regime.EU_ANNEX_I,
) -> None:
    """Compare two stored versions of a list."""
    setup_django()
    from licentia.controllists import services

    diff = run(
        lambda: services.compare(
            old=services.get_version(regime=regime, version=old),
            new=services.get_version(regime=regime, version=new),
        )
    )
    console.print(", ".join(f"{n} {kind}" for kind, n in diff.counts().items()))
    for change in diff.changes:
        console.print(f"{change.kind.value:8} {change.path} {' '.join(change.fields)}")


@app.command()
def classify(
    description: Annotated[str, typer.Argument(help="What the product is and does")],
    regime: RegimeOption = Regime.EU_ANNEX_I,
    version: VersionOption = None,
) -> None:
    """Which control entries may a product fall under? (Never looks at destination or customer.)"""
    list_version = _list_version(regime, version)
    from licentia.controllists import services

    result = run(lambda: services.classify(description=description, list_version=list_version))
    console.print(f"[bold]{result.outcome.value}[/]: {result.outcome.description}")
    console.print(result.reason)
    console.print(f"list: {list_version}")
    for candidate in result.candidates:
        cyber = " [cyber-surveillance item]" if candidate.cyber_surveillance else ""
        console.print(
            f"\n[bold]{candidate.path}[/] (score {candidate.score}){cyber}: {candidate.summary[:200]}"
        )
        for path, text in candidate.provisions:
            console.print(f"  matches {path}: {text[:120]}")
        for exclusion in candidate.may_release:
            console.print(
                f"  may be released by {exclusion.source_note}: {exclusion.summary[:160]}"
            )
    for candidate in result.released:
        for release in candidate.released_by:
            console.print(
                f"\n{candidate.path} released by {release.exclusion.source_note} "
                f"(you wrote: {', '.join(release.matched)}): {release.exclusion.summary}"
            )
    for flag in result.non_listed_flags:
        console.print(
            f"\n[bold yellow]possible non-listed cyber-surveillance item[/]: {flag.category.summary}"
        )
    if result.questions:
        console.print("\nQuestions to answer:")
        for question in result.questions:
            console.print(f"  ? {question}")


def main() -> None:
    app()
