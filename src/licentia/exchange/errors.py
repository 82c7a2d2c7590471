"""Why the exchange refuses a message or a request: one typed error per reason.

Each error carries its HTTP status and a stable code, rendered by the API's one error table, so a
sending deployment reads the same `{"code", "message", "details"}` as every other API client.
"""

from __future__ import annotations

from licentia.errors import LicentiaError


class ExchangeError(LicentiaError):
    """Base of the exchange's refusals."""

    code = "exchange_error"


class MalformedEnvelope(ExchangeError):
    """The envelope is not valid JSON of the documented shape; `details.field` names the field."""

    status = 422
    code = "malformed_envelope"


class UnsupportedFormatVersion(ExchangeError):
    status = 422
    code = "unsupported_format_version"


class BadSignature(ExchangeError):
    """The signature does not verify with the sender's configured key (or is for another key)."""

    status = 401
    code = "bad_signature"


class NotAuthenticated(ExchangeError):
    """The request carries no valid exchange authentication header."""

    status = 401
    code = "exchange_not_authenticated"


class UnknownSender(ExchangeError):
    """No active peer is configured for the sending deployment, or not for its Member State."""

    status = 403
    code = "unknown_sender"


class NotARecipient(ExchangeError):
    """The envelope is addressed to another deployment."""

    status = 422
    code = "not_a_recipient"


class ClockSkew(ExchangeError):
    """A timestamp lies further from this server's clock than the allowed skew."""

    status = 401
    code = "clock_skew"


class ReplayConflict(ExchangeError):
    """A message id (or a sender's sequence number) arrived again with different content."""

    status = 409
    code = "replayed_with_different_content"


class ExchangeNotConfigured(ExchangeError):
    """This deployment has no deployment id or no signing key yet."""

    status = 503
    code = "exchange_not_configured"


class DeliveryFailed(ExchangeError):
    """A peer could not be reached, or answered with an error."""

    status = 502
    code = "delivery_failed"
