"""`licentia coordination tick`: the scheduled job of coordination between Member States."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from licentia.errors import InvalidInput
from licentia.terminal import console, run, setup_django

coordination_app = typer.Typer(
    help="Coordination between Member States: the scheduled job.", no_args_is_help=True
)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--today: {value!r} is not a date (YYYY-MM-DD)") from None


@coordination_app.command("tick")
def tick(
    today: Annotated[str | None, typer.Option(help="Run as of this day (default: today)")] = None,
) -> None:
    """Make missing denial notices, send review and deadline reminders, lapse consultations and
    catch-all reviews whose deadline passed. Safe to run again."""
    setup_django()
    from licentia.coordination.tick import tick as run_tick

    day = run(lambda: _day(today))
    result = run(lambda: run_tick(today=day))
    console.print(result.summary())
