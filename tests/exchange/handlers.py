"""Handlers the two-server test loads into its servers (LICENTIA_EXCHANGE_HANDLERS): applying a
`test.note` appends an audit event, so the test can count how often each note was applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from licentia.audit.services import record
from licentia.exchange.envelope import Sender
from licentia.exchange.handlers import register
from licentia.exchange.models import Peer


@register("test.note")
def note(kind: str, payload: Mapping[str, Any], *, sender: Sender) -> None:
    peer = Peer.objects.get(deployment_id=sender.deployment)
    record(
        actor=None,
        action="exchange.test.applied",
        obj=peer,
        payload={"note": payload.get("note"), "from": sender.member_state},
    )
