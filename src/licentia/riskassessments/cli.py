"""`licentia risk`: the human-rights risk of an export, explained, or as the API's JSON document."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from licentia.terminal import console, run, setup_django

_STYLE = {"low": "green", "medium": "yellow", "high": "bold red", "very-high": "bold white on red"}


def risk_command(
    destination: Annotated[str, typer.Option(help="ISO code of the destination, e.g. CN")],
    end_user_type: Annotated[
        str | None,
        typer.Option(
            help="police, intelligence, military, other-government, telecom-operator, private, "
            "academic (default: not declared)"
        ),
    ] = None,
    item: Annotated[
        list[str] | None, typer.Option("--item", help="Annex I entry, e.g. 5A001.j (repeatable)")
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category", help="Non-listed cyber-surveillance category, e.g. facial-recognition"
        ),
    ] = None,
    flag: Annotated[
        list[str] | None, typer.Option("--flag", help="Red-flag id, e.g. covert-capabilities")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="Assessment date YYYY-MM-DD (default: today)")
    ] = None,
    end_user: Annotated[str, typer.Option(help="The end user's name")] = "",
    end_use: Annotated[str, typer.Option(help="The declared end use")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON document")] = False,
) -> None:
    """Human-rights risk (criterion 2): rating, factors, evidence, red flags, draft reasoning."""

    setup_django()
    from licentia.risk.document import document
    from licentia.riskassessments import services

    data = {
        "destination": destination,
        "date": date or dt.date.today().isoformat(),
        "end_user_type": end_user_type,
        "end_user": end_user,
        "items": item or [],
        "categories": category or [],
        "flags": flag or [],
        "end_use": end_use,
    }
    assessment = run(lambda: services.assess(request_data=data))
    if as_json:
        typer.echo(json.dumps(document(assessment), indent=2, ensure_ascii=False))
        return
    style = _STYLE.get(assessment.rating.value if assessment.rating else "", "bold yellow")
    console.print(
        f"[{style}]{escape(assessment.rating_label.upper())}[/] "
        f"(score {assessment.score:.2f}) for {escape(str(assessment.destination))} as of "
        f"{assessment.date.isoformat()}; configuration {escape(assessment.config_version)}"
    )
    console.print(assessment.status.description)
    table = Table("factor", "status", "score", "contribution", "why")
    for factor in assessment.factors:
        table.add_row(
            factor.kind.value,
            factor.status.value,
            "-" if factor.score is None else f"{factor.score:.2f}",
            f"{factor.contribution:.2f}",
            escape(factor.summary),
        )
    console.print(table)
    indicators = Table("indicator", "value", "year", "risk 0..1", "trend", "edition", "used")
    for e in assessment.factors[0].indicators:
        indicators.add_row(
            e.indicator,
            "-" if e.value is None else f"{e.value:g}",
            str(e.year or "-"),
            "-" if e.risk is None else f"{e.risk:.2f}",
            "-"
            if e.trend is None
            else f"{e.trend.change:+.2f} {e.trend.first_year}-{e.trend.last_year}",
            escape(f"{e.edition.label}; {e.edition.licence}" if e.edition else "-"),
            e.status.value,
        )
    console.print(indicators)
    for raised in assessment.flags:
        console.print(f"[bold]red flag {raised.flag.id}[/]: {escape(raised.flag.citation)}")
    console.print("\n[bold]Draft criterion 2 reasoning[/]")
    console.print(escape(assessment.reasoning_text))
