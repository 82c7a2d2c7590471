"""This deployment's signing key: from the environment, or from a file only its owner can read."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from licentia.exchange import conf
from licentia.exchange.envelope import SigningKey
from licentia.exchange.errors import ExchangeNotConfigured, MalformedEnvelope


def load_signing_key() -> SigningKey:
    """The key from LICENTIA_EXCHANGE_SIGNING_KEY, else from the key file; refuses a key file
    that others may read (like ssh does)."""
    text = conf.signing_key_text()
    source = "LICENTIA_EXCHANGE_SIGNING_KEY"
    if not text:
        path = conf.key_file()
        if not path.exists():
            raise ExchangeNotConfigured(
                f"no signing key: run `licentia exchange keygen` (writes {path}) or set "
                "LICENTIA_EXCHANGE_SIGNING_KEY"
            )
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ExchangeNotConfigured(
                f"the signing key file {path} may be read by others (mode {mode:o}); "
                f"run `chmod 600 {path}`"
            )
        text = path.read_text()
        source = str(path)
    try:
        return SigningKey.from_text(text)
    except MalformedEnvelope as exc:
        raise ExchangeNotConfigured(f"the signing key in {source} is unusable: {exc}") from exc


def generate_key_file(
    path: Path | None = None, *, replace: bool = False
) -> tuple[SigningKey, Path]:
    """Write a new key (mode 0600, folder 0700). An existing key is kept as `<name>.<time>.old`
    when `replace`, refused otherwise: peers know this deployment by it."""
    path = path or conf.key_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        if not replace:
            raise ExchangeNotConfigured(
                f"{path} already holds a signing key; use --replace to rotate it (and give every "
                "peer the new public key)"
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path.rename(path.with_name(f"{path.name}.{stamp}.old"))
    key = SigningKey.generate()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.to_pem())
    return key, path
