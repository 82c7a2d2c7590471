"""`licentia screen`: one party from the command line, or a CSV file of parties in batch."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from licentia.errors import InvalidInput, LicentiaError
from licentia.terminal import console, errors, fail, setup_django

if TYPE_CHECKING:
    from licentia.screenings.services import Screening

BATCH_COLUMNS = ("name", "country", "birth_date", "type", "identifiers")


class Output(StrEnum):
    TEXT = "text"
    CSV = "csv"
    JSON = "json"


def _rows(path: Path) -> list[dict[str, str]]:
    """The parties of a CSV file with a header row; `name` is required, the rest optional."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            if "name" not in header:
                raise InvalidInput(
                    f"{path}: the header row has no 'name' column (columns: {', '.join(BATCH_COLUMNS)})"
                )
            return [
                {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                for row in reader
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(f"{path}: cannot read the file: {exc}") from exc


def _record(screening: Screening, row_no: int | None = None) -> dict[str, Any]:
    from licentia.screenings.api import _out

    record = _out(screening)
    if row_no is not None:
        record["row"] = row_no
    return record


def _print_text(screening: Screening) -> None:
    result = screening.result
    lists = ", ".join(f"{item.source} {item.version}" for item in screening.lists)
    if not result.hits:
        console.print(
            f"[green]No hit[/] at threshold {result.profile.threshold:.2f} against: {escape(lists)}"
        )
        return
    console.print(
        f"[bold red]{len(result.hits)} hit(s)[/] at threshold {result.profile.threshold:.2f}; lists: {escape(lists)}"
    )
    for hit in result.hits:
        console.print(
            f"\n[bold]{hit.score:.2f}[/] {escape(hit.entity.caption)} "
            f"[dim]({hit.source} {hit.source_id}, version {escape(str(hit.list_version))})[/]"
        )
        console.print(
            f"  matched {hit.listed_name_type.value} {escape(hit.listed_name)!r} with {escape(hit.query_name)!r}"
        )
        for part in hit.parts:
            console.print(
                f"    {escape(part.query or '-')} ~ {escape(part.listed or '-')}: {part.how.value} {part.score:.2f}"
            )
        for feature in hit.features:
            console.print(
                f"  {feature.feature.value}: {feature.contribution:+.2f} {escape(feature.detail)}"
            )


def screen_command(
    name: Annotated[str | None, typer.Argument(help="The party's name")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code")] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    party_type: Annotated[
        str | None, typer.Option("--type", help="person, organization, company, vessel")
    ] = None,
    threshold: Annotated[float | None, typer.Option(help="Score needed for a hit, 0..1")] = None,
    profile: Annotated[str, typer.Option(help="standard, broad or narrow")] = "standard",
    file: Annotated[
        Path | None,
        typer.Option("--file", help="CSV of parties: name,country,birth_date,type,identifiers"),
    ] = None,
    output: Annotated[Output, typer.Option(help="text, csv or json")] = Output.TEXT,
) -> None:
    """Screen a party (or a CSV file of parties) against the active restricted-party lists."""
    setup_django()
    from licentia.screenings import services

    if (name is None) == (file is None):
        errors.print("[bold red]error:[/] give either a NAME or --file, not both and not neither")
        raise typer.Exit(code=2)
    try:
        if name is not None:
            query = services.make_query(
                name=name, country=country, birth_date=birth_date, party_type=party_type
            )
            screening = services.screen_party(
                query=query, profile_name=profile, threshold=threshold
            )
            _emit([(None, screening, None)], output)
            raise typer.Exit(code=1 if screening.result.hits else 0)
        assert file is not None
        rows = _rows(file)
        with Progress(
            TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=errors, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("screening", total=len(rows))
            services.current_index()  # load or build once, before the first row
            done: list[tuple[int, Screening | None, str | None]] = []
            for row_no, row in enumerate(rows, start=2):
                try:
                    query = services.make_query(
                        name=row.get("name", ""),
                        country=row.get("country") or None,
                        birth_date=row.get("birth_date") or None,
                        party_type=row.get("type") or None,
                        identifiers=[i for i in row.get("identifiers", "").split(";") if i.strip()],
                    )
                    done.append(
                        (
                            row_no,
                            services.screen_party(
                                query=query, profile_name=profile, threshold=threshold
                            ),
                            None,
                        )
                    )
                except InvalidInput as exc:
                    done.append((row_no, None, exc.message))
                progress.advance(task)
    except LicentiaError as exc:
        raise fail(exc) from exc
    _emit(done, output)
    raise typer.Exit(code=1 if any(s and s.result.hits for _, s, _ in done) else 0)


def _emit(done: list[tuple[int | None, Screening | None, str | None]], output: Output) -> None:
    if output is Output.JSON:
        records = [
            _record(s, row_no)
            if s is not None
            else {"row": row_no, "status": "invalid", "error": error}
            for row_no, s, error in done
        ]
        sys.stdout.write(
            json.dumps(
                records[0] if len(records) == 1 and done[0][0] is None else records,
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    if output is Output.CSV:
        writer = csv.writer(sys.stdout)
        writer.writerow(
            [
                "row",
                "query",
                "status",
                "score",
                "source",
                "source_id",
                "list_version",
                "listed_name",
                "name_type",
                "explanation",
                "error",
            ]
        )
        for row_no, s, error in done:
            if s is None:
                writer.writerow([row_no, "", "invalid", "", "", "", "", "", "", "", error])
                continue
            query = " | ".join(s.result.query.names)
            if not s.result.hits:
                versions = "; ".join(f"{item.source} {item.version}" for item in s.lists)
                writer.writerow([row_no, query, "clear", "", "", "", versions, "", "", "", ""])
            for hit in s.result.hits:
                writer.writerow(
                    [
                        row_no,
                        query,
                        "hit",
                        f"{hit.score:.4f}",
                        hit.source,
                        hit.source_id,
                        hit.list_version,
                        hit.listed_name,
                        hit.listed_name_type.value,
                        hit.explanation,
                        "",
                    ]
                )
        return
    for row_no, s, error in done:
        if row_no is not None:
            console.rule(f"row {row_no}")
        if s is None:
            console.print(f"[bold red]invalid:[/] {escape(error or '')}")
        else:
            _print_text(s)
