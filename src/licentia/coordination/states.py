"""The coordination state machines as tables: denial notices, consultations, catch-all notices
and each Member State's review of a catch-all notice."""

from __future__ import annotations

from enum import StrEnum

from licentia.workflow.machine import StateMachine, Transition

_OFFICER = frozenset({"licensing-officer", "senior-officer", "authority-administrator"})
_SYSTEM = frozenset({"system"})


# -- denial notices (Art 16(1)-(3)) -------------------------------------------------------


class DenialState(StrEnum):
    VALID = "valid"
    AMENDED = "amended"
    RENEWED = "renewed"
    REVOKED = "revoked"

    @property
    def description(self) -> str:
        return {
            DenialState.VALID: "Valid as notified (Art 16(2)); reviewed within 3 years",
            DenialState.AMENDED: "Valid, amended on review or on new facts (Art 16(3))",
            DenialState.RENEWED: "Valid, renewed on review for another 3 years (Art 16(3))",
            DenialState.REVOKED: "Revoked: no longer a valid denial (Art 16(3))",
        }[self]

    @property
    def is_valid(self) -> bool:
        """Valid denials are the ones Art 16(5) makes an authority check before granting."""
        return self is not DenialState.REVOKED


class DenialTransition(StrEnum):
    AMEND = "amend"
    RENEW = "renew"
    REVOKE = "revoke"


VALID_DENIAL_STATES = frozenset(s for s in DenialState if s.is_valid)

DENIAL = StateMachine(
    "denial",
    DenialState.VALID,
    [
        Transition(
            DenialTransition.AMEND,
            VALID_DENIAL_STATES,
            DenialState.AMENDED,
            _OFFICER | _SYSTEM,
            needs_reason=True,
        ),
        Transition(
            DenialTransition.RENEW,
            VALID_DENIAL_STATES,
            DenialState.RENEWED,
            _OFFICER | _SYSTEM,
            needs_reason=True,
        ),
        Transition(
            DenialTransition.REVOKE,
            VALID_DENIAL_STATES,
            DenialState.REVOKED,
            _OFFICER | _SYSTEM,
            needs_reason=True,
        ),
    ],
)


# -- consultations (Art 14(1), Art 14(2), Art 16(5)) -------------------------------------


class ConsultationState(StrEnum):
    REQUESTED = "requested"
    EXTENDED = "extended"
    REPLIED = "replied"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"

    @property
    def description(self) -> str:
        return {
            ConsultationState.REQUESTED: "Sent; the consulted state replies by the deadline",
            ConsultationState.EXTENDED: "The consulted state extended its time to reply",
            ConsultationState.REPLIED: "The consulted state replied",
            ConsultationState.LAPSED: (
                "The deadline passed without a reply: silence counts as no objection "
                "(Art 14(1)); the consultation is held"
            ),
            ConsultationState.WITHDRAWN: "Withdrawn by the requesting state",
        }[self]

    @property
    def is_open(self) -> bool:
        return self in (ConsultationState.REQUESTED, ConsultationState.EXTENDED)

    @property
    def is_completed(self) -> bool:
        """Replied, or the deadline passed: the requesting state may decide."""
        return self in (ConsultationState.REPLIED, ConsultationState.LAPSED)


class ConsultationTransition(StrEnum):
    EXTEND = "extend"
    REPLY = "reply"
    LAPSE = "lapse"
    WITHDRAW = "withdraw"


_OPEN_CONSULTATION = frozenset({ConsultationState.REQUESTED, ConsultationState.EXTENDED})

CONSULTATION = StateMachine(
    "consultation",
    ConsultationState.REQUESTED,
    [
        Transition(
            ConsultationTransition.EXTEND,
            frozenset({ConsultationState.REQUESTED}),
            ConsultationState.EXTENDED,
            _OFFICER,
            needs_reason=True,
        ),
        Transition(
            ConsultationTransition.REPLY, _OPEN_CONSULTATION, ConsultationState.REPLIED, _OFFICER
        ),
        Transition(
            ConsultationTransition.LAPSE, _OPEN_CONSULTATION, ConsultationState.LAPSED, _SYSTEM
        ),
        Transition(
            ConsultationTransition.WITHDRAW,
            _OPEN_CONSULTATION,
            ConsultationState.WITHDRAWN,
            _OFFICER,
            needs_reason=True,
        ),
    ],
)


