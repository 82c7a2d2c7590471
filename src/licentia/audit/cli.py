"""`licentia audit verify`: check the audit log's hash chain."""

from __future__ import annotations

import typer

from licentia.terminal import console, errors, setup_django

audit_app = typer.Typer(help="The audit log: verify its hash chain.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Recompute every event's hash; exit 1 if any event was edited, inserted or deleted."""
    setup_django()
    from licentia.audit import services

    result = services.verify()
    if result.intact:
        console.print(f"Audit log intact: {result.events} events, head {result.head}.")
        return
    for problem in result.problems:
        errors.print(f"[red]{problem}[/red]")
    raise typer.Exit(1)
