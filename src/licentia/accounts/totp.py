"""Time-based one-time passwords (RFC 6238, with HOTP of RFC 4226): SHA-1, 6 digits, 30 s.

These are the parameters every authenticator app uses by default. Pure functions: no Django.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

PERIOD = 30
DIGITS = 6


def new_secret() -> str:
    """A random 160-bit key (RFC 4226 recommends 160), in unpadded Base32."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def step_at(timestamp: float) -> int:
    return int(timestamp // PERIOD)


def code_for(secret: str, step: int, *, digits: int = DIGITS) -> str:
    """The code of time step `step` (HOTP with the step as counter)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def matching_step(secret: str, code: str, *, timestamp: float, after: int, drift: int = 1) -> int:
    """The time step whose code is `code`, within `drift` steps of now and later than `after`
    (so that no code is accepted twice); 0 when none matches."""
    now = step_at(timestamp)
    for step in range(now - drift, now + drift + 1):
        if step > after and hmac.compare_digest(code_for(secret, step), code):
            return step
    return 0


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI that authenticator apps read from a QR code."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": PERIOD})
    return f"otpauth://totp/{label}?{query}"
