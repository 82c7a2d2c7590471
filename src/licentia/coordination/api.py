"""Coordination endpoints under /api/v1/coordination/: thin, one service call each.

Authorities' people only: an exporter gets 404 on every path, so no denial of any state
leaks; the coordination role reads and gets 403 on every change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Protocol

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from licentia.accounts.api_auth import token_or_session
from licentia.coordination import (
    access,
    analytics,
    catchall,
    consultations,
    decisions,
    denials,
    queries,
)
from licentia.coordination.models import (
    CatchAllNotice,
    CatchAllReview,
    Consultation,
    DenialNotice,
    GrantDespiteDenial,
)
from licentia.coordination.states import CONSULTATION, DENIAL

router = Router(auth=token_or_session)


class DenialOut(Schema):
    id: int
    uid: str
    kind: str
    kind_description: str
    state: str
    state_description: str
    version: int
    member_state: str
    authority: str
    local: bool
    decided_on: date
    notified_on: date
    review_due: date
    reviewed_on: date | None
    criteria: list[str]
    reasoning: str
    items: list[dict[str, Any]]
    end_users: list[dict[str, Any]]
    consignees: list[dict[str, Any]]
    destinations: list[str]
    exporter: dict[str, Any] | None
    withheld: list[str]
    allowed_transitions: list[str]


def _denial(notice: DenialNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "uid": str(notice.uid),
        "kind": notice.kind,
        "kind_description": notice.get_kind_display(),
        "state": notice.state,
        "state_description": notice.status.description,
        "version": notice.version,
        "member_state": notice.member_state,
        "authority": notice.authority_name,
        "local": notice.is_local,
        "decided_on": notice.decided_on,
        "notified_on": notice.notified_on,
        "review_due": notice.review_due,
        "reviewed_on": notice.reviewed_on,
        "criteria": notice.criteria,
        "reasoning": notice.reasoning,
        "items": notice.items,
        "end_users": notice.end_users,
        "consignees": notice.consignees,
        "destinations": notice.destinations,
        "exporter": notice.exporter or None,
        "withheld": notice.withheld,
        "allowed_transitions": [str(t) for t in DENIAL.allowed(notice.status)]
        if notice.is_local
        else [],
    }


MAX_PAGE = 100_000  # far beyond any register, and an offset every database takes


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="From 1; past the end: an empty list")
    per_page: int = Field(50, ge=1, le=200)


class DenialFilter(Paging):
    scope: str = Field("all", description="mine, others or all")
    state: str = Field("", description="valid, amended, renewed or revoked")
    member_state: str = Field("", description="The issuing Member State (ISO code; EL for GR)")
    destination: str = Field("", description="ISO code of one of the notice's destinations")
    entry: str = Field(
        "", description="A control entry and what is below it: 5A001 finds 5A001.j.1"
    )
    q: str = Field("", description="Part of an end user's or consignee's name, any case")
    kind: str = Field(
        "", description="refusal, annulment, suspension, substantial-limitation or revocation"
    )
    notified_since: date | None = Field(None, description="Notified on or after (YYYY-MM-DD)")
    notified_until: date | None = Field(None, description="Notified on or before (YYYY-MM-DD)")


class PageOut(Schema):
    count: int = Field(..., description="How many match in all, not only on this page")
    page: int
    per_page: int


class DenialPageOut(PageOut):
    denials: list[DenialOut]


class Countable(Protocol):
    def count(self) -> int: ...
    def __getitem__(self, window: slice, /) -> Iterable[Any]: ...


def _page(
    found: Countable, paging: Paging, key: str, out: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of a list, with the count of the whole list."""
    start = (paging.page - 1) * paging.per_page
    return {
        "count": found.count(),
        "page": paging.page,
        "per_page": paging.per_page,
        key: [out(row) for row in found[start : start + paging.per_page]],
    }


