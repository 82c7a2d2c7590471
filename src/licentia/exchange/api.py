"""`/api/v1/exchange/`: the endpoints other Licentia deployments call (docs/exchange.md).

Every request to the inbox and outbox is signed with the calling deployment's key
(`X-Licentia-Exchange-Auth`), and every successful answer is signed with this deployment's key
(`X-Licentia-Exchange-Response`), bound to the request it answers. Envelopes are signed too.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router
from ninja.security import APIKeyHeader

from licentia.exchange import conf, services
from licentia.exchange.envelope import (
    AUTH_HEADER,
    RESPONSE_HEADER,
    SUPPORTED_VERSIONS,
    RequestAuth,
    parse_public_key,
    parse_request_auth,
    sign_response,
    verify_request,
)
from licentia.exchange.errors import ExchangeError, UnknownSender
from licentia.exchange.keys import load_signing_key
from licentia.exchange.models import DeliveredBy, Peer


class PeerSignature(APIKeyHeader):
    """A request signed by an active peer's key, within the allowed clock skew."""

    param_name = AUTH_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Peer:
        via = DeliveredBy.PUSH if request.method == "POST" else DeliveredBy.PULL
        auth: RequestAuth | None = None
        try:
            auth = parse_request_auth(key)
            peer = Peer.objects.filter(deployment_id=auth.deployment, active=True).first()
            if peer is None:
                raise UnknownSender(
                    f"no active peer {auth.deployment!r} is configured on this deployment",
                    details={"sender": auth.deployment},
                )
            verify_request(
                auth,
                public_key=parse_public_key(peer.public_key),
                method=request.method or "GET",
                path=request.get_full_path(),
                body=request.body,
                now=timezone.now(),
                max_skew=conf.max_skew(),
            )
        except ExchangeError as exc:
            services.reject(
                exc,
                via=via,
                body=request.body if request.method == "POST" else request.get_full_path(),
                claimed_sender=auth.deployment if auth else "",
                remote_address=request.META.get("REMOTE_ADDR"),
            )
            raise
        request.exchange_auth = auth  # type: ignore[attr-defined]
        return peer


router = Router(auth=PeerSignature())


def _signed(request: HttpRequest, data: dict[str, Any], status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = HttpResponse(body, status=status, content_type="application/json")
    auth: RequestAuth = request.exchange_auth  # type: ignore[attr-defined]
    response[RESPONSE_HEADER] = sign_response(
        key=load_signing_key(), request_signature=auth.signature, status=status, body=body
    )
    return response


@router.post(
    "/inbox",
    summary="Deliver one envelope (push)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "docs/schemas/exchange-envelope.schema.json",
                    }
                }
            },
        }
    },
)
def inbox(request: HttpRequest) -> HttpResponse:
    """Store one signed envelope and apply it once, in sequence order.

    The answer's `status` is this message's state: `applied`, `held` (waiting for an earlier
    sequence number), `failed` (stored; applying it failed and is retried here), `skipped`, or
    `duplicate` (already received: nothing changed). Refusals use the error format: 401
    `bad_signature` / `clock_skew`, 403 `unknown_sender`, 409 `replayed_with_different_content`,
    422 `malformed_envelope` / `unsupported_format_version` / `not_a_recipient`.
    """
    receipt = services.receive(
        request.body,
        via=DeliveredBy.PUSH,
        peer=request.auth,  # type: ignore[attr-defined]
        remote_address=request.META.get("REMOTE_ADDR"),
    )
    return _signed(request, receipt.to_dict())


@router.get("/outbox", summary="Fetch the envelopes for the calling deployment (pull)")
def outbox(request: HttpRequest, after: int = 0, limit: int = services.PULL_PAGE) -> HttpResponse:
    """The envelopes for the caller with a sequence number above `after`, in order, at most
    `limit` (up to 500); `more` tells if others follow. Asking for what follows `after`
    acknowledges every message up to `after`: they are no longer pushed."""
    page = services.outbox_for(request.auth, after=after, limit=limit)  # type: ignore[attr-defined]
    return _signed(
        request,
        {"envelopes": page.envelopes, "more": page.more, "last_sequence": page.last_sequence},
    )


@router.get("/key", auth=None, summary="This deployment's exchange identity and public key")
def key(request: HttpRequest) -> dict[str, object]:
    """What a peer's operator configures; compare the key id with the one this deployment's
    operator gives you by another channel before trusting it."""
    signing_key = load_signing_key()
    return {
        "deployment": services.local_deployment(),
        "key_id": signing_key.key_id,
        "public_key": signing_key.public_text,
        "format_versions": sorted(SUPPORTED_VERSIONS),
    }
