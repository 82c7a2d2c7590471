"""`licentia exchange ...`: keys, peers, sync (the cron job), status, publish, skip."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from licentia.terminal import console, errors, run, setup_django

exchange_app = typer.Typer(
    help="Exchange with other Licentia deployments: keys, peers, sync.", no_args_is_help=True
)
peers_app = typer.Typer(help="The other deployments this one exchanges with.", no_args_is_help=True)
exchange_app.add_typer(peers_app, name="peers")


@exchange_app.command("keygen")
def keygen(
    replace: Annotated[
        bool, typer.Option("--replace", help="Rotate: keep the old key as *.old, write a new one")
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option(help="Where to write (default: the configured key file)")
    ] = None,
) -> None:
    """Create this deployment's signing key (mode 0600) and print the public key for peers."""
    setup_django()
    from licentia.exchange import conf
    from licentia.exchange.keys import generate_key_file

    key, path = run(lambda: generate_key_file(key_file, replace=replace))
    console.print(f"Signing key written to {escape(str(path))} (mode 600).")
    if conf.signing_key_text():
        errors.print("[yellow]LICENTIA_EXCHANGE_SIGNING_KEY is set and wins over the key file.[/]")
    console.print(f"key id:     {key.key_id}")
    console.print(f"public key: {key.public_text}")
    console.print("Give the public key to every peer's operator: `licentia exchange peers add`.")


@exchange_app.command("key")
def show_key() -> None:
    """Print this deployment's id, key id and public key (what peers configure)."""
    setup_django()
    from licentia.exchange import conf
    from licentia.exchange.keys import load_signing_key

    key = run(load_signing_key)
    console.print(f"deployment: {conf.deployment_id() or '(LICENTIA_EXCHANGE_DEPLOYMENT not set)'}")
    console.print(f"key id:     {key.key_id}")
    console.print(f"public key: {key.public_text}")


@peers_app.command("add")
def peers_add(
    deployment_id: Annotated[str, typer.Argument(help="The peer's deployment id")],
    url: Annotated[str, typer.Option(help="The peer's base URL, e.g. https://licentia.fr/")],
    key: Annotated[str, typer.Option(help="The peer's public key, ed25519:...")],
    member_states: Annotated[
        str, typer.Option(help="Member States it speaks for, comma-separated (FR,BE)")
    ],
    name: Annotated[str, typer.Option(help="A readable name")] = "",
    update: Annotated[bool, typer.Option("--update", help="Change a configured peer")] = False,
) -> None:
    """Configure a peer deployment (its address, key and Member States)."""
    setup_django()
    from licentia.exchange import services

    peer = run(
        lambda: services.add_peer(
            deployment_id=deployment_id,
            base_url=url,
            public_key=key,
            member_states=member_states.split(","),
            name=name,
            update=update,
        )
    )
    console.print(
        f"Peer {peer.deployment_id} ({peer.member_states}) at {peer.base_url}, key {peer.key_id}."
    )


@peers_app.command("list")
def peers_list() -> None:
    """The configured peers and their channels."""
    setup_django()
    from licentia.exchange.models import Peer

    table = Table("deployment", "states", "URL", "key id", "active", "sent", "received", "applied")
    for peer in Peer.objects.order_by("deployment_id"):
        table.add_row(
            peer.deployment_id,
            peer.member_states,
            peer.base_url,
            peer.key_id,
            "yes" if peer.active else "no",
            str(peer.last_sent_sequence),
            str(peer.received_through),
            str(peer.applied_through),
        )
    console.print(table)


@peers_app.command("disable")
def peers_disable(deployment_id: str) -> None:
    """Stop exchanging with a peer (its messages are refused; nothing is deleted)."""
    setup_django()
    from licentia.exchange import services

    run(lambda: services.set_peer_active(deployment_id, active=False))
    console.print(f"Peer {deployment_id} disabled.")


@peers_app.command("enable")
def peers_enable(deployment_id: str) -> None:
    """Exchange with a disabled peer again."""
    setup_django()
    from licentia.exchange import services

    run(lambda: services.set_peer_active(deployment_id, active=True))
    console.print(f"Peer {deployment_id} enabled.")


