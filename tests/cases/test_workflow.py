"""The case services: requests for information and the clock, assessments, recommendations,
countersigning, decisions, appeals, and two officers acting at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from licentia.accounts.access import Forbidden
from licentia.accounts.models import Organisation, Role
from licentia.applications.models import Application
from licentia.audit.services import history, verify
from licentia.cases import services
from licentia.cases.models import (
    Case,
    CaseSettings,
    CountersignKind,
    CountersignRule,
    Criterion,
    Decision,
    Finding,
    RestrictiveDecision,
)
from licentia.cases.signals import restrictive_decision_recorded
from licentia.errors import Conflict, IllegalTransition, InvalidInput, NotFound, StaleObject
from licentia.licences.models import Licence
from licentia.notifications.models import Notification
from tests.cases.conftest import MakeCase, person
from tests.factories import exporter

pytestmark = pytest.mark.django_db


def assessed(case: Case, officer: AbstractBaseUser, finding: str = Finding.NO_CONCERN) -> None:
    for criterion in services.required_criteria(case):
        services.assess_criterion(
            case, criterion=criterion, finding=finding, reasoning="Checked.", actor=officer
        )


def grant(case: Case, officer: AbstractBaseUser, months: int = 12) -> None:
    assessed(case, officer)
    services.recommend(
        case,
        outcome="grant",
        reasoning="No concern on any criterion.",
        conditions="No re-export without consent.",
        validity_months=months,
        actor=officer,
    )


def test_open_case_goes_to_the_authority_of_the_member_state(
    make_case: MakeCase, authority: Organisation
) -> None:
    case = make_case()
    assert case.authority == authority
    assert case.state == "open"
    assert [d.number for d in case.dossiers.all()] == [1]
    assert history(case)[0].action == "case.open"


def test_open_case_without_an_authority_is_a_clear_error(
    exporter_org: Organisation, exporter_user: AbstractBaseUser
) -> None:
    application = Application.objects.create(
        organisation=exporter_org, kind="individual", title="x", member_state="LU"
    )
    with pytest.raises(services.NoCompetentAuthority, match="Member State 'LU'"):
        services.open_case(application, actor=exporter_user)
    assert not Case.objects.exists()


def test_information_request_pauses_and_the_answer_resumes_the_clock(
    make_case: MakeCase, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    asked = services.request_information(case, question="Who operates the probes?", actor=officer)
    case.refresh_from_db()
    case.application.refresh_from_db()
    assert (case.state, case.application.state) == ("awaiting-exporter", "information-requested")
    assert case.clock_paused_at is not None
    told = Notification.objects.get(user=exporter_user)
    assert "Who operates the probes?" in told.text
    assert told.link == f"/applications/{case.application_id}/"
    # Ten days waiting for the exporter do not count.
    Case.objects.filter(pk=case.pk).update(
        clock_paused_at=case.clock_paused_at - timedelta(days=10),
        opened_at=case.opened_at - timedelta(days=12),
    )
    case.refresh_from_db()
    assert services.processing_seconds(case) == pytest.approx(2 * 86400, abs=5)
    answered = services.receive_information(case, answer="The operator.", actor=exporter_user)
    case.refresh_from_db()
    case.application.refresh_from_db()
    assert answered.pk == asked.pk
    assert answered.answer == "The operator."
    assert answered.answered_by == exporter_user
    assert (case.state, case.application.state) == ("under-review", "submitted")
    assert case.clock_paused_at is None
    assert case.paused_seconds == pytest.approx(10 * 86400, abs=5)
    assert services.processing_seconds(case) == pytest.approx(2 * 86400, abs=5)


def test_an_answer_nobody_asked_for_is_a_conflict(
    make_case: MakeCase, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    case = make_case()
    with pytest.raises(Conflict, match="not waiting"):
        services.receive_information(case, answer="Unasked", actor=exporter_user)


def test_a_question_is_required(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    with pytest.raises(InvalidInput, match="question"):
        services.request_information(case, question="  ", actor=officer)
    case.refresh_from_db()
    assert case.state == "under-review"


def test_assignment_rules(
    make_case: MakeCase,
    officer: AbstractBaseUser,
    second_officer: AbstractBaseUser,
    senior: AbstractBaseUser,
    foreign_officer: AbstractBaseUser,
    coordinator: AbstractBaseUser,
) -> None:
    case = make_case()
    with pytest.raises(Forbidden):
        services.assign(case, to=second_officer, actor=officer)
    with pytest.raises(NotFound):
        services.assign(case, to=coordinator, actor=coordinator)
    with pytest.raises(NotFound):
        services.assign(case, to=foreign_officer, actor=foreign_officer)
    with pytest.raises(InvalidInput, match="not a licensing or senior officer"):
        services.assign(case, to=foreign_officer, actor=senior)
    services.assign(case, to=second_officer, actor=senior)
    assert case.assigned_to == second_officer
    assert case.state == "under-review"
    services.assign(case, to=officer, actor=officer)
    case.refresh_from_db()
    assert case.assigned_to == officer


def test_two_officers_at_once_one_wins(
    make_case: MakeCase, officer: AbstractBaseUser, second_officer: AbstractBaseUser
) -> None:
    case = make_case()
    mine, theirs = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.assign(mine, to=officer, actor=officer)
    with pytest.raises(StaleObject):
        services.assign(theirs, to=second_officer, actor=second_officer)
    case.refresh_from_db()
    assert case.assigned_to == officer
    assert [e.action for e in history(case)].count("case.assign") == 1


def test_two_officers_recommending_at_once_one_wins(
    make_case: MakeCase, officer: AbstractBaseUser, second_officer: AbstractBaseUser
) -> None:
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    assessed(case, officer)
    mine, theirs = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.recommend(mine, outcome="no-licence-required", reasoning="Not listed.", actor=officer)
    with pytest.raises(StaleObject):
        services.recommend(
            theirs, outcome="no-licence-required", reasoning="Mine.", actor=second_officer
        )
    assert case.recommendations.count() == 1


def test_criteria_apply_by_kind(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    individual = make_case()
    services.assign(individual, to=officer, actor=officer)
    with pytest.raises(InvalidInput, match="does not apply"):
        services.assess_criterion(
            individual, criterion="art15-2", finding="no-concern", reasoning="x", actor=officer
        )
    with pytest.raises(InvalidInput, match="finding"):
        services.assess_criterion(
            individual, criterion="cp-2", finding="fine", reasoning="x", actor=officer
        )
    global_case = make_case(kind="global")
    assert Criterion.ICP in services.applicable_criteria(global_case)
    assert Criterion.ICP in services.required_criteria(global_case)
    services.assign(global_case, to=officer, actor=officer)
    services.assess_criterion(
        global_case,
        criterion="art15-2",
        finding="no-concern",
        reasoning="ICP audited",
        actor=officer,
    )
    services.assess_criterion(
        global_case, criterion="art15-2", finding="concern", reasoning="Revised", actor=officer
    )
    assert global_case.assessments.get().finding == "concern"


def test_recommendation_rules(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    with pytest.raises(InvalidInput, match="assess these criteria first"):
        services.recommend(case, outcome="grant", reasoning="x", validity_months=12, actor=officer)
    assessed(case, officer)
    with pytest.raises(InvalidInput, match="validity_months: from 1 to 24"):
        services.recommend(case, outcome="grant", reasoning="x", validity_months=30, actor=officer)
    with pytest.raises(InvalidInput, match="cites the criteria"):
        services.recommend(case, outcome="refuse", reasoning="x", actor=officer)
    with pytest.raises(InvalidInput, match="not assessed as a ground for refusal"):
        services.recommend(
            case, outcome="refuse", reasoning="x", refusal_criteria=["cp-2"], actor=officer
        )
    with pytest.raises(InvalidInput, match="outcome"):
        services.recommend(case, outcome="maybe", reasoning="x", actor=officer)
    case.refresh_from_db()
    assert case.state == "under-review"
    assert not case.recommendations.exists()


def test_large_projects_may_have_four_years(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    case = make_case(kind="large-project")
    services.assign(case, to=officer, actor=officer)
    grant(case, officer, months=48)
    assert case.state == "ready-for-decision"


def test_countersign_rules(
    make_case: MakeCase,
    authority: Organisation,
    officer: AbstractBaseUser,
    senior: AbstractBaseUser,
) -> None:
    plain = make_case(entry="3A001.a", value="1000")
    assert services.countersign_reasons(plain, outcome="grant") == []
    CountersignRule.objects.create(authority=authority, kind=CountersignKind.CYBER_SURVEILLANCE)
    CountersignRule.objects.create(
        authority=authority, kind=CountersignKind.VALUE_ABOVE, value_eur=Decimal(50_000)
    )
    CountersignRule.objects.create(authority=authority, kind=CountersignKind.REFUSAL)
    CountersignRule.objects.create(
        authority=authority, kind=CountersignKind.RISK_AT_LEAST, risk_rating="high"
    )
    CountersignRule.objects.create(authority=authority, kind=CountersignKind.ALWAYS, active=False)
    assert services.countersign_reasons(plain, outcome="grant") == []
    assert services.countersign_reasons(plain, outcome="refuse") == [
        "The recommendation is a refusal"
    ]
    surveillance = make_case(entry="5A001.j", value="120000")
    assert surveillance.cyber_surveillance
    reasons = services.countersign_reasons(surveillance, outcome="grant")
    assert reasons[0] == "A goods line is a cyber-surveillance item"
    assert "120000.00 EUR" in reasons[1]
    Case.objects.filter(pk=plain.pk).update(risk_rating="very-high")
    plain.refresh_from_db()
    assert services.countersign_reasons(plain, outcome="grant") == [
        "The human-rights risk rating is at least the threshold (high): rated very-high"
    ]


def test_countersigning_needs_another_senior_officer(
    make_case: MakeCase,
    authority: Organisation,
    officer: AbstractBaseUser,
    senior: AbstractBaseUser,
) -> None:
    CountersignRule.objects.create(authority=authority, kind=CountersignKind.ALWAYS)
    case = make_case()
    services.assign(case, to=senior, actor=senior)
    grant(case, senior)
    assert case.state == "awaiting-countersignature"
    assert case.needs_countersignature
    with pytest.raises(Conflict, match="countersignature first"):
        services.decide(case, actor=senior)
    with pytest.raises(Forbidden, match="another senior officer"):
        services.countersign(case, actor=senior)
    with pytest.raises(Forbidden):
        services.countersign(case, actor=officer)
    other_senior = person(authority, "simone", Role.SENIOR_OFFICER)
    recommendation = services.countersign(case, actor=other_senior, comment="Agreed.")
    assert recommendation.countersigned_by == other_senior
    assert case.state == "ready-for-decision"
    decision = services.decide(case, actor=officer)
    assert decision.outcome == "grant"


def test_a_senior_officer_may_send_it_back(
    make_case: MakeCase,
    authority: Organisation,
    officer: AbstractBaseUser,
    senior: AbstractBaseUser,
) -> None:
    CountersignRule.objects.create(authority=authority, kind=CountersignKind.ALWAYS)
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    grant(case, officer)
    with pytest.raises(InvalidInput, match="reason"):
        services.return_for_review(case, reason="", actor=senior)
    services.return_for_review(case, reason="Ask for the end-use statement.", actor=senior)
    assert case.state == "under-review"


def test_grant_issues_a_licence(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    grant(case, officer, months=18)
    decision = services.decide(case, actor=officer)
    case.refresh_from_db()
    case.application.refresh_from_db()
    assert (case.state, case.application.state) == ("decided", "granted")
    assert decision.appeal_until is None
    licence = Licence.objects.get(decision=decision)
    assert licence.conditions == "No re-export without consent."
    assert not RestrictiveDecision.objects.exists()
    # The clock stopped at the decision.
    assert case.clock_paused_at is not None
    assert verify().intact


def test_refusal_is_recorded_for_the_other_member_states_and_may_be_appealed(
    make_case: MakeCase,
    authority: Organisation,
    officer: AbstractBaseUser,
    exporter_user: AbstractBaseUser,
    django_capture_on_commit_callbacks: Any,
) -> None:
    CaseSettings.objects.create(authority=authority, appeal_days=14)
    received = []
    restrictive_decision_recorded.connect(
        lambda sender, decision, **kw: received.append(decision), weak=False, dispatch_uid="t"
    )
    try:
        case = make_case()
        services.assign(case, to=officer, actor=officer)
        assessed(case, officer)
        services.assess_criterion(
            case, criterion="cp-2", finding="refusal-ground", reasoning="Clear risk.", actor=officer
        )
        services.recommend(
            case,
            outcome="refuse",
            reasoning="Clear risk of repression.",
            refusal_criteria=["cp-2"],
            actor=officer,
        )
        # Sent once the transaction commits: run the callbacks the test's transaction holds.
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.decide(case, actor=officer)
    finally:
        restrictive_decision_recorded.disconnect(dispatch_uid="t")
    case.application.refresh_from_db()
    assert case.application.state == "refused"
    assert decision.refusal_criteria == ["cp-2"]
    assert decision.appeal_until == timezone.localdate() + timedelta(days=14)
    denial = RestrictiveDecision.objects.get()
    assert (denial.kind, denial.criteria, denial.end_users[0]["name"]) == (
        "refusal",
        ["cp-2"],
        "Gulf Telecom Operations",
    )
    assert denial.destinations == ["AE"]
    assert "criterion 2" in denial.reason
    assert received == [denial]
    assert "you may appeal until" in Notification.objects.get(user=exporter_user).text
    assert not Licence.objects.exists()
    services.reopen_on_appeal(case, reason="New end-use assurances.", actor=exporter_user)
    case.application.refresh_from_db()
    assert (case.state, case.application.state) == ("under-review", "appealed")
    assert case.clock_paused_at is None
    services.recommend(
        case, outcome="refuse", reasoning="Upheld.", refusal_criteria=["cp-2"], actor=officer
    )
    services.decide(case, actor=officer)
    case.application.refresh_from_db()
    assert case.application.state == "refused"
    assert Decision.objects.filter(case=case).count() == 2


def test_an_appeal_after_the_period_is_refused(
    make_case: MakeCase, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    assessed(case, officer, finding=Finding.REFUSAL_GROUND)
    services.recommend(
        case, outcome="refuse", reasoning="x", refusal_criteria=["art15-1-b"], actor=officer
    )
    decision = services.decide(case, actor=officer)
    Decision.objects.filter(pk=decision.pk).update(
        appeal_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Conflict, match="period for an appeal ended"):
        services.reopen_on_appeal(case, reason="Late", actor=exporter_user)


def test_no_licence_required(make_case: MakeCase, officer: AbstractBaseUser) -> None:
    case = make_case(entry="")
    services.assign(case, to=officer, actor=officer)
    services.recommend(
        case, outcome="no-licence-required", reasoning="Not listed, no catch-all.", actor=officer
    )
    services.decide(case, actor=officer)
    case.application.refresh_from_db()
    assert case.application.state == "no-licence-required"
    assert not Licence.objects.exists()
    assert not RestrictiveDecision.objects.exists()


def test_withdrawal_closes_the_case(
    make_case: MakeCase, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    case = make_case()
    services.close_on_withdrawal(case, actor=exporter_user)
    assert case.state == "closed"
    assert case.clock_paused_at is not None
    with pytest.raises(IllegalTransition):
        services.assign(case, to=officer, actor=officer)


def test_notes_are_the_authoritys(
    make_case: MakeCase,
    officer: AbstractBaseUser,
    foreign_officer: AbstractBaseUser,
    exporter_user: AbstractBaseUser,
) -> None:
    case = make_case()
    note = services.add_note(case, text="Called the BAFA desk.", actor=officer)
    assert note.author == officer
    with pytest.raises(NotFound):
        services.add_note(case, text="x", actor=foreign_officer)
    with pytest.raises(NotFound):
        services.add_note(case, text="x", actor=exporter_user)


def test_only_the_applicant_answers_or_appeals(
    make_case: MakeCase, officer: AbstractBaseUser
) -> None:
    case = make_case()
    services.assign(case, to=officer, actor=officer)
    services.request_information(case, question="?", actor=officer)
    _, stranger = exporter("Other Exporter", "mallory")
    with pytest.raises(NotFound):
        services.receive_information(case, answer="!", actor=stranger)
    with pytest.raises(Forbidden):
        services.receive_information(case, answer="!", actor=officer)
    with pytest.raises(NotFound):
        services.reopen_on_appeal(case, reason="x", actor=stranger)
    case.refresh_from_db()
    assert case.state == "awaiting-exporter"
