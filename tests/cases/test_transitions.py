"""The case's table of states and transitions, walked on a real case.

Every (state, transition) pair: allowed ones move the case and are audited; refused ones are
a 409 and change nothing. Then the transitions the services apply, each from every state,
through the service that applies it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.applications.states import ApplicationState
from licentia.audit.services import apply_transition, history
from licentia.cases import services
from licentia.cases.models import Case, Decision, Finding, InformationRequest, Recommendation
from licentia.cases.states import CASE, CaseState, CaseTransition
from licentia.errors import Conflict, IllegalTransition
from tests.cases.conftest import MakeCase

pytestmark = pytest.mark.django_db

PAIRS = [(state, name) for state in CaseState for name in CaseTransition]


def put(case: Case, state: CaseState) -> None:
    """Place the case (and its application, consistently) in `state`."""
    application_state = {
        CaseState.AWAITING_EXPORTER: ApplicationState.INFORMATION_REQUESTED,
        CaseState.DECIDED: ApplicationState.REFUSED,
        CaseState.CLOSED: ApplicationState.WITHDRAWN,
    }.get(state, ApplicationState.SUBMITTED)
    Case.objects.filter(pk=case.pk).update(state=state.value)
    type(case.application).objects.filter(pk=case.application_id).update(
        state=application_state.value
    )
    case.refresh_from_db()
    case.application.refresh_from_db()


@pytest.mark.parametrize(("state", "name"), PAIRS, ids=[f"{s}-{n}" for s, n in PAIRS])
def test_the_table(make_case: MakeCase, state: CaseState, name: CaseTransition) -> None:
    case = make_case()
    put(case, state)
    version = case.version
    allowed = state in CASE.transition(name).sources
    if allowed:
        target = apply_transition(case, CASE, name, actor=None, reason="Because.")
        case.refresh_from_db()
        assert case.state == target.value == CASE.transition(name).target.value
        assert case.version == version + 1
        assert history(case)[-1].action == f"case.{name}"
    else:
        with pytest.raises(IllegalTransition) as raised:
            apply_transition(case, CASE, name, actor=None, reason="Because.")
        assert raised.value.status == 409
        case.refresh_from_db()
        assert (case.state, case.version) == (state.value, version)


# -- the same table through the services ------------------------------------------------

Call = Callable[[Case, dict[str, AbstractBaseUser]], object]


def _prepare(case: Case, people: dict[str, AbstractBaseUser]) -> None:
    """What each service needs besides the state: assessments, a recommendation, an open
    request, a refusal to appeal."""
    for criterion in services.required_criteria(case):
        case.assessments.create(criterion=criterion, finding=Finding.REFUSAL_GROUND, reasoning="x")
    Recommendation.objects.create(
        case=case,
        outcome="refuse",
        reasoning="x",
        refusal_criteria=["art15-1-b"],
        recommended_by=people["officer"],
    )
    InformationRequest.objects.create(case=case, question="?", asked_by=people["officer"])
    Decision.objects.create(case=case, outcome="refuse", reasoning="x")


SERVICE_CALLS: dict[CaseTransition, Call] = {
    CaseTransition.ASSIGN: lambda c, p: services.assign(c, to=p["officer"], actor=p["officer"]),
    CaseTransition.REQUEST_INFORMATION: lambda c, p: services.request_information(
        c, question="?", actor=p["officer"]
    ),
    CaseTransition.RECEIVE_INFORMATION: lambda c, p: services.receive_information(
        c, answer="!", actor=p["exporter"]
    ),
    CaseTransition.RECOMMEND: lambda c, p: services.recommend(
        c, outcome="refuse", reasoning="x", refusal_criteria=["art15-1-b"], actor=p["officer"]
    ),
    CaseTransition.COUNTERSIGN: lambda c, p: services.countersign(c, actor=p["senior"]),
    CaseTransition.RETURN_FOR_REVIEW: lambda c, p: services.return_for_review(
        c, reason="Revise", actor=p["senior"]
    ),
    CaseTransition.DECIDE: lambda c, p: services.decide(c, actor=p["officer"]),
    CaseTransition.REOPEN_ON_APPEAL: lambda c, p: services.reopen_on_appeal(
        c, reason="Appeal", actor=p["exporter"]
    ),
    CaseTransition.CLOSE: lambda c, p: services.close_on_withdrawal(c, actor=p["exporter"]),
}
SERVICE_PAIRS = [(state, name) for state in CaseState for name in SERVICE_CALLS]


@pytest.mark.parametrize(
    ("state", "name"), SERVICE_PAIRS, ids=[f"{s}-{n}" for s, n in SERVICE_PAIRS]
)
def test_the_table_through_the_services(
    make_case: MakeCase,
    officer: AbstractBaseUser,
    senior: AbstractBaseUser,
    exporter_user: AbstractBaseUser,
    state: CaseState,
    name: CaseTransition,
) -> None:
    people = {"officer": officer, "senior": senior, "exporter": exporter_user}
    case = make_case(value="100")
    _prepare(case, people)
    put(case, state)
    version = case.version
    if state in CASE.transition(name).sources:
        SERVICE_CALLS[name](case, people)
        case.refresh_from_db()
        assert any(e.action == f"case.{name}" for e in history(case))
    else:
        with pytest.raises(Conflict):
            SERVICE_CALLS[name](case, people)
        case.refresh_from_db()
        assert (case.state, case.version) == (state.value, version)


def test_recommending_routes_by_the_countersign_rules(
    make_case: MakeCase, officer: AbstractBaseUser
) -> None:
    """RECOMMEND is followed at once by ASK_COUNTERSIGNATURE or CLEAR_FOR_DECISION."""
    case = make_case(value=str(Decimal(10)))
    services.assign(case, to=officer, actor=officer)
    services.recommend(case, outcome="no-licence-required", reasoning="x", actor=officer)
    actions = [e.action for e in history(case)]
    assert actions[-2:] == ["case.recommend", "case.clear-for-decision"]
