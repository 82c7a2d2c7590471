"""The exchange format between Licentia deployments: signed JSON envelopes (docs/exchange.md).

Pure Python (no Django): canonical JSON, Ed25519 keys and key ids, building, parsing, signing and
verifying envelopes, and the signed headers that authenticate requests and responses between
deployments. The JSON Schema of an envelope is `docs/schemas/exchange-envelope.schema.json`.

Canonical JSON is RFC 8785 (JCS) restricted to what envelopes may hold: objects with string keys
(sorted by code point), arrays, strings, integers within ±(2**53 - 1), booleans and null; no
floating-point numbers (write decimals as strings). Serialised without insignificant whitespace, in
UTF-8, with only the escapes JSON requires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from licentia.exchange.errors import (
    BadSignature,
    ClockSkew,
    MalformedEnvelope,
    NotAuthenticated,
    UnsupportedFormatVersion,
)

FORMAT = "licentia-exchange"
FORMAT_VERSION = 1
SUPPORTED_VERSIONS = frozenset({FORMAT_VERSION})
# Prefixed to what is signed, so a signature over an envelope can never pass for another thing.
ENVELOPE_CONTEXT = b"licentia-exchange-envelope/1\n"
REQUEST_CONTEXT = "licentia-exchange-request/1"
RESPONSE_CONTEXT = "licentia-exchange-response/1"
PUBLIC_KEY_PREFIX = "ed25519:"
MAX_SAFE_INTEGER = 2**53 - 1

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9]*([._-][a-z0-9]+)*$")
DEPLOYMENT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
MEMBER_STATE_PATTERN = re.compile(r"^[A-Z]{2}$")
FIELDS = (
    "format",
    "format_version",
    "message_id",
    "kind",
    "sender",
    "recipient",
    "sequence",
    "created_at",
    "payload",
    "key_id",
    "signature",
)


# -- canonical JSON --------------------------------------------------------------------------


def canonical_json(value: object) -> bytes:
    """The one byte string `value` signs as; refuses what would not survive every JSON parser."""
    _check_json(value, "$")
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _check_json(value: object, where: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise MalformedEnvelope(
                f"{where}: integer {value} is outside ±(2**53 - 1); send it as a string",
                details={"field": where},
            )
        return
    if isinstance(value, float):
        raise MalformedEnvelope(
            f"{where}: floating-point numbers are not allowed; send decimals as strings",
            details={"field": where},
        )
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise MalformedEnvelope(
                    f"{where}: object keys must be strings", details={"field": where}
                )
            _check_json(item, f"{where}.{key}")
        return
    raise MalformedEnvelope(
        f"{where}: {type(value).__name__} is not a JSON value", details={"field": where}
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str, *, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedEnvelope(f"{what} is not base64url", details={"field": what}) from exc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- keys ------------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """`ed25519:<base64url of the raw 32-byte key>`: what a peer pastes into its configuration."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PUBLIC_KEY_PREFIX + b64url(raw)


