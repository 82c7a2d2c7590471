"""The authority's work on a case: business rules, keyword-only arguments, no requests.

Every state change goes through `licentia.audit.services.apply_transition` with the tables
in `cases/states.py` and `applications/states.py`; when a step moves both the case and the
application, both move in one transaction or neither does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from licentia.accounts import access
from licentia.accounts.access import Actor as AccessActor
from licentia.accounts.access import Forbidden
from licentia.accounts.models import Organisation, OrganisationKind, Role
from licentia.applications.models import Application, ApplicationKind, GoodsLine
from licentia.applications.states import APPLICATION, ApplicationState, ApplicationTransition
from licentia.audit.services import Actor, apply_transition, record
from licentia.cases import dossier as checks
from licentia.cases.dossier import RATING_ORDER, total_value
from licentia.cases.models import (
    Case,
    CaseSettings,
    CountersignKind,
    CountersignRule,
    Criterion,
    CriterionAssessment,
    Decision,
    DossierVersion,
    Finding,
    InformationRequest,
    Note,
    Outcome,
    Recommendation,
    RestrictiveKind,
)
from licentia.cases.restrictive import record_restrictive_decision
from licentia.cases.states import CASE, CaseState, CaseTransition
from licentia.coordination import decisions as coordination
from licentia.errors import Conflict, IllegalTransition, InvalidInput, NotFound, StaleObject
from licentia.licences import services as licences
from licentia.lookups import json_list_contains
from licentia.notifications.services import notify
from licentia.risk.config import Rating

log = logging.getLogger(__name__)

MAX_TEXT = 20_000
DEFAULT_APPEAL_DAYS = 30
DEFAULT_RERUN_LIMIT = 500
# Art 12(4) of Regulation (EU) 2021/821: up to two years; up to four for large projects.
MAX_VALIDITY = 24
MAX_LARGE_PROJECT_VALIDITY = 48


class NoCompetentAuthority(Conflict):
    """No competent authority of the application's Member State is registered."""

    code = "no_competent_authority"


# -- opening and the dossier -------------------------------------------------------------


def competent_authority(member_state: str) -> Organisation:
    """The competent authority of `member_state` (Art 12(2)); the first registered one."""
    authority = (
        Organisation.objects.filter(kind=OrganisationKind.AUTHORITY, member_state=member_state)
        .order_by("pk")
        .first()
    )
    if authority is None:
        raise NoCompetentAuthority(
            f"no competent authority of Member State {member_state!r} is registered in "
            "Licentia, so the application cannot be received; an administrator must add it",
            details={"field": "member_state", "member_state": member_state},
        )
    return authority


def prepare_dossier(application: Application) -> checks.Dossier:
    """The first dossier of an application about to be submitted, for `open_case(built=...)`.

    The checks only read, so the submission builds them before it takes the locks every
    submission queues for (the reference counter, the audit chain): concurrent submissions
    then wait for each other only while they write, not while the checks run.
    """
    authority = competent_authority(application.member_state)
    return checks.build(Case(application=application, authority=authority))


def open_case(
    application: Application, *, actor: Actor, built: checks.Dossier | None = None
) -> Case:
    """Open the case of a submitted application at its competent authority and run the first
    dossier (or store `built`, from `prepare_dossier`). Called by the submission inside its
    transaction."""
    authority = competent_authority(application.member_state)
    with transaction.atomic():
        case = Case.objects.create(application=application, authority=authority)
        record(
            actor=actor,
            action="case.open",
            obj=case,
            to_state=case.state,
            payload={"application": application.pk, "authority": authority.pk},
        )
        run_dossier(case, trigger="submission", actor=actor, built=built)
    return case


