"""The application's life as the exporter sees it: a table of states and transitions."""

from __future__ import annotations

from enum import StrEnum

from licentia.workflow.machine import StateMachine, Transition


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INFORMATION_REQUESTED = "information-requested"
    WITHDRAWN = "withdrawn"
    GRANTED = "granted"
    REFUSED = "refused"
    NO_LICENCE_REQUIRED = "no-licence-required"
    APPEALED = "appealed"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @property
    def editable(self) -> bool:
        return self is ApplicationState.DRAFT


_DESCRIPTIONS = {
    ApplicationState.DRAFT: "Being prepared by the exporter; not seen by the authority",
    ApplicationState.SUBMITTED: "Submitted; the authority is assessing it",
    ApplicationState.INFORMATION_REQUESTED: (
        "The authority asked the exporter for information; the case clock is paused"
    ),
    ApplicationState.WITHDRAWN: "Withdrawn by the exporter",
    ApplicationState.GRANTED: "Granted: a licence was issued",
    ApplicationState.REFUSED: "Refused, with the criteria relied on",
    ApplicationState.NO_LICENCE_REQUIRED: "The authority decided that no licence is required",
    ApplicationState.APPEALED: "The exporter appealed the refusal; the authority reviews it",
}


class ApplicationTransition(StrEnum):
    SUBMIT = "submit"
    REQUEST_INFORMATION = "request-information"
    PROVIDE_INFORMATION = "provide-information"
    WITHDRAW = "withdraw"
    GRANT = "grant"
    REFUSE = "refuse"
    DECIDE_NO_LICENCE_REQUIRED = "decide-no-licence-required"
    APPEAL = "appeal"
    UPHOLD_REFUSAL = "uphold-refusal"


S, T = ApplicationState, ApplicationTransition
_EXPORTER = frozenset({"exporter"})
_AUTHORITY = frozenset({"authority"})
_UNDER_ASSESSMENT = frozenset({S.SUBMITTED, S.APPEALED})

APPLICATION = StateMachine(
    "application",
    S.DRAFT,
    [
        Transition(T.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED, _EXPORTER),
        Transition(
            T.REQUEST_INFORMATION,
            _UNDER_ASSESSMENT,
            S.INFORMATION_REQUESTED,
            _AUTHORITY,
            needs_reason=True,
        ),
        Transition(
            T.PROVIDE_INFORMATION, frozenset({S.INFORMATION_REQUESTED}), S.SUBMITTED, _EXPORTER
        ),
        Transition(
            T.WITHDRAW,
            frozenset({S.DRAFT, S.SUBMITTED, S.INFORMATION_REQUESTED}),
            S.WITHDRAWN,
            _EXPORTER,
        ),
        Transition(T.GRANT, _UNDER_ASSESSMENT, S.GRANTED, _AUTHORITY),
        Transition(T.REFUSE, _UNDER_ASSESSMENT, S.REFUSED, _AUTHORITY, needs_reason=True),
        Transition(
            T.DECIDE_NO_LICENCE_REQUIRED, _UNDER_ASSESSMENT, S.NO_LICENCE_REQUIRED, _AUTHORITY
        ),
        Transition(T.APPEAL, frozenset({S.REFUSED}), S.APPEALED, _EXPORTER, needs_reason=True),
        Transition(
            T.UPHOLD_REFUSAL, frozenset({S.APPEALED}), S.REFUSED, _AUTHORITY, needs_reason=True
        ),
    ],
)