def parse_public_key(text: str) -> Ed25519PublicKey:
    """An `ed25519:...` key (or a PEM public key); `MalformedEnvelope` names what is wrong."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            loaded = serialization.load_pem_public_key(text.encode())
        except ValueError as exc:
            raise MalformedEnvelope(
                "the PEM public key cannot be read", details={"field": "public_key"}
            ) from exc
        if not isinstance(loaded, Ed25519PublicKey):
            raise MalformedEnvelope(
                "the public key is not an Ed25519 key", details={"field": "public_key"}
            )
        return loaded
    if not text.startswith(PUBLIC_KEY_PREFIX):
        raise MalformedEnvelope(
            f"a public key starts with {PUBLIC_KEY_PREFIX!r}", details={"field": "public_key"}
        )
    raw = unb64url(text[len(PUBLIC_KEY_PREFIX) :], what="public_key")
    if len(raw) != 32:
        raise MalformedEnvelope(
            "an Ed25519 public key has 32 bytes", details={"field": "public_key"}
        )
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class SigningKey:
    """This deployment's private key, with its public half and key id."""

    private: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_text(cls, text: str) -> SigningKey:
        """A PKCS#8 PEM private key, or the base64url of the raw 32-byte seed."""
        text = text.strip()
        if text.startswith("-----BEGIN"):
            try:
                loaded = serialization.load_pem_private_key(text.encode(), password=None)
            except (ValueError, TypeError) as exc:
                raise MalformedEnvelope(
                    "the PEM signing key cannot be read", details={"field": "signing_key"}
                ) from exc
            if not isinstance(loaded, Ed25519PrivateKey):
                raise MalformedEnvelope(
                    "the signing key is not an Ed25519 key", details={"field": "signing_key"}
                )
            return cls(loaded)
        seed = unb64url(text.removeprefix(PUBLIC_KEY_PREFIX), what="signing_key")
        if len(seed) != 32:
            raise MalformedEnvelope(
                "an Ed25519 private key seed has 32 bytes", details={"field": "signing_key"}
            )
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def to_pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public)

    @property
    def public_text(self) -> str:
        return public_key_text(self.public)

    def sign(self, data: bytes) -> str:
        return b64url(self.private.sign(data))


def verify_signature(public_key: Ed25519PublicKey, signature: str, data: bytes) -> bool:
    try:
        raw = unb64url(signature, what="signature")
    except MalformedEnvelope:
        return False
    try:
        public_key.verify(raw, data)
    except InvalidSignature:
        return False
    return True


# -- envelopes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """The authority that sends: its Member State, and the deployment that signs for it."""

    member_state: str
    deployment: str

    def to_dict(self) -> dict[str, str]:
        return {"member_state": self.member_state, "deployment": self.deployment}


@dataclass(frozen=True)
class Recipient:
    """The deployment an envelope is for, and the Member States' authorities there it concerns."""

    deployment: str
    member_states: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"deployment": self.deployment, "member_states": list(self.member_states)}


@dataclass(frozen=True)
class Envelope:
    message_id: str
    kind: str
    sender: Sender
    recipient: Recipient
    sequence: int
    created_at: datetime
    payload: dict[str, Any]
    key_id: str
    signature: str
    format_version: int = FORMAT_VERSION

    def unsigned(self) -> dict[str, Any]:
        """Every field but the signature: what the signature covers."""
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "message_id": self.message_id,
            "kind": self.kind,
            "sender": self.sender.to_dict(),
            "recipient": self.recipient.to_dict(),
            "sequence": self.sequence,
            "created_at": format_time(self.created_at),
            "payload": self.payload,
            "key_id": self.key_id,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.unsigned(), "signature": self.signature}

    def to_json(self) -> str:
        return canonical_json(self.to_dict()).decode("utf-8")

    def signing_input(self) -> bytes:
        return ENVELOPE_CONTEXT + canonical_json(self.unsigned())

    @property
    def digest(self) -> str:
        """SHA-256 of the content, without the signature and key id: a message re-signed with a
        new key keeps its digest; a message with any other field changed does not."""
        content = self.unsigned()
        del content["key_id"]
        return sha256_hex(canonical_json(content))


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def prepare(
    *,
    kind: str,
    sender: Sender,
    recipient: Recipient,
    sequence: int,
    payload: Mapping[str, Any],
    created_at: datetime,
    message_id: str | None = None,
) -> Envelope:
    """An unsigned envelope (empty key id and signature), checked as `parse` checks what it
    receives: what we send, we would accept."""
    envelope = Envelope(
        message_id=message_id or str(uuid.uuid4()),
        kind=kind,
        sender=sender,
        recipient=recipient,
        sequence=sequence,
        created_at=created_at,
        payload=dict(payload),
        key_id="",
        signature="",
    )
    parse(envelope.unsigned() | {"key_id": "-", "signature": "-"})
    return envelope