def run_dossier(
    case: Case, *, trigger: str, actor: Actor, built: checks.Dossier | None = None
) -> DossierVersion:
    """A new dossier version with every automatic check; earlier versions stay as they were."""
    if built is None:
        built = checks.build(case)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        last = locked.dossiers.order_by("-number").values_list("number", flat=True).first()
        version = DossierVersion.objects.create(
            case=locked,
            number=(last or 0) + 1,
            trigger=trigger[:60],
            determination=built.determination,
            screening=built.screening,
            risk=built.risk,
            classification=built.classification,
            prior_denials=coordination.prior_denials_section(case, built.prior_denials),
            related_cases=built.related_cases,
            sources=built.sources,
        )
        Case.objects.filter(pk=case.pk).update(
            risk_rating=built.risk_rating, cyber_surveillance=built.cyber_surveillance
        )
        case.risk_rating, case.cyber_surveillance = built.risk_rating, built.cyber_surveillance
        record(
            actor=actor,
            action="case.dossier",
            obj=case,
            payload={"number": version.number, "trigger": version.trigger},
        )
    return version


def latest_dossier(case: Case) -> DossierVersion | None:
    return case.dossiers.order_by("-number").first()


# -- the processing clock ----------------------------------------------------------------


def processing_seconds(case: Case, *, now: datetime | None = None) -> int:
    """Time the authority has had the case, without the time spent waiting for the exporter."""
    end = now or timezone.now()
    if case.clock_paused_at is not None:
        end = min(end, case.clock_paused_at)
    return max(0, int((end - case.opened_at).total_seconds()) - case.paused_seconds)


def _stopped_clock(case: Case) -> dict[str, object]:
    """The clock stops (a paused clock stays paused where it stopped)."""
    return {} if case.clock_paused_at is not None else {"clock_paused_at": timezone.now()}


def _resumed_clock(case: Case) -> dict[str, object]:
    paused = 0
    if case.clock_paused_at is not None:
        paused = int((timezone.now() - case.clock_paused_at).total_seconds())
    return {"clock_paused_at": None, "paused_seconds": case.paused_seconds + max(0, paused)}


# -- requests for information ------------------------------------------------------------


def request_information(case: Case, *, question: str, actor: Actor) -> InformationRequest:
    """Ask the exporter: the case waits for the exporter (the clock pauses) and the application
    shows the request."""
    question = _text(question, "question")
    application = case.application
    with transaction.atomic():
        apply_transition(
            case,
            CASE,
            CaseTransition.REQUEST_INFORMATION,
            actor=actor,
            reason=question,
            changes={"clock_paused_at": timezone.now()},
        )
        apply_transition(
            application,
            APPLICATION,
            ApplicationTransition.REQUEST_INFORMATION,
            actor=actor,
            reason=question,
        )
        asked = InformationRequest.objects.create(
            case=case, question=question, asked_by=_user(actor)
        )
        _tell_exporter(
            application,
            f"The authority asks for information on application {application}: {question}",
        )
    return asked


def open_request(case: Case) -> InformationRequest | None:
    return case.information_requests.filter(answered_at__isnull=True).order_by("-pk").first()


def receive_information(case: Case, *, answer: str, actor: Actor) -> InformationRequest:
    """The exporter's answer: stored on the open request, the case is back under review (the
    clock resumes) and the application is submitted again. Both transitions happen here."""
    require_applicant(actor, case)
    answer = _text(answer, "answer")
    request = open_request(case)
    if request is None or case.status is not CaseState.AWAITING_EXPORTER:
        raise Conflict(
            "the authority is not waiting for information on this application",
            details={"case": case.pk, "state": case.state},
        )
    with transaction.atomic():
        apply_transition(
            case,
            CASE,
            CaseTransition.RECEIVE_INFORMATION,
            actor=actor,
            payload={"request": request.pk},
            changes=_resumed_clock(case),
        )
        apply_transition(
            case.application,
            APPLICATION,
            ApplicationTransition.PROVIDE_INFORMATION,
            actor=actor,
            payload={"request": request.pk},
        )
        request.answer = answer
        request.answered_by = _user(actor)
        request.answered_at = timezone.now()
        request.save(update_fields=["answer", "answered_by", "answered_at"])
    return request