@exchange_app.command("sync")
def sync(
    peer: Annotated[list[str] | None, typer.Option(help="Only this peer (repeatable)")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Push now, ignoring the backoff after failures")
    ] = False,
    no_push: Annotated[bool, typer.Option("--no-push")] = False,
    no_pull: Annotated[bool, typer.Option("--no-pull")] = False,
) -> None:
    """Push pending messages, pull from peers, retry failed applies. Idempotent: run from cron.
    Exit status 1 when a peer could not be reached or refused a message."""
    setup_django()
    from licentia.exchange import services

    reports = run(
        lambda: services.sync(peers=peer, force=force, do_push=not no_push, do_pull=not no_pull)
    )
    for report in reports:
        (errors if report.errors else console).print(escape(report.summary()))
    if not reports:
        console.print("No active peers.")
    if any(report.errors for report in reports):
        raise typer.Exit(1)


@exchange_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable")] = False,
) -> None:
    """Per peer: messages waiting to be delivered, held or failed here, and the last error."""
    setup_django()
    from licentia.exchange import services

    rows = services.status()
    if as_json:
        data: list[dict[str, Any]] = [
            {
                "peer": row.peer.deployment_id,
                "active": row.peer.active,
                "last_sent_sequence": row.peer.last_sent_sequence,
                "received_through": row.peer.received_through,
                "applied_through": row.peer.applied_through,
                "pending": row.pending,
                "oldest_pending": row.oldest_pending.isoformat() if row.oldest_pending else None,
                "next_attempt": row.next_attempt.isoformat() if row.next_attempt else None,
                "held": row.held,
                "failed": row.failed,
                "last_failure": row.last_failure,
                "last_error": row.peer.last_error,
            }
            for row in rows
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    table = Table(
        "peer", "pending", "oldest pending", "next attempt", "held", "failed", "last error"
    )
    for row in rows:
        table.add_row(
            row.peer.deployment_id,
            str(row.pending),
            f"{row.oldest_pending:%Y-%m-%d %H:%M}" if row.oldest_pending else "",
            f"{row.next_attempt:%Y-%m-%d %H:%M:%S}" if row.next_attempt else "",
            str(row.held),
            str(row.failed),
            escape(row.last_failure or row.peer.last_error),
        )
    console.print(table)


@exchange_app.command("publish")
def publish(
    kind: Annotated[str | None, typer.Argument(help="Message kind, e.g. test.note")] = None,
    payload: Annotated[str, typer.Option(help="The payload, a JSON object")] = "{}",
    sender: Annotated[str, typer.Option("--from", help="Sending Member State")] = "",
    to: Annotated[
        list[str] | None, typer.Option(help="Recipient Member State (repeatable; default: all)")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            help="JSON lines of {kind, payload, from, to}; '-' for standard input",
            allow_dash=True,
        ),
    ] = None,
) -> None:
    """Publish messages by hand (operators' tests, re-sending a notice); normally the
    coordination services publish."""
    setup_django()
    from django.db import transaction

    from licentia.errors import InvalidInput
    from licentia.exchange import services

    items: list[dict[str, Any]] = []
    if file is not None:
        text = sys.stdin.read() if str(file) == "-" else file.read_text()
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except ValueError as exc:
                    errors.print(f"[red]line {number} is not JSON: {escape(str(exc))}[/]")
                    raise typer.Exit(2) from exc
    if kind is not None:
        items.append({"kind": kind, "payload": json.loads(payload), "from": sender, "to": to})

    def work() -> int:
        count = 0
        with transaction.atomic():
            for item in items:
                if not isinstance(item, dict) or not isinstance(item.get("payload"), dict):
                    raise InvalidInput("each message needs a kind and a JSON object payload")
                count += len(
                    services.publish(
                        str(item.get("kind", "")),
                        item["payload"],
                        sender_authority=str(item.get("from", "")),
                        recipients=item.get("to") or None,
                    )
                )
        return count

    count = run(work)
    console.print(f"Published {len(items)} message(s) as {count} envelope(s).")


@exchange_app.command("skip")
def skip(
    message_id: str,
    reason: Annotated[str, typer.Option(help="Why it is given up (kept in the audit log)")],
) -> None:
    """Give up a received message that cannot be applied, so the ones after it go on."""
    setup_django()
    from licentia.exchange import services

    message = run(lambda: services.skip(message_id, reason=reason))
    console.print(f"Skipped {message.kind} #{message.sequence} from {message.peer_id}.")
