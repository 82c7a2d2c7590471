"""Receiving (idempotency, ordering, refusals with audit), publishing, the outbox, push backoff,
skipping, keys, and the endpoints with signed requests and responses."""

from __future__ import annotations

import json
import stat
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from licentia.audit.models import AuditEvent
from licentia.errors import Conflict
from licentia.exchange import services, transport
from licentia.exchange.envelope import (
    AUTH_HEADER,
    RESPONSE_HEADER,
    SigningKey,
    parse,
    sign_request,
    verify,
    verify_response,
)
from licentia.exchange.errors import (
    BadSignature,
    ClockSkew,
    DeliveryFailed,
    ExchangeNotConfigured,
    MalformedEnvelope,
    NotARecipient,
    ReplayConflict,
    UnknownSender,
    UnsupportedFormatVersion,
)
from licentia.exchange.keys import generate_key_file, load_signing_key
from licentia.exchange.models import (
    InboxMessage,
    InboxState,
    OutboxMessage,
    OutboxState,
    Peer,
    Rejection,
)
from tests.exchange.conftest import LOCAL, Applied, from_de

pytestmark = pytest.mark.django_db


# -- receiving -------------------------------------------------------------------------------


def test_a_message_received_twice_is_applied_once(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    envelope = from_de(de_key, 1)
    first = services.receive(envelope.to_json())
    again = services.receive(envelope.to_json(), via="pull")
    assert (first.status, again.status) == ("applied", "duplicate")
    assert applied.notes == ["n1"]
    assert InboxMessage.objects.get().state == InboxState.APPLIED
    de_peer.refresh_from_db()
    assert (de_peer.received_through, de_peer.applied_through) == (1, 1)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("exchange.received") == 1
    assert actions.count("exchange.applied") == 1


def test_the_same_message_re_signed_with_a_new_key_is_a_duplicate(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    envelope = from_de(de_key, 1)
    services.receive(envelope.to_json())
    new_key = SigningKey.generate()
    de_peer.public_key = new_key.public_text
    de_peer.save()
    from licentia.exchange.envelope import sign

    assert services.receive(sign(envelope, new_key).to_dict()).status == "duplicate"
    assert applied.notes == ["n1"]


def test_out_of_order_messages_wait_for_the_gap(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    assert services.receive(from_de(de_key, 3).to_dict()).status == "held"
    assert services.receive(from_de(de_key, 2).to_dict()).status == "held"
    assert applied.notes == []
    de_peer.refresh_from_db()
    assert (de_peer.received_through, de_peer.applied_through) == (0, 0)
    receipt = services.receive(from_de(de_key, 1).to_dict())
    assert (receipt.status, receipt.applied_through) == ("applied", 3)
    assert applied.notes == ["n1", "n2", "n3"]
    assert set(InboxMessage.objects.values_list("state", flat=True)) == {InboxState.APPLIED}


def test_a_failure_to_apply_keeps_the_message_and_blocks_the_ones_after(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    applied.failing.add("n1")
    assert services.receive(from_de(de_key, 1).to_dict()).status == "failed"
    assert services.receive(from_de(de_key, 2).to_dict()).status == "held"
    failed = InboxMessage.objects.get(sequence=1)
    assert "cannot apply n1" in failed.last_error
    assert failed.attempts == 2  # tried again when message 2 arrived
    applied.failing.clear()
    assert services.drain(de_peer) == 2
    assert applied.notes == ["n1", "n2"]
    assert AuditEvent.objects.filter(action="exchange.apply_failed").count() == 2


def test_a_handler_failure_leaves_none_of_its_writes(de_peer: Peer, de_key: SigningKey) -> None:
    from licentia.exchange import handlers

    def half_done(kind: str, payload: Any, *, sender: Any) -> None:
        Rejection.objects.create(at=timezone.now(), code="marker", message="", via="push")
        raise RuntimeError("after a write")

    handlers.register("test.half", half_done)
    try:
        services.receive(from_de(de_key, 1, kind="test.half").to_dict())
    finally:
        handlers.unregister("test.half")
    assert not Rejection.objects.filter(code="marker").exists()
    assert InboxMessage.objects.get().state == InboxState.FAILED


def test_an_operator_skips_a_message_that_cannot_be_applied(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    applied.failing.add("n1")
    first = from_de(de_key, 1)
    services.receive(first.to_dict())
    services.receive(from_de(de_key, 2).to_dict())
    with pytest.raises(Conflict):
        services.skip(str(InboxMessage.objects.get(sequence=2).message_id), reason="no")
    services.skip(first.message_id, reason="the denial it updates was never received")
    assert applied.notes == ["n2"]
    assert InboxMessage.objects.get(sequence=1).state == InboxState.SKIPPED
    assert (
        AuditEvent.objects.filter(action="exchange.skipped").get().reason.startswith("the denial")
    )


def test_an_unknown_kind_fails_until_a_handler_exists(de_peer: Peer, de_key: SigningKey) -> None:
    assert services.receive(from_de(de_key, 1, kind="future.kind").to_dict()).status == "failed"
    # No registered handler; the coordination app, where installed, does not know it either.
    assert "'future.kind'" in InboxMessage.objects.get().last_error


# -- refusals, each with a clear error and an audit event -------------------------------------


def _refused(
    data: Any, error: type[Exception], code: str, match: str, *, stored: int = 0
) -> Rejection:
    with pytest.raises(error, match=match):
        services.receive(data, remote_address="192.0.2.7")
    rejection = Rejection.objects.get()
    assert rejection.code == code
    event = AuditEvent.objects.get(action="exchange.rejected")
    assert event.payload["code"] == code
    assert event.object_id == str(rejection.pk)
    assert InboxMessage.objects.count() == stored
    return rejection


def test_tampered_envelope_is_refused(de_peer: Peer, de_key: SigningKey, applied: Applied) -> None:
    data = from_de(de_key, 1).to_dict()
    data["payload"]["note"] = "forged"
    rejection = _refused(
        json.dumps(data).encode(), BadSignature, "bad_signature", "does not verify"
    )
    assert rejection.claimed_sender == "de-bafa"
    assert rejection.remote_address == "192.0.2.7"
    assert '"forged"' in rejection.body
    assert applied.notes == []


def test_envelope_signed_by_another_key_is_refused(de_peer: Peer) -> None:
    _refused(
        from_de(SigningKey.generate(), 1).to_dict(),
        BadSignature,
        "bad_signature",
        "signed with key",
    )


def test_unknown_sender_is_refused(deployment: SigningKey, de_key: SigningKey) -> None:
    _refused(
        from_de(de_key, 1).to_dict(), UnknownSender, "unknown_sender", "no active peer 'de-bafa'"
    )


def test_disabled_peer_is_refused(de_peer: Peer, de_key: SigningKey) -> None:
    services.set_peer_active("de-bafa", active=False)
    with pytest.raises(UnknownSender):
        services.receive(from_de(de_key, 1).to_dict())


def test_sender_speaking_for_another_member_state_is_refused(
    de_peer: Peer, de_key: SigningKey
) -> None:
    _refused(
        from_de(de_key, 1, member_state="AT").to_dict(),
        UnknownSender,
        "unknown_sender",
        "does not speak for Member State AT",
    )


def test_envelope_for_another_deployment_is_refused(de_peer: Peer, de_key: SigningKey) -> None:
    _refused(
        from_de(de_key, 1, recipient="be-fps").to_dict(),
        NotARecipient,
        "not_a_recipient",
        "is for deployment be-fps",
    )


def test_wrong_format_version_is_refused(de_peer: Peer, de_key: SigningKey) -> None:
    data = from_de(de_key, 1).to_dict() | {"format_version": 9}
    _refused(data, UnsupportedFormatVersion, "unsupported_format_version", "version 9")


def test_malformed_envelope_is_refused(de_peer: Peer) -> None:
    _refused(
        b'{"format": "licentia-exchange"', MalformedEnvelope, "malformed_envelope", "not valid JSON"
    )


def test_envelope_from_the_future_is_refused(de_peer: Peer, de_key: SigningKey) -> None:
    future = timezone.now() + timedelta(minutes=10)
    _refused(from_de(de_key, 1, created_at=future).to_dict(), ClockSkew, "clock_skew", "future")


def test_an_old_envelope_is_accepted_after_an_outage(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    old = timezone.now() - timedelta(days=3)
    assert services.receive(from_de(de_key, 1, created_at=old).to_dict()).status == "applied"


def test_replay_with_different_content_is_refused_and_the_first_stands(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    first = from_de(de_key, 1, "original")
    services.receive(first.to_dict())
    changed = from_de(de_key, 1, "changed", message_id=first.message_id)
    _refused(
        changed.to_dict(),
        ReplayConflict,
        "replayed_with_different_content",
        "different content",
        stored=1,
    )
    assert applied.notes == ["original"]


def test_a_sequence_number_used_twice_is_refused(
    de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    services.receive(from_de(de_key, 1).to_dict())
    with pytest.raises(ReplayConflict, match="restored from a backup"):
        services.receive(from_de(de_key, 1, "other").to_dict())


# -- publishing and the outbox ---------------------------------------------------------------


def test_publish_numbers_each_channel_and_routes_by_member_state(
    de_peer: Peer, nl_peer: Peer, local_key: SigningKey
) -> None:
    everyone = services.publish("test.note", {"note": "a"}, sender_authority="FR")
    assert [(m.peer.deployment_id, m.sequence) for m in everyone] == [
        ("de-bafa", 1),
        ("nl-cdiu", 1),
    ]
    assert len({m.message_id for m in everyone}) == 1
    only_nl = services.publish(
        "test.note", {"note": "b"}, sender_authority="FR", recipients=["nl", "FR"]
    )
    assert [(m.peer.deployment_id, m.sequence) for m in only_nl] == [("nl-cdiu", 2)]
    assert services.publish("test.note", {}, sender_authority="FR", recipients=["SE"]) == []
    envelope = services.signed_envelope(only_nl[0], local_key)
    verify(envelope, local_key.public)
    assert envelope.recipient.member_states == ("NL",)
    assert envelope.sender.deployment == LOCAL
    assert AuditEvent.objects.filter(action="exchange.published").count() == 3


def test_publishing_the_same_message_id_again_sends_nothing_more(de_peer: Peer) -> None:
    message_id = "0b6f7c8e-8a44-4d6f-9d0e-1f2a3b4c5d6e"
    services.publish("test.note", {"note": "a"}, sender_authority="FR", message_id=message_id)
    assert (
        services.publish("test.note", {"note": "a"}, sender_authority="FR", message_id=message_id)
        == []
    )
    assert OutboxMessage.objects.count() == 1


def test_publish_in_a_rolled_back_transaction_sends_nothing(de_peer: Peer) -> None:
    def refusal_that_fails() -> None:
        with transaction.atomic():
            services.publish("test.note", {"note": "a"}, sender_authority="FR")
            raise RuntimeError("the refusal failed")

    with pytest.raises(RuntimeError):
        refusal_that_fails()
    assert not OutboxMessage.objects.exists()
    de_peer.refresh_from_db()
    assert de_peer.last_sent_sequence == 0


def test_publish_refuses_payloads_that_do_not_travel(de_peer: Peer) -> None:
    with pytest.raises(MalformedEnvelope, match="floating-point"):
        services.publish("test.note", {"value": 1.5}, sender_authority="FR")


def test_publish_without_a_deployment_id_is_a_clear_error(de_peer: Peer, settings: Any) -> None:
    settings.LICENTIA_EXCHANGE_DEPLOYMENT = ""
    with pytest.raises(ExchangeNotConfigured, match="LICENTIA_EXCHANGE_DEPLOYMENT"):
        services.publish("test.note", {}, sender_authority="FR")


def test_pulling_after_a_sequence_acknowledges_what_came_before(
    de_peer: Peer, local_key: SigningKey
) -> None:
    for note in "abc":
        services.publish("test.note", {"note": note}, sender_authority="FR")
    page = services.outbox_for(de_peer, after=0, limit=2)
    assert [parse(e).sequence for e in page.envelopes] == [1, 2]
    assert (page.more, page.last_sequence) == (True, 3)
    for data in page.envelopes:
        verify(parse(data), local_key.public)
    assert not OutboxMessage.objects.filter(state=OutboxState.DELIVERED).exists()
    services.outbox_for(de_peer, after=2)
    states = dict(OutboxMessage.objects.values_list("sequence", "state"))
    assert states == {1: "delivered", 2: "delivered", 3: "pending"}
    with pytest.raises(Conflict, match="restored from a backup"):
        services.outbox_for(de_peer, after=4)


def test_push_backs_off_after_a_failure_and_force_ignores_it(
    de_peer: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def unreachable(peer: Peer, **kwargs: Any) -> transport.Answer:
        calls.append(kwargs["path"])
        raise DeliveryFailed("cannot reach peer de-bafa: connection refused")

    monkeypatch.setattr(transport, "call", unreachable)
    services.publish("test.note", {"note": "a"}, sender_authority="FR")
    services.publish("test.note", {"note": "b"}, sender_authority="FR")
    report = services.push(de_peer)
    assert len(report.errors) == 1
    assert "connection refused" in report.errors[0]
    assert len(calls) == 1  # stops at the first failure: order is kept
    message = OutboxMessage.objects.get(sequence=1)
    assert message.attempts == 1
    assert message.next_attempt_at - message.last_attempt_at == services.BACKOFF_BASE  # type: ignore[operator]
    assert services.push(de_peer).deferred
    assert len(calls) == 1
    services.push(de_peer, force=True)
    assert OutboxMessage.objects.get(sequence=1).attempts == 2
    assert services.backoff(3) == timedelta(minutes=2)
    assert services.backoff(20) == services.BACKOFF_MAX


# -- keys ------------------------------------------------------------------------------------


def test_keygen_writes_a_private_file_and_refuses_to_overwrite(
    tmp_path: Path, settings: Any
) -> None:
    settings.LICENTIA_EXCHANGE_SIGNING_KEY = ""
    settings.LICENTIA_EXCHANGE_KEY_FILE = str(tmp_path / "exchange" / "key.pem")
    key, path = generate_key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_signing_key().key_id == key.key_id
    with pytest.raises(ExchangeNotConfigured, match="--replace"):
        generate_key_file()
    rotated, _ = generate_key_file(replace=True)
    assert load_signing_key().key_id == rotated.key_id != key.key_id
    assert len(list(path.parent.glob("key.pem.*.old"))) == 1
    path.chmod(0o644)
    with pytest.raises(ExchangeNotConfigured, match="chmod 600"):
        load_signing_key()


def test_no_key_is_a_clear_error(tmp_path: Path, settings: Any) -> None:
    settings.LICENTIA_EXCHANGE_SIGNING_KEY = ""
    settings.LICENTIA_EXCHANGE_KEY_FILE = str(tmp_path / "none.pem")
    with pytest.raises(ExchangeNotConfigured, match="licentia exchange keygen"):
        load_signing_key()


def test_add_peer_checks_its_fields(deployment: SigningKey, de_key: SigningKey) -> None:
    from licentia.errors import InvalidInput

    good = {
        "deployment_id": "de-bafa",
        "base_url": "https://licentia.bafa.example/",
        "public_key": de_key.public_text,
        "member_states": ["de"],
    }
    peer = services.add_peer(**good)  # type: ignore[arg-type]
    assert (peer.member_states, peer.key_id) == ("DE", de_key.key_id)
    with pytest.raises(Conflict, match="--update"):
        services.add_peer(**good)  # type: ignore[arg-type]
    for change in (
        {"public_key": "ed25519:xyz"},
        {"member_states": ["Germany"]},
        {"base_url": "ftp://x"},
        {"deployment_id": LOCAL},
    ):
        with pytest.raises(InvalidInput):
            services.add_peer(**(good | change | {"update": True}))  # type: ignore[arg-type]


# -- the endpoints ---------------------------------------------------------------------------


def _signed_headers(
    key: SigningKey,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    deployment: str = "de-bafa",
    now: Any = None,
) -> dict[str, str]:
    auth = sign_request(
        key=key,
        deployment=deployment,
        method=method,
        path=path,
        body=body,
        now=now or timezone.now(),
    )
    return {AUTH_HEADER: auth.header()}


def test_push_endpoint_applies_and_signs_its_answer(
    client: Client, de_peer: Peer, de_key: SigningKey, local_key: SigningKey, applied: Applied
) -> None:
    body = from_de(de_key, 1).to_json().encode()
    path = "/api/v1/exchange/inbox"
    headers = _signed_headers(de_key, "POST", path, body)
    response = client.post(path, body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "applied"
    signature = headers[AUTH_HEADER].rsplit("signature=", 1)[1]
    assert verify_response(
        response[RESPONSE_HEADER],
        public_key=local_key.public,
        request_signature=signature,
        status=200,
        body=response.content,
    )
    again = client.post(
        path,
        body,
        content_type="application/json",
        headers=_signed_headers(de_key, "POST", path, body),
    )
    assert again.json()["status"] == "duplicate"
    assert applied.notes == ["n1"]


def test_push_endpoint_refuses_a_tampered_envelope(
    client: Client, de_peer: Peer, de_key: SigningKey, applied: Applied
) -> None:
    data = from_de(de_key, 1).to_dict()
    data["payload"]["note"] = "forged"
    body = json.dumps(data).encode()
    path = "/api/v1/exchange/inbox"
    response = client.post(
        path,
        body,
        content_type="application/json",
        headers=_signed_headers(de_key, "POST", path, body),
    )
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert applied.notes == []


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("no header", 401, "exchange_not_authenticated"),
        ("unknown deployment", 403, "unknown_sender"),
        ("old timestamp", 401, "clock_skew"),
        ("other key", 401, "bad_signature"),
        ("other path", 401, "bad_signature"),
    ],
)
def test_requests_must_be_signed_by_a_peer(
    client: Client, de_peer: Peer, de_key: SigningKey, case: str, status: int, code: str
) -> None:
    path = "/api/v1/exchange/outbox?after=0"
    headers = {
        "no header": {},
        "unknown deployment": _signed_headers(de_key, "GET", path, deployment="xx-unknown"),
        "old timestamp": _signed_headers(
            de_key, "GET", path, now=timezone.now() - timedelta(minutes=6)
        ),
        "other key": _signed_headers(SigningKey.generate(), "GET", path),
        "other path": _signed_headers(de_key, "GET", "/api/v1/exchange/outbox?after=5"),
    }[case]
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert Rejection.objects.get().code == code
    assert AuditEvent.objects.filter(action="exchange.rejected").count() == 1


def test_pull_endpoint_gives_the_callers_envelopes_signed(
    client: Client, de_peer: Peer, nl_peer: Peer, de_key: SigningKey, local_key: SigningKey
) -> None:
    services.publish("test.note", {"note": "for everyone"}, sender_authority="FR")
    services.publish("test.note", {"note": "for NL"}, sender_authority="FR", recipients=["NL"])
    path = "/api/v1/exchange/outbox?after=0"
    response = client.get(path, headers=_signed_headers(de_key, "GET", path))
    assert response.status_code == 200, response.content
    envelopes = [parse(e) for e in response.json()["envelopes"]]
    assert [e.payload["note"] for e in envelopes] == ["for everyone"]
    verify(envelopes[0], local_key.public)


def test_key_endpoint_tells_the_public_identity(client: Client, deployment: SigningKey) -> None:
    data = client.get("/api/v1/exchange/key").json()
    assert data == {
        "deployment": LOCAL,
        "key_id": deployment.key_id,
        "public_key": deployment.public_text,
        "format_versions": [1],
    }


def test_the_commission_peer_hears_what_goes_to_every_state_and_no_consultation(
    de_peer: Peer, deployment: SigningKey, nl_key: SigningKey
) -> None:
    from licentia.coordination import outbox

    Peer.objects.create(
        deployment_id="ec-commission",
        member_states=services.COMMISSION,
        base_url="http://127.0.0.1:9/",
        public_key=nl_key.public_text,
    )
    head = {"schema": outbox.SCHEMA, "sent_at": timezone.now().isoformat(), "member_state": "FR"}
    for kind, recipients, to_commission in (
        ("denial-notice", [], True),
        ("consultation-request", ["DE"], False),
        ("grant-despite-denial", ["DE"], True),
    ):
        payload = head | {"message_id": str(uuid.uuid4()), "type": kind}
        outbox.send(payload, recipients=recipients, to_commission=to_commission)
    assert services.collect_from_coordination() == 3
    routed = sorted(OutboxMessage.objects.values_list("kind", "peer__deployment_id"))
    assert routed == [
        ("consultation-request", "de-bafa"),
        ("denial-notice", "de-bafa"),
        ("denial-notice", "ec-commission"),
        ("grant-despite-denial", "de-bafa"),
        ("grant-despite-denial", "ec-commission"),
    ]