def close_on_withdrawal(case: Case, *, actor: Actor) -> None:
    """The exporter withdrew the application: the case closes without a decision (the clock
    stops where it is)."""
    apply_transition(case, CASE, CaseTransition.CLOSE, actor=actor, changes=_stopped_clock(case))


def _tell_exporter(application: Application, text: str) -> None:
    notify(
        application.organisation,
        text,
        reverse("applications:detail", args=[application.pk]),
    )


def _user(actor: Actor) -> AbstractBaseUser | None:
    return actor if isinstance(actor, AbstractBaseUser) else None


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{field}: required", details={"field": field})
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{field}: longer than {MAX_TEXT} characters", details={"field": field})
    return value


# -- who may act -------------------------------------------------------------------------

_CASEWORKERS = (Role.LICENSING_OFFICER, Role.SENIOR_OFFICER)


def require_caseworker(actor: Actor, case: Case, *, senior: bool = False) -> AccessActor:
    """A licensing or senior officer of the case's authority (404 for anyone else's case)."""
    if not isinstance(actor, AbstractBaseUser):
        raise Forbidden("this needs a signed-in officer")
    who = access.actor_of(actor)
    if not who.is_officer or who.organisation.pk != case.authority_id:
        raise NotFound(f"no case {case.pk} that you may see")
    if senior:
        return access.require_officer(actor, senior=True)
    return access.require(actor, *_CASEWORKERS)


def require_applicant(actor: Actor, case: Case) -> AccessActor:
    """A member of the exporter that made the application (404 for anyone else)."""
    if not isinstance(actor, AbstractBaseUser):
        raise Forbidden("this needs a signed-in exporter")
    who = access.require_exporter(actor)
    if who.organisation.pk != case.application.organisation_id:
        raise NotFound(f"no application {case.application_id} that you may see")
    return who


def require_authority(user: AbstractBaseUser | AnonymousUser) -> AbstractBaseUser:
    """The user, if they act for a competent authority; `NotFound` for everyone else, so an
    exporter learns nothing of the authority's console."""
    if not isinstance(user, AbstractBaseUser) or not access.actor_of(user).is_officer:
        raise NotFound("no such page")
    return user


def check_version(case: Case, version: int | None) -> Case:
    """With the version the user read: `StaleObject` (409) when the case changed since."""
    if version is not None and version != case.version:
        raise StaleObject(
            f"case {case.pk} was changed by someone else (version {case.version}, you read "
            f"{version}); reload it and try again",
            details={"object": "cases.case", "id": case.pk},
        )
    return case


# -- the queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    """What an officer narrows the queue to; every field is optional."""

    state: str = ""
    assigned: str = ""  # "me", "unassigned" or ""
    destination: str = ""
    category: str = ""  # Annex I category 0-9
    cyber_surveillance: bool | None = None
    risk_rating: str = ""
    older_than_days: int | None = None


ACTIVE_STATES = tuple(s.value for s in CaseState if s not in (CaseState.DECIDED, CaseState.CLOSED))


