"""A licence's life after issue: a table of states and transitions."""

from __future__ import annotations

from enum import StrEnum

from licentia.workflow.machine import StateMachine, Transition


class LicenceState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ANNULLED = "annulled"
    REVOKED = "revoked"
    SURRENDERED = "surrendered"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @property
    def usable(self) -> bool:
        return self is LicenceState.ACTIVE


_DESCRIPTIONS = {
    LicenceState.ACTIVE: "Valid: exports may be made under it",
    LicenceState.SUSPENDED: "Suspended by the authority (Art 16(2)); no exports until reinstated",
    LicenceState.ANNULLED: "Annulled by the authority: treated as never valid",
    LicenceState.REVOKED: "Revoked by the authority: no longer valid",
    LicenceState.SURRENDERED: "Given up by the holder",
    LicenceState.EXPIRED: "Its validity period ended",
    LicenceState.EXHAUSTED: "Every quantity and value it covered has been shipped",
}


class LicenceTransition(StrEnum):
    AMEND = "amend"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    ANNUL = "annul"
    REVOKE = "revoke"
    SURRENDER = "surrender"
    EXPIRE = "expire"
    EXHAUST = "exhaust"


S, T = LicenceState, LicenceTransition
_AUTHORITY = frozenset({"licensing-officer", "senior-officer"})
_IN_FORCE = frozenset({S.ACTIVE, S.SUSPENDED})

LICENCE = StateMachine(
    "licence",
    S.ACTIVE,
    [
        Transition(T.AMEND, frozenset({S.ACTIVE}), S.ACTIVE, _AUTHORITY, needs_reason=True),
        Transition(T.SUSPEND, frozenset({S.ACTIVE}), S.SUSPENDED, _AUTHORITY, needs_reason=True),
        Transition(T.REINSTATE, frozenset({S.SUSPENDED}), S.ACTIVE, _AUTHORITY, needs_reason=True),
        Transition(T.ANNUL, _IN_FORCE, S.ANNULLED, _AUTHORITY, needs_reason=True),
        Transition(T.REVOKE, _IN_FORCE, S.REVOKED, _AUTHORITY, needs_reason=True),
        Transition(T.SURRENDER, _IN_FORCE, S.SURRENDERED, frozenset({"exporter"})),
        Transition(T.EXPIRE, _IN_FORCE, S.EXPIRED, frozenset({"system"})),
        Transition(T.EXHAUST, frozenset({S.ACTIVE}), S.EXHAUSTED, frozenset({"system"})),
    ],
)
