"""The authority's case endpoints: thin, each one call into the services.

Every schema here is the authority's: an exporter (or anyone outside the competent
authority) gets 404 for every path, so neither the case nor its existence leaks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from licentia.accounts import access
from licentia.accounts.api_auth import token_or_session
from licentia.cases import services
from licentia.cases.models import Case, DossierVersion
from licentia.cases.states import CASE
from licentia.errors import InvalidInput

router = Router(auth=token_or_session)


class QueueIn(Schema):
    state: str = Field("", description="A case state, e.g. open, under-review")
    assigned: str = Field("", description="me or unassigned")
    destination: str = Field("", description="ISO 3166-1 alpha-2 code")
    category: str = Field("", description="Annex I category, 0-9")
    cyber_surveillance: bool | None = None
    risk_rating: str = Field("", description="low, medium, high or very-high")
    older_than_days: int | None = Field(None, ge=0)
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class CaseSummaryOut(Schema):
    id: int
    reference: str
    title: str
    exporter: str
    state: str
    state_description: str
    assigned_to: str | None
    destinations: list[str]
    risk_rating: str
    cyber_surveillance: bool
    opened_at: datetime
    processing_days: float
    version: int


class QueueOut(Schema):
    count: int
    page: int
    counts: dict[str, int]
    cases: list[CaseSummaryOut]


class DossierOut(Schema):
    number: int
    created_at: datetime
    trigger: str
    classification: dict[str, Any]
    determination: dict[str, Any]
    screening: dict[str, Any]
    risk: dict[str, Any]
    prior_denials: dict[str, Any]
    related_cases: list[dict[str, Any]]
    sources: dict[str, Any]


class RequestOut(Schema):
    id: int
    question: str
    asked_by: str | None
    asked_at: datetime
    answer: str
    answered_at: datetime | None


class NoteOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: datetime


class AssessmentOut(Schema):
    criterion: str
    criterion_description: str
    finding: str
    reasoning: str
    assessed_by: str | None
    assessed_at: datetime


class RecommendationOut(Schema):
    id: int
    outcome: str
    reasoning: str
    conditions: str
    refusal_criteria: list[str]
    validity_months: int | None
    recommended_by: str | None
    recommended_at: datetime
    countersigned_by: str | None
    countersigned_at: datetime | None


class DecisionOut(Schema):
    id: int
    outcome: str
    reasoning: str
    conditions: str
    refusal_criteria: list[str]
    decided_by: str | None
    decided_at: datetime
    appeal_until: date | None


class CaseOut(CaseSummaryOut):
    allowed_transitions: list[str]
    needs_countersignature: bool
    countersign_reasons: list[str]
    dossier: DossierOut | None
    information_requests: list[RequestOut]
    notes: list[NoteOut]
    assessments: list[AssessmentOut]
    recommendations: list[RecommendationOut]
    decisions: list[DecisionOut]


class AssignIn(Schema):
    assigned_to: str | None = Field(None, description="Username; omitted: yourself")
    version: int | None = Field(None, description="The case version you read (409 if changed)")


class QuestionIn(Schema):
    question: str = Field(..., max_length=services.MAX_TEXT)
    version: int | None = None


class NoteIn(Schema):
    text: str = Field(..., max_length=services.MAX_TEXT)


class AssessmentIn(Schema):
    criterion: str = Field(..., description="art15-1-a..d, cp-1..cp-8, art15-2")
    finding: str = Field(..., description="no-concern, concern, refusal-ground, not-applicable")
    reasoning: str = Field(..., max_length=services.MAX_TEXT)


class RecommendationIn(Schema):
    outcome: str = Field(..., description="grant, refuse or no-licence-required")
    reasoning: str = Field(..., max_length=services.MAX_TEXT)
    conditions: str = Field("", max_length=services.MAX_TEXT)
    refusal_criteria: list[str] = Field(default_factory=list, max_length=13)
    validity_months: int | None = Field(None, description="For a grant: 1-24 (48 large project)")
    version: int | None = None


class VersionIn(Schema):
    comment: str = Field("", max_length=services.MAX_TEXT)
    version: int | None = None


def _name(user: Any) -> str | None:
    return None if user is None else str(user.get_username())


def _summary(case: Case) -> dict[str, Any]:
    application = case.application
    return {
        "id": case.pk,
        "reference": str(application),
        "title": application.title,
        "exporter": application.organisation.name,
        "state": case.state,
        "state_description": case.status.description,
        "assigned_to": _name(case.assigned_to),
        "destinations": list(application.destinations),
        "risk_rating": case.risk_rating,
        "cyber_surveillance": case.cyber_surveillance,
        "opened_at": case.opened_at,
        "processing_days": round(services.processing_seconds(case) / 86400, 1),
        "version": case.version,
    }


def _dossier(version: DossierVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "number": version.number,
        "created_at": version.created_at,
        "trigger": version.trigger,
        "classification": version.classification,
        "determination": version.determination,
        "screening": version.screening,
        "risk": version.risk,
        "prior_denials": version.prior_denials,
        "related_cases": version.related_cases,
        "sources": version.sources,
    }


def case_out(case: Case) -> dict[str, Any]:
    recommendation = services.latest_recommendation(case)
    return _summary(case) | {
        "allowed_transitions": [str(t) for t in CASE.allowed(case.status)],
        "needs_countersignature": case.needs_countersignature,
        "countersign_reasons": services.countersign_reasons(
            case, outcome=recommendation.outcome if recommendation else ""
        ),
        "dossier": _dossier(services.latest_dossier(case)),
        "information_requests": [
            {
                "id": r.pk,
                "question": r.question,
                "asked_by": _name(r.asked_by),
                "asked_at": r.asked_at,
                "answer": r.answer,
                "answered_at": r.answered_at,
            }
            for r in case.information_requests.select_related("asked_by").order_by("pk")
        ],
        "notes": [
            {"id": n.pk, "author": _name(n.author), "text": n.text, "created_at": n.created_at}
            for n in case.notes.select_related("author").order_by("pk")
        ],
        "assessments": [
            {
                "criterion": a.criterion,
                "criterion_description": a.get_criterion_display(),
                "finding": a.finding,
                "reasoning": a.reasoning,
                "assessed_by": _name(a.assessed_by),
                "assessed_at": a.assessed_at,
            }
            for a in case.assessments.select_related("assessed_by").order_by("criterion")
        ],
        "recommendations": [
            {
                "id": r.pk,
                "outcome": r.outcome,
                "reasoning": r.reasoning,
                "conditions": r.conditions,
                "refusal_criteria": r.refusal_criteria,
                "validity_months": r.validity_months,
                "recommended_by": _name(r.recommended_by),
                "recommended_at": r.recommended_at,
                "countersigned_by": _name(r.countersigned_by),
                "countersigned_at": r.countersigned_at,
            }
            for r in case.recommendations.order_by("pk")
        ],
        "decisions": [
            {
                "id": d.pk,
                "outcome": d.outcome,
                "reasoning": d.reasoning,
                "conditions": d.conditions,
                "refusal_criteria": d.refusal_criteria,
                "decided_by": _name(d.decided_by),
                "decided_at": d.decided_at,
                "appeal_until": d.appeal_until,
            }
            for d in case.decisions.order_by("pk")
        ],
    }


def _case(request: HttpRequest, case_id: int, version: int | None = None) -> Case:
    """The case, if the caller may see it; with `version`, 409 when it changed since."""
    return services.check_version(
        access.get_case(services.require_authority(request.user), case_id), version
    )


@router.get("", response=QueueOut, summary="The authority's queue, with filters and counts")
def queue(request: HttpRequest, filters: Query[QueueIn]) -> dict[str, Any]:
    user = services.require_authority(request.user)
    cases = services.queue(
        user,
        filters=services.QueueFilter(
            state=filters.state,
            assigned=filters.assigned,
            destination=filters.destination,
            category=filters.category,
            cyber_surveillance=filters.cyber_surveillance,
            risk_rating=filters.risk_rating,
            older_than_days=filters.older_than_days,
        ),
    )
    start = (filters.page - 1) * filters.per_page
    return {
        "count": cases.count(),
        "page": filters.page,
        "counts": services.queue_counts(user),
        "cases": [_summary(c) for c in cases[start : start + filters.per_page]],
    }


@router.get("/{case_id}", response=CaseOut, summary="One case with its latest dossier")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return case_out(_case(request, case_id))


@router.get(
    "/{case_id}/dossiers", response=list[DossierOut], summary="Every dossier version, newest first"
)
def dossiers(request: HttpRequest, case_id: int) -> list[dict[str, Any] | None]:
    return [_dossier(d) for d in _case(request, case_id).dossiers.order_by("-number")]


@router.post(
    "/{case_id}/dossiers",
    response={201: DossierOut},
    summary="Run the automatic checks again (a new dossier version)",
)
def rerun(request: HttpRequest, case_id: int) -> Status:
    case = _case(request, case_id)
    services.require_caseworker(request.user, case)
    version = services.run_dossier(case, trigger="on demand", actor=request.user)
    return Status(201, _dossier(version))


@router.post("/{case_id}/assign", response=CaseOut, summary="Assign the case")
def assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    case = _case(request, case_id, payload.version)
    to = request.user
    if payload.assigned_to:
        found = get_user_model().objects.filter(username=payload.assigned_to).first()
        if found is None:
            raise InvalidInput(
                f"assigned_to: no user {payload.assigned_to!r}", details={"field": "assigned_to"}
            )
        to = found
    services.assign(case, to=to, actor=request.user)
    return case_out(case)


@router.post(
    "/{case_id}/information-requests",
    response={201: RequestOut},
    summary="Ask the exporter (the clock pauses until the answer)",
)
def request_information(request: HttpRequest, case_id: int, payload: QuestionIn) -> Status:
    case = _case(request, case_id, payload.version)
    asked = services.request_information(case, question=payload.question, actor=request.user)
    return Status(
        201,
        {
            "id": asked.pk,
            "question": asked.question,
            "asked_by": _name(asked.asked_by),
            "asked_at": asked.asked_at,
            "answer": "",
            "answered_at": None,
        },
    )


@router.post("/{case_id}/notes", response={201: NoteOut}, summary="Add an internal note")
def add_note(request: HttpRequest, case_id: int, payload: NoteIn) -> Status:
    note = services.add_note(_case(request, case_id), text=payload.text, actor=request.user)
    return Status(
        201,
        {
            "id": note.pk,
            "author": _name(note.author),
            "text": note.text,
            "created_at": note.created_at,
        },
    )


@router.put(
    "/{case_id}/assessments", response=AssessmentOut, summary="Assess (or revise) one criterion"
)
def assess(request: HttpRequest, case_id: int, payload: AssessmentIn) -> dict[str, Any]:
    assessment = services.assess_criterion(
        _case(request, case_id),
        criterion=payload.criterion,
        finding=payload.finding,
        reasoning=payload.reasoning,
        actor=request.user,
    )
    return {
        "criterion": assessment.criterion,
        "criterion_description": assessment.get_criterion_display(),
        "finding": assessment.finding,
        "reasoning": assessment.reasoning,
        "assessed_by": _name(assessment.assessed_by),
        "assessed_at": assessment.assessed_at,
    }


@router.post("/{case_id}/recommendation", response={201: CaseOut}, summary="Recommend")
def recommend(request: HttpRequest, case_id: int, payload: RecommendationIn) -> Status:
    case = _case(request, case_id, payload.version)
    services.recommend(
        case,
        outcome=payload.outcome,
        reasoning=payload.reasoning,
        conditions=payload.conditions,
        refusal_criteria=payload.refusal_criteria,
        validity_months=payload.validity_months,
        actor=request.user,
    )
    return Status(201, case_out(case))


@router.post("/{case_id}/countersign", response=CaseOut, summary="Countersign (senior officer)")
def countersign(request: HttpRequest, case_id: int, payload: VersionIn) -> dict[str, Any]:
    case = _case(request, case_id, payload.version)
    services.countersign(case, actor=request.user, comment=payload.comment)
    return case_out(case)


@router.post(
    "/{case_id}/return", response=CaseOut, summary="Send the recommendation back for review"
)
def return_for_review(request: HttpRequest, case_id: int, payload: VersionIn) -> dict[str, Any]:
    case = _case(request, case_id, payload.version)
    services.return_for_review(case, reason=payload.comment, actor=request.user)
    return case_out(case)


@router.post("/{case_id}/decision", response={201: CaseOut}, summary="Decide as recommended")
def decide(request: HttpRequest, case_id: int, payload: VersionIn) -> Status:
    case = _case(request, case_id, payload.version)
    services.decide(case, actor=request.user)
    return Status(201, case_out(case))