def queue(user: AbstractBaseUser, *, filters: QueueFilter | None = None) -> QuerySet[Case]:
    """The authority's cases, narrowed by `filters`, oldest first within priority."""
    chosen = filters or QueueFilter()
    cases = access.cases_for(user).select_related(
        "application", "application__organisation", "assigned_to"
    )
    if chosen.state:
        if chosen.state not in CaseState.__members__.values():
            raise InvalidInput(f"state: unknown state {chosen.state!r}", details={"field": "state"})
        cases = cases.filter(state=chosen.state)
    if chosen.assigned == "me":
        cases = cases.filter(assigned_to=user)
    elif chosen.assigned == "unassigned":
        cases = cases.filter(assigned_to__isnull=True)
    elif chosen.assigned:
        raise InvalidInput("assigned: choose me or unassigned", details={"field": "assigned"})
    if chosen.destination:
        code = chosen.destination.strip().upper()
        if not (len(code) == 2 and code.isalpha()):
            raise InvalidInput(
                f"destination: {chosen.destination!r} is not an ISO 3166-1 alpha-2 code",
                details={"field": "destination"},
            )
        # On PostgreSQL, served by a GIN index (applications migration 0004).
        cases = cases.filter(json_list_contains("application__destinations", code))
    if chosen.category:
        if chosen.category not in "0123456789" or len(chosen.category) != 1:
            raise InvalidInput(
                "category: an Annex I category is one digit, 0 to 9", details={"field": "category"}
            )
        cases = cases.filter(
            Exists(
                GoodsLine.objects.filter(
                    application=OuterRef("application"), control_entry__startswith=chosen.category
                )
            )
        )
    if chosen.cyber_surveillance is not None:
        cases = cases.filter(cyber_surveillance=chosen.cyber_surveillance)
    if chosen.risk_rating:
        if chosen.risk_rating not in Rating.__members__.values():
            raise InvalidInput(
                f"risk_rating: choose one of {', '.join(r.value for r in Rating)}",
                details={"field": "risk_rating"},
            )
        cases = cases.filter(risk_rating=chosen.risk_rating)
    if chosen.older_than_days is not None:
        if chosen.older_than_days < 0:
            raise InvalidInput(
                "older_than_days: not negative", details={"field": "older_than_days"}
            )
        cases = cases.filter(opened_at__lte=timezone.now() - timedelta(days=chosen.older_than_days))
    return cases


def queue_counts(user: AbstractBaseUser) -> dict[str, int]:
    """How many of the authority's cases are in each state, and assigned to the user."""
    # One pass over the authority's cases: one query, not one per figure.
    active = Q(state__in=ACTIVE_STATES)
    states = list(CaseState)
    found = access.cases_for(user).aggregate(
        **{f"state{n}": Count("pk", filter=Q(state=s.value)) for n, s in enumerate(states)},
        mine=Count("pk", filter=active & Q(assigned_to=user)),
        unassigned=Count("pk", filter=active & Q(assigned_to__isnull=True)),
    )
    counts = {s.value: found[f"state{n}"] or 0 for n, s in enumerate(states)}
    counts["mine"] = found["mine"] or 0
    counts["unassigned"] = found["unassigned"] or 0
    return counts


# -- assignment --------------------------------------------------------------------------


def assign(case: Case, *, to: AbstractBaseUser, actor: Actor) -> Case:
    """Assign the case: officers take it themselves; a senior officer or the authority's
    administrator assigns anyone of the authority's caseworkers."""
    if not isinstance(actor, AbstractBaseUser):
        raise Forbidden("this needs a signed-in officer")
    who = access.actor_of(actor)
    if not who.is_officer or who.organisation.pk != case.authority_id:
        raise NotFound(f"no case {case.pk} that you may see")
    if to.pk == actor.pk:
        access.require(actor, *_CASEWORKERS)
    else:
        access.require(actor, Role.SENIOR_OFFICER, Role.AUTHORITY_ADMINISTRATOR)
        assignee = access.actor_of(to)
        if assignee.organisation.pk != case.authority_id or assignee.role not in _CASEWORKERS:
            raise InvalidInput(
                f"assigned_to: {to.get_username()} is not a licensing or senior officer of "
                f"{case.authority}",
                details={"field": "assigned_to"},
            )
    apply_transition(
        case,
        CASE,
        CaseTransition.ASSIGN,
        actor=actor,
        payload={"assigned_to": to.get_username()},
        changes={"assigned_to": to},
    )
    return case


# -- notes and assessments ---------------------------------------------------------------


