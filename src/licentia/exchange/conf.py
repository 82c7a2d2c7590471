"""The exchange's settings: a Django setting of the same name wins over the environment.

| name | default | meaning |
|---|---|---|
| LICENTIA_EXCHANGE_DEPLOYMENT | (none) | this deployment's id, as peers know it (e.g. `de-bafa`) |
| LICENTIA_EXCHANGE_SIGNING_KEY | (none) | the private key (PEM or base64url seed); wins over the file |
| LICENTIA_EXCHANGE_KEY_FILE | `<data dir>/exchange/signing-key.pem` | the private key file (mode 0600) |
| LICENTIA_EXCHANGE_MAX_SKEW | 300 | seconds a signed request may be off this server's clock |
| LICENTIA_EXCHANGE_TIMEOUT | 10 | seconds to wait for a peer |
| LICENTIA_EXCHANGE_PUSH_ON_COMMIT | 1 | push a published message to reachable peers right after commit |
| LICENTIA_EXCHANGE_HANDLERS | (none) | comma-separated modules that register extra message handlers |
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings


def _value(name: str, default: str = "") -> str:
    configured = getattr(settings, name, None)
    if configured is not None:
        return str(configured)
    return os.environ.get(name, default)


def deployment_id() -> str:
    return _value("LICENTIA_EXCHANGE_DEPLOYMENT").strip()


def signing_key_text() -> str:
    return _value("LICENTIA_EXCHANGE_SIGNING_KEY").strip()


def key_file() -> Path:
    configured = _value("LICENTIA_EXCHANGE_KEY_FILE")
    if configured:
        return Path(configured)
    return Path(settings.DATA_DIR) / "exchange" / "signing-key.pem"


def max_skew() -> timedelta:
    return timedelta(seconds=int(_value("LICENTIA_EXCHANGE_MAX_SKEW", "300")))


def timeout() -> float:
    return float(_value("LICENTIA_EXCHANGE_TIMEOUT", "10"))


def push_on_commit() -> bool:
    return _value("LICENTIA_EXCHANGE_PUSH_ON_COMMIT", "1").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def handler_modules() -> list[str]:
    return [
        name.strip() for name in _value("LICENTIA_EXCHANGE_HANDLERS").split(",") if name.strip()
    ]