@router.get(
    "/denials", response=DenialPageOut, summary="Denial notices of every Member State, a page"
)
def list_denials(request: HttpRequest, filters: Query[DenialFilter]) -> dict[str, Any]:
    found = queries.denials(
        request.user,
        scope=filters.scope,
        state=filters.state,
        member_state=filters.member_state,
        destination=filters.destination,
        entry=filters.entry,
        q=filters.q,
        kind=filters.kind,
        notified_since=filters.notified_since,
        notified_until=filters.notified_until,
    )
    return _page(found, filters, "denials", _denial)


@router.get("/denials/{pk}", response=DenialOut, summary="One denial notice")
def get_denial(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _denial(access.get_denial(request.user, pk))


class ReviewIn(Schema):
    outcome: str = Field(..., description="amend, renew or revoke (Art 16(3))")
    reason: str = Field(..., min_length=1, max_length=20_000)
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="For amend: criteria, reasoning, items, end_users, consignees, "
        "destinations, exporter",
    )
    version: int | None = Field(None, description="The notice version you read (409 if changed)")


@router.post("/denials/{pk}/review", response=DenialOut, summary="Revoke, amend or renew")
def review_denial(request: HttpRequest, pk: int, body: ReviewIn) -> dict[str, Any]:
    _, notice = access.own_denial(request.user, pk)
    queries.check_version(notice, body.version)
    denials.review(
        notice, outcome=body.outcome, reason=body.reason, changes=body.changes, actor=request.user
    )
    return _denial(notice)


# -- matches -----------------------------------------------------------------------------


class CaseMatchesOut(Schema):
    case: int
    reference: str
    dossier: int | None
    matches: list[dict[str, Any]]
    consultations_needed: list[dict[str, Any]]


@router.get("/matches", response=list[CaseMatchesOut], summary="Matches on my open cases")
def my_matches(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "case": row["case"].pk,
            "reference": str(row["case"].application),
            "dossier": row["dossier"],
            "matches": row["matches"],
            "consultations_needed": row["consultations_needed"],
        }
        for row in queries.matches_on_my_cases(request.user)
    ]


@router.get(
    "/cases/{case_id}/matches",
    response=CaseMatchesOut,
    summary="Essentially identical transactions denied elsewhere, checked now",
)
def case_matches(request: HttpRequest, case_id: int) -> dict[str, Any]:
    access.reader(request.user)
    case = queries.open_case(request.user, case_id)
    section = decisions.prior_denials_section(case, {})
    return {
        "case": case.pk,
        "reference": str(case.application),
        "dossier": None,
        "matches": section["denials"],
        "consultations_needed": section["consultations_needed"],
    }


# -- consultations -----------------------------------------------------------------------


class ConsultationOut(Schema):
    id: int
    uid: str
    kind: str
    kind_description: str
    binding: bool
    state: str
    state_description: str
    version: int
    case: int | None
    requesting_member_state: str
    requesting_authority: str
    consulted_member_state: str
    question: str
    subject: dict[str, Any]
    denials: list[str]
    requested_on: date
    deadline: date
    working_days_left: int
    extended_by: int
    outcome: str
    reply: str
    replied_on: date | None
    allowed_transitions: list[str]


def _consultation(c: Consultation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "uid": str(c.uid),
        "kind": c.kind,
        "kind_description": c.get_kind_display(),
        "binding": c.binding,
        "state": c.state,
        "state_description": c.status.description,
        "version": c.version,
        "case": c.case_id,
        "requesting_member_state": c.requesting_member_state,
        "requesting_authority": c.requesting_authority_name,
        "consulted_member_state": c.consulted_member_state,
        "question": c.question,
        "subject": c.subject,
        "denials": [str(u) for u in c.denials.values_list("uid", flat=True)],
        "requested_on": c.requested_on,
        "deadline": c.deadline,
        "working_days_left": consultations.working_days_left(c),
        "extended_by": c.extended_by,
        "outcome": c.outcome,
        "reply": c.reply,
        "replied_on": c.replied_on,
        "allowed_transitions": [str(t) for t in CONSULTATION.allowed(c.status)],
    }


@router.get("/consultations", response=list[ConsultationOut], summary="Consultations in and out")
def list_consultations(request: HttpRequest, direction: str = "all") -> list[dict[str, Any]]:
    return [_consultation(c) for c in queries.consultations(request.user, direction=direction)]