def add_note(case: Case, *, text: str, actor: Actor) -> Note:
    """An internal note: the authority's only, never shown to the exporter."""
    require_caseworker(actor, case)
    with transaction.atomic():
        note = Note.objects.create(case=case, author=_user(actor), text=_text(text, "text"))
        record(actor=actor, action="case.note", obj=case, payload={"note": note.pk})
    return note


def applicable_criteria(case: Case) -> list[Criterion]:
    """Art 15(1)(a)-(d) and the eight CP criteria always; Art 15(2) for global licences."""
    criteria = list(Criterion)
    if case.application.kind != ApplicationKind.GLOBAL:
        criteria.remove(Criterion.ICP)
    return criteria


REQUIRED_CRITERIA = (
    Criterion.INTERNATIONAL_OBLIGATIONS,
    Criterion.SANCTIONS,
    Criterion.FOREIGN_SECURITY_POLICY,
    Criterion.END_USE_DIVERSION,
)


def required_criteria(case: Case) -> list[Criterion]:
    """The criteria every grant or refusal must have assessed."""
    required = list(REQUIRED_CRITERIA)
    if case.application.kind == ApplicationKind.GLOBAL:
        required.append(Criterion.ICP)
    return required


def assess_criterion(
    case: Case, *, criterion: str, finding: str, reasoning: str, actor: Actor
) -> CriterionAssessment:
    """Record (or revise) the assessment of one criterion while the case is under review."""
    require_caseworker(actor, case)
    if case.status not in (CaseState.UNDER_REVIEW, CaseState.AWAITING_EXPORTER):
        raise IllegalTransition(
            f"criteria are assessed while the case is under review, not when {case.state}",
            details={"state": case.state},
        )
    if criterion not in {c.value for c in applicable_criteria(case)}:
        raise InvalidInput(
            f"criterion: {criterion!r} does not apply to this application; choose from "
            f"{', '.join(c.value for c in applicable_criteria(case))}",
            details={"field": "criterion"},
        )
    if finding not in Finding.values:
        raise InvalidInput(
            f"finding: choose one of {', '.join(Finding.values)}", details={"field": "finding"}
        )
    reasoning = _text(reasoning, "reasoning")
    with transaction.atomic():
        assessment, _ = CriterionAssessment.objects.update_or_create(
            case=case,
            criterion=criterion,
            defaults={"finding": finding, "reasoning": reasoning, "assessed_by": _user(actor)},
        )
        record(
            actor=actor,
            action="case.assess",
            obj=case,
            payload={"criterion": criterion, "finding": finding},
        )
    return assessment


# -- recommendation and countersigning ---------------------------------------------------


def countersign_reasons(case: Case, *, outcome: str) -> list[str]:
    """Why the authority's rules require a senior officer's countersignature (empty: not)."""
    value = total_value(list(case.application.goods_lines.all()))
    rules = CountersignRule.objects.filter(authority_id=case.authority_id, active=True)
    return [
        reason for reason in (_rule_applies(rule, case, outcome, value) for rule in rules) if reason
    ]


def _rule_applies(rule: CountersignRule, case: Case, outcome: str, value: Decimal) -> str:
    kind = CountersignKind(rule.kind)
    if kind is CountersignKind.RISK_AT_LEAST:
        if not (case.risk_rating and rule.risk_rating in Rating.__members__.values()):
            return ""
        rated, threshold = Rating(case.risk_rating), Rating(rule.risk_rating)
        if RATING_ORDER.index(rated) < RATING_ORDER.index(threshold):
            return ""
        return f"{kind.label} ({threshold.value}): rated {rated.value}"
    if kind is CountersignKind.VALUE_ABOVE:
        if rule.value_eur is None or value <= rule.value_eur:
            return ""
        return f"{kind.label} ({rule.value_eur} EUR): {value} EUR"
    applies = {
        CountersignKind.ALWAYS: True,
        CountersignKind.CYBER_SURVEILLANCE: case.cyber_surveillance,
        CountersignKind.REFUSAL: outcome == Outcome.REFUSE,
    }[kind]
    return str(kind.label) if applies else ""


