"""HTTP calls to a peer: every request signed with this deployment's key, every successful answer
checked against the peer's key (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone

from licentia.exchange import conf
from licentia.exchange.envelope import (
    AUTH_HEADER,
    RESPONSE_HEADER,
    SigningKey,
    parse_public_key,
    sign_request,
    verify_response,
)
from licentia.exchange.errors import DeliveryFailed
from licentia.exchange.models import Peer

INBOX_PATH = "api/v1/exchange/inbox"
OUTBOX_PATH = "api/v1/exchange/outbox"


@dataclass(frozen=True)
class Answer:
    status: int
    data: dict[str, Any]

    @property
    def error(self) -> str:
        code = self.data.get("code", "error")
        return f"HTTP {self.status} {code}: {self.data.get('message', '')}".strip()


def call(
    peer: Peer,
    *,
    key: SigningKey,
    method: str,
    path: str,
    body: bytes = b"",
    timeout: float | None = None,
) -> Answer:
    """`path` is relative to the peer's base URL (with its query string). Raises
    `DeliveryFailed` when the peer cannot be reached or a success is not signed by its key."""
    url = peer.base_url.rstrip("/") + "/" + path
    split = urlsplit(url)
    signed_path = split.path + (f"?{split.query}" if split.query else "")
    auth = sign_request(
        key=key,
        deployment=conf.deployment_id(),
        method=method,
        path=signed_path,
        body=body,
        now=timezone.now(),
    )
    request = urllib.request.Request(
        url,
        data=body if method.upper() != "GET" else None,
        method=method.upper(),
        headers={
            AUTH_HEADER: auth.header(),
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout or conf.timeout()) as response:
            status, raw, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        with exc:
            status, raw, headers = exc.code, exc.read(), exc.headers
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(
            f"cannot reach peer {peer.deployment_id} at {url}: {reason}",
            details={"peer": peer.deployment_id},
        ) from exc
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {"code": "not_json", "message": raw[:200].decode("utf-8", "replace")}
    if not isinstance(data, dict):
        data = {"code": "not_an_object", "message": "the answer is not a JSON object"}
    if 200 <= status < 300 and not verify_response(
        headers.get(RESPONSE_HEADER),
        public_key=parse_public_key(peer.public_key),
        request_signature=auth.signature,
        status=status,
        body=raw,
    ):
        raise DeliveryFailed(
            f"the answer from {url} is not signed by the key configured for peer "
            f"{peer.deployment_id} ({peer.key_id})",
            details={"peer": peer.deployment_id},
        )
    return Answer(status, data)