@router.get("/consultations/{pk}", response=ConsultationOut, summary="One consultation")
def get_consultation(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _consultation(access.get_consultation(request.user, pk))


class ConsultationIn(Schema):
    case: int
    kind: str = Field(..., description="art14-1, art14-2 or art16-5")
    consulted_member_state: str = Field(..., min_length=2, max_length=2)
    question: str = Field(..., min_length=1, max_length=20_000)
    denials: list[int] = Field(default_factory=list, description="Denial notice ids (art16-5)")


@router.post("/consultations", response={201: ConsultationOut}, summary="Consult a Member State")
def request_consultation(request: HttpRequest, body: ConsultationIn) -> Status:
    access.officer(request.user)
    case = queries.open_case(request.user, body.case)
    chosen = [access.get_denial(request.user, pk) for pk in body.denials]
    made = consultations.request(
        case,
        kind=body.kind,
        consulted_member_state=body.consulted_member_state,
        question=body.question,
        actor=request.user,
        denials=chosen,
    )
    return Status(201, _consultation(made))


class ReplyIn(Schema):
    outcome: str = Field(..., description="no-objection, objection or comments")
    reply: str = Field(..., min_length=1, max_length=20_000)
    version: int | None = None


@router.post("/consultations/{pk}/reply", response=ConsultationOut, summary="Reply")
def reply_consultation(request: HttpRequest, pk: int, body: ReplyIn) -> dict[str, Any]:
    _, consultation = access.consulted(request.user, pk)
    queries.check_version(consultation, body.version)
    consultations.reply(consultation, outcome=body.outcome, text=body.reply, actor=request.user)
    return _consultation(consultation)


class ExtendIn(Schema):
    working_days: int = Field(..., ge=1, le=30)
    reason: str = Field(..., min_length=1, max_length=20_000)
    version: int | None = None


@router.post("/consultations/{pk}/extend", response=ConsultationOut, summary="Take more time")
def extend_consultation(request: HttpRequest, pk: int, body: ExtendIn) -> dict[str, Any]:
    _, consultation = access.consulted(request.user, pk)
    queries.check_version(consultation, body.version)
    consultations.extend(
        consultation, working_days=body.working_days, reason=body.reason, actor=request.user
    )
    return _consultation(consultation)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=20_000)
    version: int | None = None


@router.post("/consultations/{pk}/withdraw", response=ConsultationOut, summary="Withdraw")
def withdraw_consultation(request: HttpRequest, pk: int, body: ReasonIn) -> dict[str, Any]:
    _, consultation = access.requesting(request.user, pk)
    queries.check_version(consultation, body.version)
    consultations.withdraw(consultation, reason=body.reason, actor=request.user)
    return _consultation(consultation)


# -- catch-all notices -------------------------------------------------------------------


class ReviewOut(Schema):
    member_state: str
    state: str
    state_description: str
    deadline: date
    extended_by: int
    comment: str
    answered_on: date | None


class CatchAllOut(Schema):
    id: int
    uid: str
    basis: str
    basis_description: str
    state: str
    state_description: str
    member_state: str
    authority: str
    notified_on: date
    items: list[dict[str, Any]]
    end_users: list[dict[str, Any]]
    destinations: list[str]
    reasoning: str
    reviews: list[ReviewOut]


def _review(review: CatchAllReview) -> dict[str, Any]:
    return {
        "member_state": review.member_state,
        "state": review.state,
        "state_description": review.status.description,
        "deadline": review.deadline,
        "extended_by": review.extended_by,
        "comment": review.comment,
        "answered_on": review.answered_on,
    }


def _catch_all(notice: CatchAllNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "uid": str(notice.uid),
        "basis": notice.basis,
        "basis_description": notice.get_basis_display(),
        "state": notice.state,
        "state_description": notice.status.description,
        "member_state": notice.member_state,
        "authority": notice.authority_name,
        "notified_on": notice.notified_on,
        "items": notice.items,
        "end_users": notice.end_users,
        "destinations": notice.destinations,
        "reasoning": notice.reasoning,
        "reviews": [_review(r) for r in notice.reviews.all()],
    }


