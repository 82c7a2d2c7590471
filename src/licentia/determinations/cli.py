"""`licentia check`: a licence determination from a JSON or YAML file, explained or as JSON."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from django.core.exceptions import ImproperlyConfigured
from pydantic import BaseModel
from rich.markup import escape

from licentia.errors import InvalidInput
from licentia.rules.schema import DeterminationDocument, TransactionDocument
from licentia.terminal import console, errors, run, setup_django

_OUTCOME_STYLE = {
    "PROHIBITED": "bold white on red",
    "LICENCE_REQUIRED": "bold red",
    "NOTIFY_AUTHORITY": "bold yellow",
    "NO_LICENCE_REQUIRED": "bold green",
}


class SchemaName(StrEnum):
    TRANSACTION = "transaction"
    DETERMINATION = "determination"


SCHEMAS: dict[SchemaName, type[BaseModel]] = {
    SchemaName.TRANSACTION: TransactionDocument,
    SchemaName.DETERMINATION: DeterminationDocument,
}


def json_schema(name: SchemaName) -> str:
    """The JSON Schema of a document, as published in docs/schemas/."""
    return json.dumps(SCHEMAS[name].model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def check(
    file: Annotated[
        str | None,
        typer.Argument(help="The transaction, a JSON or YAML file; - reads standard input"),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the determination document as JSON")
    ] = False,
    schema: Annotated[
        SchemaName | None,
        typer.Option(help="Print the JSON Schema of the transaction or determination document"),
    ] = None,
) -> None:
    """Do I need a licence? Determine a transaction, citing every legal basis."""

    if schema is not None:
        typer.echo(json_schema(schema), nl=False)
        return
    if file is None:
        raise typer.BadParameter("give FILE, or - for standard input", param_hint="FILE")
    text = run(lambda: _read(file))
    setup_django()
    from licentia.determinations import services

    source = "standard input" if file == "-" else file
    try:
        answer = run(lambda: services.determine(data=services.load_document(text, source=source)))
    except ImproperlyConfigured as error:  # the operator's national measures file
        errors.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(code=2) from error
    if as_json:
        typer.echo(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        explain(answer)


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{file}: cannot read: {error}", details={"field": "FILE"}) from None


def explain(answer: dict[str, Any]) -> None:
    """The determination as text a person can follow, with every citation."""
    outcome = answer["outcome"]
    console.print(
        f"[{_OUTCOME_STYLE[outcome]}]{outcome}[/]: {escape(answer['outcome_description'])}"
    )
    console.print(
        f"Law as of {answer['law_as_of']}; control list versions: "
        f"{', '.join(answer['list_versions']) or 'none needed'}"
    )
    _heading("Legal bases")
    if not answer["bases"]:
        console.print("  None: no provision checked requires a licence or notification.")
    for basis in answer["bases"]:
        items = f" [{', '.join(basis['items'])}]" if basis["items"] else ""
        console.print(
            f"  • [bold]{escape(basis['citation']['text'])}[/] → {basis['effect']}"
            f" ({basis['certainty']}){escape(items)}"
        )
        console.print(f"    {escape(basis['reason'])}")
    authority = answer["authority"]
    _heading("Competent authority")
    console.print(
        f"  {escape(authority['name'])} ({escape(authority['name_en'])}), "
        f"{authority['member_state']}, {authority['website']}"
        f" — {escape(authority['citation']['text'])}"
    )
    if answer["general_authorisations"]:
        _heading("Union general export authorisations")
    for option in answer["general_authorisations"]:
        mark = "[green]available[/]" if option["available"] else "[red]not available[/]"
        console.print(f"  {option['code']} {mark}: {escape(option['title'])}")
        console.print(f"    {escape(option['citation']['text'])}")
        for label, lines in (
            ("why not", option["reasons"]),
            ("condition", option["conditions"]),
            ("obligation", option["obligations"]),
        ):
            for line in lines:
                console.print(f"    - {label}: {escape(line)}")
    _heading("Obligations")
    for obligation in answer["obligations"]:
        due = obligation["due"]
        due = f" (due {due})" if due and due not in obligation["text"] else ""
        console.print(
            f"  • {escape(obligation['text'])}{due} — {escape(obligation['citation']['text'])}"
            f" ({obligation['certainty']})"
        )
    if answer["caveats"]:
        _heading("Caveats")
        for caveat in answer["caveats"]:
            console.print(f"  ! {escape(caveat)}")
    _heading("How the answer was reached")
    for number, step in enumerate(answer["trace"], start=1):
        cited = f" [{escape(step['citation']['text'])}]" if step["citation"] else ""
        console.print(f"  {number}. {escape(step['question'])}{cited}")
        console.print(f"     {escape(step['answer'])}")


def _heading(text: str) -> None:
    console.print(f"\n[bold underline]{text}[/]")
