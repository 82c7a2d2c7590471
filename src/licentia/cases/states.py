"""The case's life inside the authority: a table of states and transitions."""

from __future__ import annotations

from enum import StrEnum

from licentia.workflow.machine import StateMachine, Transition


class CaseState(StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under-review"
    AWAITING_EXPORTER = "awaiting-exporter"
    RECOMMENDED = "recommended"
    AWAITING_COUNTERSIGNATURE = "awaiting-countersignature"
    READY_FOR_DECISION = "ready-for-decision"
    DECIDED = "decided"
    CLOSED = "closed"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @property
    def clock_runs(self) -> bool:
        """Whether the processing time counts: it pauses while the exporter is asked."""
        return self not in (CaseState.AWAITING_EXPORTER, CaseState.DECIDED, CaseState.CLOSED)


_DESCRIPTIONS = {
    CaseState.OPEN: "In the authority's queue, not yet assigned",
    CaseState.UNDER_REVIEW: "Assigned to a licensing officer who is assessing it",
    CaseState.AWAITING_EXPORTER: "Information was requested from the exporter; the clock is paused",
    CaseState.RECOMMENDED: "The officer recorded a recommendation",
    CaseState.AWAITING_COUNTERSIGNATURE: "A senior officer must countersign the recommendation",
    CaseState.READY_FOR_DECISION: "Countersigned, or no countersignature needed: ready to decide",
    CaseState.DECIDED: "Decided: granted, refused or no licence required",
    CaseState.CLOSED: "Closed without a decision (the application was withdrawn)",
}


class CaseTransition(StrEnum):
    ASSIGN = "assign"
    REQUEST_INFORMATION = "request-information"
    RECEIVE_INFORMATION = "receive-information"
    RECOMMEND = "recommend"
    ASK_COUNTERSIGNATURE = "ask-countersignature"
    COUNTERSIGN = "countersign"
    RETURN_FOR_REVIEW = "return-for-review"
    CLEAR_FOR_DECISION = "clear-for-decision"
    DECIDE = "decide"
    REOPEN_ON_APPEAL = "reopen-on-appeal"
    CLOSE = "close"


S, T = CaseState, CaseTransition
_OFFICER = frozenset({"licensing-officer", "senior-officer"})
_SENIOR = frozenset({"senior-officer"})
_ACTIVE = frozenset(
    {S.OPEN, S.UNDER_REVIEW, S.AWAITING_EXPORTER, S.RECOMMENDED, S.AWAITING_COUNTERSIGNATURE}
)

CASE = StateMachine(
    "case",
    S.OPEN,
    [
        Transition(
            T.ASSIGN,
            frozenset({S.OPEN, S.UNDER_REVIEW}),
            S.UNDER_REVIEW,
            _OFFICER | {"authority-administrator"},
        ),
        Transition(
            T.REQUEST_INFORMATION,
            frozenset({S.UNDER_REVIEW}),
            S.AWAITING_EXPORTER,
            _OFFICER,
            needs_reason=True,
        ),
        Transition(
            T.RECEIVE_INFORMATION,
            frozenset({S.AWAITING_EXPORTER}),
            S.UNDER_REVIEW,
            frozenset({"exporter"}),
        ),
        Transition(T.RECOMMEND, frozenset({S.UNDER_REVIEW}), S.RECOMMENDED, _OFFICER),
        Transition(
            T.ASK_COUNTERSIGNATURE,
            frozenset({S.RECOMMENDED}),
            S.AWAITING_COUNTERSIGNATURE,
            _OFFICER,
        ),
        Transition(
            T.COUNTERSIGN, frozenset({S.AWAITING_COUNTERSIGNATURE}), S.READY_FOR_DECISION, _SENIOR
        ),
        Transition(
            T.RETURN_FOR_REVIEW,
            frozenset({S.RECOMMENDED, S.AWAITING_COUNTERSIGNATURE, S.READY_FOR_DECISION}),
            S.UNDER_REVIEW,
            _OFFICER,
            needs_reason=True,
        ),
        Transition(
            T.CLEAR_FOR_DECISION, frozenset({S.RECOMMENDED}), S.READY_FOR_DECISION, _OFFICER
        ),
        Transition(T.DECIDE, frozenset({S.READY_FOR_DECISION}), S.DECIDED, _OFFICER),
        Transition(
            T.REOPEN_ON_APPEAL,
            frozenset({S.DECIDED}),
            S.UNDER_REVIEW,
            frozenset({"exporter"}),
            needs_reason=True,
        ),
        Transition(T.CLOSE, _ACTIVE, S.CLOSED, frozenset({"exporter", "system"})),
    ],
)