class CatchAllPageOut(PageOut):
    catch_alls: list[CatchAllOut]


@router.get("/catch-alls", response=CatchAllPageOut, summary="Catch-all notices, a page")
def list_catch_alls(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return _page(queries.catch_alls(request.user), paging, "catch_alls", _catch_all)


@router.get("/catch-alls/{pk}", response=CatchAllOut, summary="One catch-all notice")
def get_catch_all(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _catch_all(access.get_catch_all(request.user, pk))


class CatchAllIn(Schema):
    basis: str = Field(..., description="art4-1-a, art4-1-b, art4-1-c or art5-1")
    items: list[dict[str, Any]] = Field(..., min_length=1, description="Non-listed items")
    end_users: list[dict[str, Any]] = Field(default_factory=list)
    destinations: list[str] = Field(default_factory=list)
    reasoning: str = Field(..., min_length=1, max_length=20_000)
    case: int | None = None


@router.post("/catch-alls", response={201: CatchAllOut}, summary="Impose a catch-all requirement")
def impose_catch_all(request: HttpRequest, body: CatchAllIn) -> Status:
    access.officer(request.user)
    case = queries.open_case(request.user, body.case) if body.case is not None else None
    notice = catchall.impose(
        basis=body.basis,
        items=body.items,
        end_users=body.end_users,
        destinations=body.destinations,
        reasoning=body.reasoning,
        actor=request.user,
        case=case,
    )
    return Status(201, _catch_all(notice))


class AnswerIn(Schema):
    agree: bool = Field(..., description="The requirement should apply EU-wide (Art 5(6))")
    comment: str = Field("", max_length=20_000)


@router.post("/catch-alls/{pk}/review", response=CatchAllOut, summary="My state's review")
def review_catch_all(request: HttpRequest, pk: int, body: AnswerIn) -> dict[str, Any]:
    _, review = access.reviewing(request.user, pk)
    catchall.answer(review, agree=body.agree, comment=body.comment, actor=request.user)
    return _catch_all(review.notice)


@router.post("/catch-alls/{pk}/extend", response=CatchAllOut, summary="Extend my review")
def extend_catch_all(request: HttpRequest, pk: int, body: ExtendIn) -> dict[str, Any]:
    _, review = access.reviewing(request.user, pk)
    queries.check_version(review, body.version)
    catchall.extend(review, working_days=body.working_days, reason=body.reason, actor=request.user)
    return _catch_all(review.notice)


# -- grants despite a denial and analytics -----------------------------------------------


class GrantOut(Schema):
    uid: str
    member_state: str
    authority: str
    granted_on: date
    reasons: str
    denials: list[str]
    consultations: list[str]


class GrantPageOut(PageOut):
    grants: list[GrantOut]


@router.get("/grants-despite-denial", response=GrantPageOut, summary="Art 16(5) grants, a page")
def list_grants(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return _page(queries.grants_despite_denial(request.user), paging, "grants", _grant)


def _grant(grant: GrantDespiteDenial) -> dict[str, Any]:
    return {
        "uid": str(grant.uid),
        "member_state": grant.member_state,
        "authority": grant.authority_name,
        "granted_on": grant.granted_on,
        "reasons": grant.reasons,
        "denials": [str(d.uid) for d in grant.denials.all()],
        "consultations": grant.consultations,
    }


class AnalyticsFilter(Schema):
    destination: str = Field("", description="ISO 3166-1 alpha-2")
    category: str = Field("", description="Annex I category 0-9, or 'not listed'")
    since: date | None = None


class AnalyticsOut(Schema):
    rates: list[dict[str, Any]]
    divergences: list[dict[str, Any]]


@router.get("/analytics", response=AnalyticsOut, summary="Consistency between Member States")
def consistency(request: HttpRequest, filters: Query[AnalyticsFilter]) -> dict[str, Any]:
    access.reader(request.user)
    return analytics.report(
        destination=filters.destination, category_filter=filters.category, since=filters.since
    ).as_dict()
