"""Typed errors shared by the core engines, the CLI and the web layer.

Each error carries the HTTP status it maps to; the API renders them in one handler
(`licentia.web.api`) and the CLI prints them, so the same message reaches every user.
"""

from __future__ import annotations


class LicentiaError(Exception):
    """Base of every error Licentia reports to a user."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = details or {}

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class NotFound(LicentiaError):
    status = 404
    code = "not_found"


class Conflict(LicentiaError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    """A state machine refused a transition from the object's current state."""

    code = "illegal_transition"


class StaleObject(Conflict):
    """Someone else changed the object since it was read: reload and try again."""

    code = "stale_object"


class InvalidInput(LicentiaError):
    """A value a user gave cannot be used (unknown country code, impossible date...)."""

    status = 422
    code = "invalid_input"


class ImportFailed(LicentiaError):
    """A list file could not be imported; nothing of it was written.

    `source` names the file, `position` the line/column or element, `field` the field at fault.
    """

    status = 422
    code = "import_failed"

    def __init__(
        self,
        message: str,
        *,
        source: str,
        position: str | None = None,
        field: str | None = None,
    ) -> None:
        where = source + (f" at {position}" if position else "")
        what = f" (field {field!r})" if field else ""
        super().__init__(
            f"{where}: {message}{what}",
            details={"source": source, "position": position, "field": field},
        )
        self.source = source
        self.position = position
        self.field = field