def recommend(
    case: Case,
    *,
    outcome: str,
    reasoning: str,
    actor: Actor,
    conditions: str = "",
    refusal_criteria: Sequence[str] = (),
    validity_months: int | None = None,
) -> Recommendation:
    """The officer's recommendation; it goes to a senior officer when a countersign rule
    applies, and is otherwise ready for decision."""
    require_caseworker(actor, case)
    reasoning = _text(reasoning, "reasoning")
    _check_recommendation(case, outcome, refusal_criteria, validity_months)
    reasons = countersign_reasons(case, outcome=outcome)
    with transaction.atomic():
        apply_transition(
            case,
            CASE,
            CaseTransition.RECOMMEND,
            actor=actor,
            payload={"outcome": outcome},
            changes={"needs_countersignature": bool(reasons)},
        )
        recommendation = Recommendation.objects.create(
            case=case,
            outcome=outcome,
            reasoning=reasoning,
            conditions=conditions.strip() if outcome == Outcome.GRANT else "",
            refusal_criteria=list(dict.fromkeys(refusal_criteria))
            if outcome == Outcome.REFUSE
            else [],
            validity_months=validity_months if outcome == Outcome.GRANT else None,
            recommended_by=_user(actor),
        )
        if reasons:
            apply_transition(
                case,
                CASE,
                CaseTransition.ASK_COUNTERSIGNATURE,
                actor=actor,
                reason="; ".join(reasons),
            )
        else:
            apply_transition(case, CASE, CaseTransition.CLEAR_FOR_DECISION, actor=actor)
    return recommendation


def _check_recommendation(
    case: Case, outcome: str, refusal_criteria: Sequence[str], validity_months: int | None
) -> None:
    if outcome not in Outcome.values:
        raise InvalidInput(
            f"outcome: choose one of {', '.join(Outcome.values)}", details={"field": "outcome"}
        )
    if outcome == Outcome.NO_LICENCE_REQUIRED:
        return
    assessed = {
        a.criterion: a.finding
        for a in case.assessments.all()
        if a.finding != Finding.NOT_APPLICABLE
    } | {a.criterion: a.finding for a in case.assessments.filter(finding=Finding.NOT_APPLICABLE)}
    missing = [c for c in required_criteria(case) if c.value not in assessed]
    if missing:
        raise InvalidInput(
            "assessments: assess these criteria first: " + "; ".join(str(c.label) for c in missing),
            details={"field": "assessments", "missing": [c.value for c in missing]},
        )
    if outcome == Outcome.GRANT:
        limit = (
            MAX_LARGE_PROJECT_VALIDITY
            if case.application.kind == "large-project"
            else (MAX_VALIDITY)
        )
        if validity_months is None or not 1 <= validity_months <= limit:
            raise InvalidInput(
                f"validity_months: from 1 to {limit} months (Art 12(4))",
                details={"field": "validity_months"},
            )
        grounds = [c for c, f in assessed.items() if f == Finding.REFUSAL_GROUND]
        if grounds:
            raise InvalidInput(
                f"outcome: criteria {', '.join(grounds)} are assessed as grounds for refusal; "
                "revise the assessment or recommend a refusal",
                details={"field": "outcome"},
            )
        return
    codes = list(dict.fromkeys(refusal_criteria))
    if not codes:
        raise InvalidInput(
            "refusal_criteria: a refusal cites the criteria it rests on",
            details={"field": "refusal_criteria"},
        )
    not_grounds = [c for c in codes if assessed.get(c) != Finding.REFUSAL_GROUND]
    if not_grounds:
        raise InvalidInput(
            f"refusal_criteria: {', '.join(not_grounds)} not assessed as a ground for refusal",
            details={"field": "refusal_criteria"},
        )


