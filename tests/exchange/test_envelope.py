"""The envelope format on its own: canonical JSON, keys, signing, verifying, parsing, headers."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from licentia.exchange import envelope as env
from licentia.exchange.errors import (
    BadSignature,
    ClockSkew,
    MalformedEnvelope,
    NotAuthenticated,
    UnsupportedFormatVersion,
)

NOW = datetime(2026, 5, 4, 9, 30, 0, 123456, tzinfo=UTC)
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "exchange-envelope.schema.json"


def make(key: env.SigningKey, **changes: Any) -> env.Envelope:
    values: dict[str, Any] = {
        "kind": "test.note",
        "sender": env.Sender("DE", "de-bafa"),
        "recipient": env.Recipient("fr-sbdu", ("FR",)),
        "sequence": 1,
        "payload": {"note": "Grüße", "n": 7, "items": [{"b": 1, "a": None}]},
        "created_at": NOW,
    }
    values.update(changes)
    return env.build(key=key, **values)


@pytest.fixture(scope="module")
def key() -> env.SigningKey:
    return env.SigningKey.generate()


# -- canonical JSON --------------------------------------------------------------------------


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_unicode() -> None:
    value = {"b": [1, True, None], "a": {"z": 'é\n"', "y": ""}, "€": 1, "A": -5}
    assert (
        env.canonical_json(value)
        == '{"A":-5,"a":{"y":"","z":"é\\n\\""},"b":[1,true,null],"€":1}'.encode()
    )


def test_canonical_json_is_independent_of_insertion_order() -> None:
    assert env.canonical_json({"x": 1, "y": {"b": 2, "a": 1}}) == env.canonical_json(
        {"y": {"a": 1, "b": 2}, "x": 1}
    )


def test_canonical_json_escapes_control_characters_as_rfc_8785() -> None:
    assert env.canonical_json("\u0001\t\u001f/") == b'"\\u0001\\t\\u001f/"'


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"price": 1.5}, "$.price"),
        ({"big": 2**53}, "$.big"),
        ({"when": datetime(2026, 1, 1, tzinfo=UTC)}, "$.when"),
        ({"list": [1, float("nan")]}, "$.list[1]"),
        ({1: "x"}, "$"),
    ],
)
def test_canonical_json_refuses_what_does_not_travel(value: object, field: str) -> None:
    with pytest.raises(MalformedEnvelope) as caught:
        env.canonical_json(value)
    assert caught.value.details["field"] == field


# -- keys ------------------------------------------------------------------------------------


def test_key_round_trips_through_pem_and_seed(key: env.SigningKey) -> None:
    again = env.SigningKey.from_text(key.to_pem().decode())
    assert again.key_id == key.key_id
    assert re.fullmatch(r"[0-9a-f]{16}", key.key_id)
    public = env.parse_public_key(key.public_text)
    assert env.key_id(public) == key.key_id
    assert key.public_text.startswith("ed25519:")


@pytest.mark.parametrize("text", ["ed25519:AAAA", "rsa:abc", "ed25519:!!!"])
def test_bad_public_keys_are_named(text: str) -> None:
    with pytest.raises(MalformedEnvelope) as caught:
        env.parse_public_key(text)
    assert caught.value.details["field"] == "public_key"


# -- signing and verifying -------------------------------------------------------------------


def test_signed_envelope_verifies_and_round_trips_through_json(key: env.SigningKey) -> None:
    envelope = make(key)
    env.verify(envelope, key.public)
    parsed = env.parse_json(envelope.to_json())
    assert parsed == envelope
    env.verify(parsed, key.public)


def test_signatures_are_deterministic(key: env.SigningKey) -> None:
    envelope = make(key, message_id="6f1c9b1e-0d57-4e8f-9a53-2b8f4c1d2e3f")
    again = make(key, message_id="6f1c9b1e-0d57-4e8f-9a53-2b8f4c1d2e3f")
    assert envelope.signature == again.signature


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["payload"].__setitem__("note", "changed"),
        lambda d: d.__setitem__("sequence", 2),
        lambda d: d.__setitem__("kind", "test.other"),
        lambda d: d["sender"].__setitem__("member_state", "AT"),
        lambda d: d["recipient"]["member_states"].append("BE"),
        lambda d: d.__setitem__("created_at", "2026-05-04T09:30:01.123456Z"),
    ],
)
def test_any_change_after_signing_breaks_the_signature(key: env.SigningKey, tamper: Any) -> None:
    data = make(key).to_dict()
    tamper(data)
    with pytest.raises(BadSignature, match="does not verify"):
        env.verify(env.parse(data), key.public)


def test_another_key_is_refused_by_key_id(key: env.SigningKey) -> None:
    other = env.SigningKey.generate()
    with pytest.raises(BadSignature, match="signed with key"):
        env.verify(make(other), key.public)


def test_forged_signature_with_the_right_key_id_is_refused(key: env.SigningKey) -> None:
    other = env.SigningKey.generate()
    forged = env.parse(make(other).to_dict() | {"key_id": key.key_id})
    with pytest.raises(BadSignature):
        env.verify(forged, key.public)


def test_digest_ignores_key_and_signature_but_nothing_else(key: env.SigningKey) -> None:
    envelope = make(key)
    other = env.SigningKey.generate()
    resigned = env.sign(envelope, other)
    assert resigned.signature != envelope.signature
    assert resigned.digest == envelope.digest
    env.verify(resigned, other.public)
    changed = env.build(
        key=key,
        kind=envelope.kind,
        sender=envelope.sender,
        recipient=envelope.recipient,
        sequence=envelope.sequence,
        payload={**envelope.payload, "note": "x"},
        created_at=envelope.created_at,
        message_id=envelope.message_id,
    )
    assert changed.digest != envelope.digest


def test_stored_unsigned_envelope_reads_back(key: env.SigningKey) -> None:
    unsigned = env.prepare(
        kind="test.note",
        sender=env.Sender("DE", "de-bafa"),
        recipient=env.Recipient("fr-sbdu", ("FR",)),
        sequence=3,
        payload={"a": 1},
        created_at=NOW,
    )
    text = env.canonical_json(unsigned.to_dict()).decode()
    assert env.unsigned_from_json(text) == unsigned
    env.verify(env.sign(env.unsigned_from_json(text), key), key.public)


# -- parsing ---------------------------------------------------------------------------------


def test_the_format_version_is_checked_first(key: env.SigningKey) -> None:
    data = make(key).to_dict() | {"format_version": 2, "surprise": True}
    with pytest.raises(UnsupportedFormatVersion, match="format version 2 is not supported"):
        env.parse(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"format": "other"}, "format"),
        ({"message_id": "not-a-uuid"}, "message_id"),
        ({"message_id": "6F1C9B1E-0D57-4E8F-9A53-2B8F4C1D2E3F"}, "message_id"),
        ({"kind": "Denial"}, "kind"),
        ({"kind": "denial--notice"}, "kind"),
        ({"sequence": 0}, "sequence"),
        ({"sequence": True}, "sequence"),
        ({"created_at": "2026-05-04T09:30:00"}, "created_at"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"sender": {"member_state": "de", "deployment": "de-bafa"}}, "sender.member_state"),
        ({"recipient": {"deployment": "FR SBDU", "member_states": ["FR"]}}, "recipient.deployment"),
        ({"recipient": {"deployment": "fr", "member_states": []}}, "recipient.member_states"),
        ({"payload": []}, "payload"),
        ({"payload": {"amount": 1.5}}, "payload.amount"),
        ({"extra": 1}, "extra"),
    ],
)
def test_malformed_envelopes_name_the_field(
    key: env.SigningKey, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(MalformedEnvelope) as caught:
        env.parse(make(key).to_dict() | change)
    assert caught.value.details["field"] == field


def test_missing_fields_are_listed(key: env.SigningKey) -> None:
    data = make(key).to_dict()
    del data["signature"], data["payload"]
    with pytest.raises(MalformedEnvelope, match="missing fields") as caught:
        env.parse(data)
    assert caught.value.details["missing"] == ["payload", "signature"]


def test_not_json_is_a_clear_error() -> None:
    with pytest.raises(MalformedEnvelope, match="not valid JSON"):
        env.parse_json(b"{nope")


def test_building_checks_what_it_sends(key: env.SigningKey) -> None:
    with pytest.raises(MalformedEnvelope):
        make(key, payload={"ratio": 0.5})
    with pytest.raises(MalformedEnvelope):
        make(key, kind="no dots")


def test_json_schema_lists_the_same_fields(key: env.SigningKey) -> None:
    schema = json.loads(SCHEMA.read_text())
    assert schema["required"] == list(env.FIELDS)
    assert set(schema["properties"]) == set(env.FIELDS)
    data = make(key).to_dict()
    for name, rule in schema["properties"].items():
        if "pattern" in rule:
            assert re.fullmatch(rule["pattern"], str(data[name])), name
    assert schema["properties"]["format_version"]["const"] == env.FORMAT_VERSION


# -- clocks ----------------------------------------------------------------------------------


def test_old_envelopes_pass_but_future_ones_do_not(key: env.SigningKey) -> None:
    envelope = make(key)
    skew = timedelta(minutes=5)
    env.check_not_future(envelope, now=NOW + timedelta(days=30), max_skew=skew)
    env.check_not_future(envelope, now=NOW - timedelta(minutes=4), max_skew=skew)
    with pytest.raises(ClockSkew, match="future"):
        env.check_not_future(envelope, now=NOW - timedelta(minutes=6), max_skew=skew)


# -- request and response authentication -----------------------------------------------------


def test_signed_request_verifies_and_binds_method_path_and_body(key: env.SigningKey) -> None:
    auth = env.sign_request(
        key=key,
        deployment="de-bafa",
        method="POST",
        path="/api/v1/exchange/inbox",
        body=b"{}",
        now=NOW,
    )
    parsed = env.parse_request_auth(auth.header())
    assert parsed == auth
    check = {"public_key": key.public, "now": NOW, "max_skew": timedelta(seconds=300)}
    env.verify_request(parsed, method="POST", path="/api/v1/exchange/inbox", body=b"{}", **check)  # type: ignore[arg-type]
    for method, path, body in [
        ("GET", "/api/v1/exchange/inbox", b"{}"),
        ("POST", "/api/v1/exchange/outbox", b"{}"),
        ("POST", "/api/v1/exchange/inbox", b"{ }"),
    ]:
        with pytest.raises(BadSignature):
            env.verify_request(parsed, method=method, path=path, body=body, **check)  # type: ignore[arg-type]


def test_request_outside_the_clock_skew_is_refused(key: env.SigningKey) -> None:
    auth = env.sign_request(key=key, deployment="d", method="GET", path="/x", body=b"", now=NOW)
    with pytest.raises(ClockSkew, match="check the clocks"):
        env.verify_request(
            auth,
            public_key=key.public,
            method="GET",
            path="/x",
            body=b"",
            now=NOW + timedelta(seconds=301),
            max_skew=timedelta(seconds=300),
        )


@pytest.mark.parametrize(
    "header",
    [None, "", "deployment=x;key_id=y", "deployment=x;key_id=y;timestamp=bad;nonce=n;signature=s"],
)
def test_missing_or_broken_auth_header(header: str | None) -> None:
    with pytest.raises(NotAuthenticated):
        env.parse_request_auth(header)


def test_response_signature_is_bound_to_the_request(key: env.SigningKey) -> None:
    header = env.sign_response(key=key, request_signature="abc", status=200, body=b"{}")
    good = {"public_key": key.public, "status": 200, "body": b"{}"}
    assert env.verify_response(header, request_signature="abc", **good)  # type: ignore[arg-type]
    assert not env.verify_response(header, request_signature="other", **good)  # type: ignore[arg-type]
    assert not env.verify_response(
        header, request_signature="abc", public_key=key.public, status=200, body=b"{ }"
    )
    assert not env.verify_response(None, request_signature="abc", **good)  # type: ignore[arg-type]