# -- catch-all notices (Art 4, Art 5(4)-(6)) ---------------------------------------------


class CatchAllState(StrEnum):
    UNDER_REVIEW = "under-review"
    MARKED_FOR_PUBLICATION = "marked-for-publication"
    REVIEWED = "reviewed"
    WITHDRAWN = "withdrawn"

    @property
    def description(self) -> str:
        return {
            CatchAllState.UNDER_REVIEW: (
                "Notified; the other Member States review it within 30 working days (Art 5(5))"
            ),
            CatchAllState.MARKED_FOR_PUBLICATION: (
                "Every Member State agreed: marked for publication in the OJ C series (Art 5(6))"
            ),
            CatchAllState.REVIEWED: (
                "Every review is in or lapsed, without EU-wide publication: not every Member "
                "State agreed, or the requirement is one of Art 4 (published only under Art 5(6))"
            ),
            CatchAllState.WITHDRAWN: "Withdrawn by the notifying state",
        }[self]


class CatchAllTransition(StrEnum):
    MARK_FOR_PUBLICATION = "mark-for-publication"
    CLOSE_REVIEW = "close-review"
    WITHDRAW = "withdraw"


CATCH_ALL = StateMachine(
    "catch-all",
    CatchAllState.UNDER_REVIEW,
    [
        Transition(
            CatchAllTransition.MARK_FOR_PUBLICATION,
            frozenset({CatchAllState.UNDER_REVIEW}),
            CatchAllState.MARKED_FOR_PUBLICATION,
            _SYSTEM,
        ),
        Transition(
            CatchAllTransition.CLOSE_REVIEW,
            frozenset({CatchAllState.UNDER_REVIEW}),
            CatchAllState.REVIEWED,
            _SYSTEM,
        ),
        Transition(
            CatchAllTransition.WITHDRAW,
            frozenset({CatchAllState.UNDER_REVIEW}),
            CatchAllState.WITHDRAWN,
            _OFFICER,
            needs_reason=True,
        ),
    ],
)


class ReviewState(StrEnum):
    PENDING = "pending"
    EXTENDED = "extended"
    AGREED = "agreed"
    DISAGREED = "disagreed"
    LAPSED = "lapsed"

    @property
    def description(self) -> str:
        return {
            ReviewState.PENDING: "Reviewing within 30 working days (Art 5(5))",
            ReviewState.EXTENDED: "Extended by at most 30 more working days (Art 5(5))",
            ReviewState.AGREED: (
                "Agrees that the requirement should apply to essentially identical "
                "transactions (Art 5(6))"
            ),
            ReviewState.DISAGREED: "Does not agree that the requirement should apply EU-wide",
            ReviewState.LAPSED: "The review period passed without an answer",
        }[self]

    @property
    def is_open(self) -> bool:
        return self in (ReviewState.PENDING, ReviewState.EXTENDED)


class ReviewTransition(StrEnum):
    EXTEND = "extend"
    AGREE = "agree"
    DISAGREE = "disagree"
    LAPSE = "lapse"


_OPEN_REVIEW = frozenset({ReviewState.PENDING, ReviewState.EXTENDED})

CATCH_ALL_REVIEW = StateMachine(
    "catch-all-review",
    ReviewState.PENDING,
    [
        Transition(
            ReviewTransition.EXTEND,
            frozenset({ReviewState.PENDING}),
            ReviewState.EXTENDED,
            _OFFICER,
            needs_reason=True,
        ),
        Transition(ReviewTransition.AGREE, _OPEN_REVIEW, ReviewState.AGREED, _OFFICER),
        Transition(
            ReviewTransition.DISAGREE,
            _OPEN_REVIEW,
            ReviewState.DISAGREED,
            _OFFICER,
            needs_reason=True,
        ),
        Transition(ReviewTransition.LAPSE, _OPEN_REVIEW, ReviewState.LAPSED, _SYSTEM),
    ],
)