def latest_recommendation(case: Case) -> Recommendation | None:
    return case.recommendations.order_by("-recommended_at", "-pk").first()


def countersign(case: Case, *, actor: Actor, comment: str = "") -> Recommendation:
    """A senior officer, other than the one who recommended, countersigns."""
    require_caseworker(actor, case, senior=True)
    recommendation = latest_recommendation(case)
    if recommendation is None:
        raise Conflict("there is no recommendation to countersign", details={"case": case.pk})
    if recommendation.recommended_by_id == getattr(actor, "pk", None):
        raise Forbidden(
            "a recommendation is countersigned by another senior officer than the one who made it"
        )
    with transaction.atomic():
        apply_transition(
            case, CASE, CaseTransition.COUNTERSIGN, actor=actor, reason=comment.strip()
        )
        recommendation.countersigned_by = _user(actor)
        recommendation.countersigned_at = timezone.now()
        recommendation.save(update_fields=["countersigned_by", "countersigned_at"])
    return recommendation


def return_for_review(case: Case, *, reason: str, actor: Actor) -> Case:
    """Send a recommendation back to the officer (a senior officer declines to countersign, or
    the officer revises it before the decision)."""
    require_caseworker(actor, case)
    apply_transition(case, CASE, CaseTransition.RETURN_FOR_REVIEW, actor=actor, reason=reason)
    return case


# -- decision and appeal -----------------------------------------------------------------


def appeal_days(authority_id: int) -> int:
    stored = CaseSettings.objects.filter(authority_id=authority_id).first()
    return stored.appeal_days if stored is not None else DEFAULT_APPEAL_DAYS


_APPLICATION_DECISION = {
    Outcome.GRANT: ApplicationTransition.GRANT,
    Outcome.REFUSE: ApplicationTransition.REFUSE,
    Outcome.NO_LICENCE_REQUIRED: ApplicationTransition.DECIDE_NO_LICENCE_REQUIRED,
}


def decide(case: Case, *, actor: Actor) -> Decision:
    """Decide as recommended (and countersigned where required): the case is decided, the
    application granted, refused or found to need no licence; a grant issues the licence, a
    refusal is recorded for the other Member States and may be appealed until `appeal_until`.
    """
    require_caseworker(actor, case)
    recommendation = latest_recommendation(case)
    if recommendation is None:
        raise Conflict("there is no recommendation to decide on", details={"case": case.pk})
    if case.needs_countersignature and recommendation.countersigned_at is None:
        raise Conflict(
            "the recommendation needs a senior officer's countersignature first",
            details={"case": case.pk},
        )
    outcome = Outcome(recommendation.outcome)
    application = case.application
    refusal_reason = _refusal_reason(recommendation) if outcome is Outcome.REFUSE else ""
    with transaction.atomic():
        coordination.on_decision(case, outcome=outcome, actor=actor)
        apply_transition(
            case,
            CASE,
            CaseTransition.DECIDE,
            actor=actor,
            reason=refusal_reason,
            payload={"outcome": outcome.value},
            changes=_stopped_clock(case),
        )
        name = _APPLICATION_DECISION[outcome]
        if outcome is Outcome.REFUSE and application.status is ApplicationState.APPEALED:
            name = ApplicationTransition.UPHOLD_REFUSAL
        apply_transition(application, APPLICATION, name, actor=actor, reason=refusal_reason)
        decision = Decision.objects.create(
            case=case,
            outcome=outcome,
            reasoning=recommendation.reasoning,
            conditions=recommendation.conditions,
            refusal_criteria=recommendation.refusal_criteria,
            decided_by=_user(actor),
            appeal_until=timezone.localdate() + timedelta(days=appeal_days(case.authority_id))
            if outcome is Outcome.REFUSE
            else None,
        )
        record(
            actor=actor,
            action=f"decision.{outcome.value}",
            obj=decision,
            reason=refusal_reason,
            payload={"case": case.pk, "recommendation": recommendation.pk},
        )
        if outcome is Outcome.GRANT:
            # The licences service tells the holder that the licence was issued.
            licences.issue_licence(decision, actor=actor)
        else:
            _tell_exporter(
                application,
                f"The authority decided on application {application}: "
                f"{decision.get_outcome_display()}"
                + (
                    f"; you may appeal until {decision.appeal_until.isoformat()}"
                    if decision.appeal_until
                    else ""
                ),
            )
        if outcome is Outcome.REFUSE:
            record_restrictive_decision(
                kind=RestrictiveKind.REFUSAL,
                case=case,
                reason=refusal_reason,
                criteria=recommendation.refusal_criteria,
                actor=actor,
                decided_at=decision.decided_at,
            )
    return decision