def sign(envelope: Envelope, key: SigningKey) -> Envelope:
    """The envelope signed with `key` (Ed25519 is deterministic: same key, same bytes). Signing
    again with a new key after a rotation keeps the digest."""
    keyed = replace(envelope, key_id=key.key_id, signature="")
    return replace(keyed, signature=key.sign(keyed.signing_input()))


def build(
    *,
    key: SigningKey,
    kind: str,
    sender: Sender,
    recipient: Recipient,
    sequence: int,
    payload: Mapping[str, Any],
    created_at: datetime,
    message_id: str | None = None,
) -> Envelope:
    """`prepare` and `sign` in one step."""
    return sign(
        prepare(
            kind=kind,
            sender=sender,
            recipient=recipient,
            sequence=sequence,
            payload=payload,
            created_at=created_at,
            message_id=message_id,
        ),
        key,
    )


def unsigned_from_json(text: str) -> Envelope:
    """An envelope stored unsigned (by `prepare`), read back."""
    data = json.loads(text)
    return replace(parse(data | {"key_id": "-", "signature": "-"}), key_id="", signature="")


def parse_json(text: str | bytes) -> Envelope:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedEnvelope(
            f"the envelope is not valid JSON: {exc}", details={"field": "body"}
        ) from exc
    return parse(data)


def parse(data: object) -> Envelope:
    """Check the shape of a received envelope, field by field; the version first."""
    if not isinstance(data, Mapping):
        raise MalformedEnvelope("an envelope is a JSON object", details={"field": "body"})
    if data.get("format") != FORMAT:
        raise MalformedEnvelope(
            f"format must be {FORMAT!r}", details={"field": "format", "got": data.get("format")}
        )
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise MalformedEnvelope(
            "format_version must be an integer", details={"field": "format_version"}
        )
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedFormatVersion(
            f"format version {version} is not supported; this deployment reads "
            f"{', '.join(str(v) for v in sorted(SUPPORTED_VERSIONS))}",
            details={"field": "format_version", "got": version},
        )
    unknown = sorted(set(data) - set(FIELDS))
    missing = [name for name in FIELDS if name not in data]
    if unknown or missing:
        field_name = (missing or unknown)[0]
        raise MalformedEnvelope(
            f"missing fields: {missing}" if missing else f"unknown fields: {unknown}",
            details={"field": field_name, "missing": missing, "unknown": unknown},
        )
    message_id = _text(data, "message_id")
    try:
        if str(uuid.UUID(message_id)) != message_id:
            raise ValueError(message_id)
    except ValueError as exc:
        raise MalformedEnvelope(
            "message_id must be a UUID in lower-case hyphenated form",
            details={"field": "message_id"},
        ) from exc
    kind = _text(data, "kind")
    if not KIND_PATTERN.fullmatch(kind) or len(kind) > 80:
        raise MalformedEnvelope(
            "kind must be lower-case words joined by '.', '-' or '_', such as 'denial-notice'",
            details={"field": "kind"},
        )
    sender = data["sender"]
    if not isinstance(sender, Mapping) or set(sender) != {"member_state", "deployment"}:
        raise MalformedEnvelope(
            "sender must be {member_state, deployment}", details={"field": "sender"}
        )
    recipient = data["recipient"]
    if not isinstance(recipient, Mapping) or set(recipient) != {"deployment", "member_states"}:
        raise MalformedEnvelope(
            "recipient must be {deployment, member_states}", details={"field": "recipient"}
        )
    states = recipient["member_states"]
    if not isinstance(states, list) or not states:
        raise MalformedEnvelope(
            "recipient.member_states must be a non-empty list",
            details={"field": "recipient.member_states"},
        )
    sequence = data["sequence"]
    if (
        not isinstance(sequence, int)
        or isinstance(sequence, bool)
        or not 1 <= sequence <= MAX_SAFE_INTEGER
    ):
        raise MalformedEnvelope(
            "sequence must be a positive integer", details={"field": "sequence"}
        )
    payload = data["payload"]
    if not isinstance(payload, Mapping):
        raise MalformedEnvelope("payload must be a JSON object", details={"field": "payload"})
    _check_json(payload, "payload")
    return Envelope(
        format_version=version,
        message_id=message_id,
        kind=kind,
        sender=Sender(
            member_state=_state(sender, "member_state", "sender.member_state"),
            deployment=_deployment(sender, "deployment", "sender.deployment"),
        ),
        recipient=Recipient(
            deployment=_deployment(recipient, "deployment", "recipient.deployment"),
            member_states=tuple(
                _state({"s": s}, "s", f"recipient.member_states[{i}]") for i, s in enumerate(states)
            ),
        ),
        sequence=sequence,
        created_at=parse_time(_text(data, "created_at"), field_name="created_at"),
        payload=dict(payload),
        key_id=_text(data, "key_id"),
        signature=_text(data, "signature"),
    )


