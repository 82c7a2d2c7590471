"""One deployment in the test database ("fr-sbdu", for FR) with two peers (DE and NL) whose keys
the tests hold, so they can sign what those peers would send."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from licentia.exchange import handlers
from licentia.exchange.envelope import Envelope, Recipient, Sender, SigningKey, build
from licentia.exchange.models import Peer

LOCAL = "fr-sbdu"


class Applied:
    """A test handler: records what it applied; fails while `failing` holds the note."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], Sender]] = []
        self.failing: set[str] = set()

    def __call__(self, kind: str, payload: Mapping[str, Any], *, sender: Sender) -> None:
        if str(payload.get("note")) in self.failing:
            raise RuntimeError(f"cannot apply {payload.get('note')}")
        self.calls.append((kind, dict(payload), sender))

    @property
    def notes(self) -> list[str]:
        return [str(payload.get("note")) for _, payload, _ in self.calls]


@pytest.fixture(scope="session")
def local_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="session")
def de_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="session")
def nl_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def deployment(settings: Any, local_key: SigningKey) -> SigningKey:
    settings.LICENTIA_EXCHANGE_DEPLOYMENT = LOCAL
    settings.LICENTIA_EXCHANGE_SIGNING_KEY = local_key.to_pem().decode()
    settings.LICENTIA_EXCHANGE_PUSH_ON_COMMIT = "0"
    return local_key


@pytest.fixture
def de_peer(db: None, deployment: SigningKey, de_key: SigningKey) -> Peer:
    return Peer.objects.create(
        deployment_id="de-bafa",
        name="BAFA",
        member_states="DE",
        base_url="http://127.0.0.1:9/",
        public_key=de_key.public_text,
    )


@pytest.fixture
def nl_peer(db: None, deployment: SigningKey, nl_key: SigningKey) -> Peer:
    return Peer.objects.create(
        deployment_id="nl-cdiu",
        member_states="NL",
        base_url="http://127.0.0.1:9/",
        public_key=nl_key.public_text,
    )


@pytest.fixture
def applied() -> Iterator[Applied]:
    handler = Applied()
    handlers.register("test.note", handler)
    yield handler
    handlers.unregister("test.note")


def from_de(
    key: SigningKey,
    sequence: int,
    note: str = "",
    *,
    kind: str = "test.note",
    member_state: str = "DE",
    recipient: str = LOCAL,
    created_at: datetime | None = None,
    message_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> Envelope:
    return build(
        key=key,
        kind=kind,
        sender=Sender(member_state, "de-bafa"),
        recipient=Recipient(recipient, ("FR",)),
        sequence=sequence,
        payload=payload if payload is not None else {"note": note or f"n{sequence}"},
        created_at=created_at or timezone.now(),
        message_id=message_id,
    )
