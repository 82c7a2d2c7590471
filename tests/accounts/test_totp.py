"""TOTP against the published test vectors of RFC 6238 (SHA-1) and RFC 4226."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from licentia.accounts import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("timestamp", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc_6238_vectors(timestamp: int, code: str) -> None:
    assert totp.code_for(RFC_SECRET, totp.step_at(timestamp), digits=8) == code


def test_rfc_4226_counter_vectors_six_digits() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314", "254676"]
    assert [totp.code_for(RFC_SECRET, counter) for counter in range(6)] == expected


def test_secret_is_160_bits_of_unpadded_base32() -> None:
    secret = totp.new_secret()
    assert len(secret) == 32
    assert "=" not in secret
    assert len(base64.b32decode(secret)) == 20
    assert totp.new_secret() != secret


def test_a_code_matches_within_one_step_of_drift_and_never_twice() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    step = totp.step_at(now)
    for offset in (-1, 0, 1):
        code = totp.code_for(secret, step + offset)
        assert totp.matching_step(secret, code, timestamp=now, after=0) == step + offset
    stale = totp.code_for(secret, step - 2)
    assert totp.matching_step(secret, stale, timestamp=now, after=0) == 0
    current = totp.code_for(secret, step)
    assert totp.matching_step(secret, current, timestamp=now, after=step) == 0
    assert totp.matching_step(secret, "12345", timestamp=now, after=0) == 0


def test_provisioning_uri_names_issuer_account_and_secret() -> None:
    uri = totp.provisioning_uri("ABCDEFGH", account="olga@bafa", issuer="Licentia")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth"
    assert parts.netloc == "totp"
    assert parts.path == "/Licentia%3Aolga%40bafa"
    assert parse_qs(parts.query) == {
        "secret": ["ABCDEFGH"],
        "issuer": ["Licentia"],
        "digits": ["6"],
        "period": ["30"],
    }