def _text(data: Mapping[str, object], name: str, where: str | None = None) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedEnvelope(
            f"{where or name} must be a non-empty string", details={"field": where or name}
        )
    return value


def _state(data: Mapping[str, object], name: str, where: str) -> str:
    value = _text(data, name, where)
    if not MEMBER_STATE_PATTERN.fullmatch(value):
        raise MalformedEnvelope(
            f"{where} must be a two-letter Member State code", details={"field": where}
        )
    return value


def _deployment(data: Mapping[str, object], name: str, where: str) -> str:
    value = _text(data, name, where)
    if not DEPLOYMENT_PATTERN.fullmatch(value):
        raise MalformedEnvelope(
            f"{where} must be lower-case letters, digits, '.', '_' or '-' (up to 63)",
            details={"field": where},
        )
    return value


def parse_time(text: str, *, field_name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise MalformedEnvelope(
            f"{field_name} must be an RFC 3339 timestamp", details={"field": field_name}
        ) from exc
    if moment.tzinfo is None:
        raise MalformedEnvelope(
            f"{field_name} must carry a time zone (UTC, 'Z')", details={"field": field_name}
        )
    return moment.astimezone(UTC)


def verify(envelope: Envelope, public_key: Ed25519PublicKey) -> None:
    """Raise `BadSignature` unless the envelope was signed by `public_key`."""
    expected = key_id(public_key)
    if envelope.key_id != expected:
        raise BadSignature(
            f"the envelope is signed with key {envelope.key_id}, but the key configured for "
            f"deployment {envelope.sender.deployment} is {expected}",
            details={"message_id": envelope.message_id, "key_id": envelope.key_id},
        )
    if not verify_signature(public_key, envelope.signature, envelope.signing_input()):
        raise BadSignature(
            f"the signature of message {envelope.message_id} does not verify: it was changed "
            "after signing or signed by another key",
            details={"message_id": envelope.message_id},
        )


def check_not_future(envelope: Envelope, *, now: datetime, max_skew: timedelta) -> None:
    """An envelope may be old (replayed after an outage) but not from the future."""
    ahead = envelope.created_at - now
    if ahead > max_skew:
        raise ClockSkew(
            f"message {envelope.message_id} was created {ahead.total_seconds():.0f} s in this "
            f"server's future (more than the allowed {max_skew.total_seconds():.0f} s): check "
            "the sender's clock",
            details={"message_id": envelope.message_id, "created_at": format_time(now)},
        )


# -- request and response authentication ----------------------------------------------------

AUTH_HEADER = "X-Licentia-Exchange-Auth"
AUTH_FIELDS = ("deployment", "key_id", "timestamp", "nonce", "signature")


@dataclass(frozen=True)
class RequestAuth:
    """`X-Licentia-Exchange-Auth: deployment=..;key_id=..;timestamp=..;nonce=..;signature=..`"""

    deployment: str
    key_id: str
    timestamp: datetime
    nonce: str
    signature: str

    def header(self) -> str:
        return ";".join(
            f"{name}={value}"
            for name, value in (
                ("deployment", self.deployment),
                ("key_id", self.key_id),
                ("timestamp", format_time(self.timestamp)),
                ("nonce", self.nonce),
                ("signature", self.signature),
            )
        )


def request_signing_input(
    *, method: str, path: str, timestamp: datetime, nonce: str, deployment: str, body: bytes
) -> bytes:
    return "\n".join(
        (
            REQUEST_CONTEXT,
            deployment,
            method.upper(),
            path,
            format_time(timestamp),
            nonce,
            sha256_hex(body),
        )
    ).encode("utf-8")


def sign_request(
    *, key: SigningKey, deployment: str, method: str, path: str, body: bytes, now: datetime
) -> RequestAuth:
    """Authenticate a request (path with its query string) as this deployment."""
    nonce = uuid.uuid4().hex
    data = request_signing_input(
        method=method, path=path, timestamp=now, nonce=nonce, deployment=deployment, body=body
    )
    return RequestAuth(deployment, key.key_id, now, nonce, key.sign(data))


def parse_request_auth(header: str | None) -> RequestAuth:
    if not header:
        raise NotAuthenticated(
            f"the request carries no {AUTH_HEADER} header: peers sign every request"
        )
    parts: dict[str, str] = {}
    for item in header.split(";"):
        name, _, value = item.strip().partition("=")
        parts[name] = value
    missing = [name for name in AUTH_FIELDS if not parts.get(name)]
    if missing:
        raise NotAuthenticated(
            f"the {AUTH_HEADER} header lacks {', '.join(missing)}", details={"missing": missing}
        )
    try:
        timestamp = parse_time(parts["timestamp"], field_name="timestamp")
    except MalformedEnvelope as exc:
        raise NotAuthenticated(f"{AUTH_HEADER}: {exc.message}") from exc
    return RequestAuth(
        parts["deployment"], parts["key_id"], timestamp, parts["nonce"], parts["signature"]
    )


def verify_request(
    auth: RequestAuth,
    *,
    public_key: Ed25519PublicKey,
    method: str,
    path: str,
    body: bytes,
    now: datetime,
    max_skew: timedelta,
) -> None:
    """Raise unless the request was signed by `public_key` within `max_skew` of `now`."""
    offset = abs(now - auth.timestamp)
    if offset > max_skew:
        raise ClockSkew(
            f"the request was signed at {format_time(auth.timestamp)}, "
            f"{offset.total_seconds():.0f} s from this server's clock (at most "
            f"{max_skew.total_seconds():.0f} s allowed): check the clocks of both servers",
            details={"server_time": format_time(now)},
        )
    if auth.key_id != key_id(public_key):
        raise BadSignature(
            f"the request is signed with key {auth.key_id}, but the key configured for "
            f"deployment {auth.deployment} is {key_id(public_key)}",
            details={"key_id": auth.key_id},
        )
    data = request_signing_input(
        method=method,
        path=path,
        timestamp=auth.timestamp,
        nonce=auth.nonce,
        deployment=auth.deployment,
        body=body,
    )
    if not verify_signature(public_key, auth.signature, data):
        raise BadSignature("the request signature does not verify")


RESPONSE_HEADER = "X-Licentia-Exchange-Response"


def response_signing_input(*, request_signature: str, status: int, body: bytes) -> bytes:
    return "\n".join((RESPONSE_CONTEXT, request_signature, str(status), sha256_hex(body))).encode()


def sign_response(*, key: SigningKey, request_signature: str, status: int, body: bytes) -> str:
    """`key_id=..;signature=..`, bound to the request it answers (an old answer cannot be
    replayed for a new request)."""
    data = response_signing_input(request_signature=request_signature, status=status, body=body)
    return f"key_id={key.key_id};signature={key.sign(data)}"


def verify_response(
    header: str | None,
    *,
    public_key: Ed25519PublicKey,
    request_signature: str,
    status: int,
    body: bytes,
) -> bool:
    if not header:
        return False
    parts = dict(item.strip().partition("=")[::2] for item in header.split(";"))
    if parts.get("key_id") != key_id(public_key):
        return False
    data = response_signing_input(request_signature=request_signature, status=status, body=body)
    return verify_signature(public_key, parts.get("signature", ""), data)