def _refusal_reason(recommendation: Recommendation) -> str:
    cited = "; ".join(
        f"{code}: {Criterion(code).label}" for code in recommendation.refusal_criteria
    )
    return f"Refused on {cited}. {recommendation.reasoning}"


def latest_decision(case: Case) -> Decision | None:
    return case.decisions.order_by("-decided_at", "-pk").first()


def reopen_on_appeal(case: Case, *, reason: str, actor: Actor) -> Case:
    """The exporter appeals a refusal within the period: the application is appealed and the
    case is back under review (its clock runs again)."""
    require_applicant(actor, case)
    decision = latest_decision(case)
    if decision is None or decision.outcome != Outcome.REFUSE:
        raise Conflict("only a refusal can be appealed", details={"case": case.pk})
    if decision.appeal_until is not None and timezone.localdate() > decision.appeal_until:
        raise Conflict(
            f"the period for an appeal ended on {decision.appeal_until.isoformat()}",
            details={"appeal_until": decision.appeal_until.isoformat()},
        )
    with transaction.atomic():
        apply_transition(
            case.application, APPLICATION, ApplicationTransition.APPEAL, actor=actor, reason=reason
        )
        apply_transition(
            case,
            CASE,
            CaseTransition.REOPEN_ON_APPEAL,
            actor=actor,
            reason=reason,
            changes=_resumed_clock(case),
        )
    return case


# -- re-running dossiers when lists change -----------------------------------------------


def rerun_open_dossiers(*, trigger: str) -> int:
    """A new dossier for each open case, oldest first, at most `LICENTIA_DOSSIER_RERUN_LIMIT`;
    logs how many ran, failed and were left for the next update."""
    limit = int(getattr(settings, "LICENTIA_DOSSIER_RERUN_LIMIT", DEFAULT_RERUN_LIMIT))
    open_cases = Case.objects.filter(state__in=ACTIVE_STATES).order_by("opened_at", "pk")
    total = open_cases.count()
    ran = failed = 0
    for case in open_cases.select_related("application", "authority")[:limit]:
        try:
            run_dossier(case, trigger=trigger, actor=None)
        except Exception:  # one case's failure must not stop the others
            failed += 1
            log.exception("dossier of case %s could not be re-run after %s", case.pk, trigger)
        else:
            ran += 1
    log.info(
        "%s: re-ran %d dossier(s), %d failed, %d open case(s) left beyond the limit of %d",
        trigger,
        ran,
        failed,
        max(0, total - limit),
        limit,
    )
    return ran


def on_party_list_activated(sender: object, **kwargs: Any) -> None:
    version = kwargs.get("version")
    trigger = f"party list update: {getattr(version, 'source', 'list')}"
    transaction.on_commit(lambda: rerun_open_dossiers(trigger=trigger))


def on_control_list_imported(sender: object, **kwargs: Any) -> None:
    version = kwargs.get("list_version")
    trigger = f"control list update: {getattr(version, 'version', 'list')}"
    transaction.on_commit(lambda: rerun_open_dossiers(trigger=trigger))
