"""What every `licentia` command shares: the consoles, Django set-up, progress, error exit."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from licentia.errors import LicentiaError

T = TypeVar("T")
console = Console()
errors = Console(stderr=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licentia.web.settings")
    import django

    django.setup()


def progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def fail(exc: LicentiaError) -> typer.Exit:
    """Print the error as users see it everywhere, and the exit to raise (status 2)."""
    errors.print(f"[bold red]error:[/] {escape(exc.message)}")
    return typer.Exit(code=2)


def run(work: Callable[[], T]) -> T:
    """`work()`, with a Licentia error printed and turned into exit status 2."""
    try:
        return work()
    except LicentiaError as exc:
        raise fail(exc) from exc
