"""The coordination console: denials of my state and of others, matches on my cases,
consultations in and out, catch-all notices, grants despite a denial, consistency analytics.

Thin: each page is one query, each action one service call, then back to the page. Every
page answers 404 to anyone outside a competent authority (an exporter learns nothing), and
every action 403 to the coordination role.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from licentia.accounts.access import actor_of
from licentia.audit.services import history
from licentia.controllists.views import shows_errors
from licentia.coordination import (
    access,
    analytics,
    catchall,
    consultations,
    denials,
    forms,
    queries,
)
from licentia.coordination.models import DenialNotice
from licentia.coordination.states import CONSULTATION, DENIAL, ReviewState
from licentia.errors import InvalidInput

PER_PAGE = 50


def _valid(form: django_forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(f"{field}: {' '.join(errors)}", details={"field": field})
    return dict(form.cleaned_data)


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    actor = access.reader(request.user)
    return {"actor": actor, "is_officer": actor.is_officer, **extra}


def _paged(request: HttpRequest, found: Any) -> dict[str, Any]:
    """The page asked for (the last one when beyond the end) and the query string of the
    filters, for the previous and next links."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }


@login_required
@shows_errors
@require_GET
def denial_list(request: HttpRequest) -> HttpResponse:
    access.reader(request.user)
    form = forms.DenialFilterForm(request.GET or None)
    found: queries.Denials = DenialNotice.objects.none()
    status = 200
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        try:
            found = queries.denials(request.user, **(form.filters() if form.is_bound else {}))
        except InvalidInput as error:
            form.refuse(error)
            status = 422
    return render(
        request,
        "coordination/denials.html",
        _context(request, form=form, **_paged(request, found)),
        status=status,
    )


@login_required
@shows_errors
@require_GET
def denial_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_denial(request.user, pk)
    actor = actor_of(request.user)
    own = actor.is_officer and notice.authority_id == actor.organisation.pk
    return render(
        request,
        "coordination/denial.html",
        _context(
            request,
            notice=notice,
            own=own,
            allowed=[str(t) for t in DENIAL.allowed(notice.status)] if own else [],
            form=forms.DenialReviewForm(initial={"version": notice.version}),
            history=history(notice),
            consultations=notice.consultations.filter(
                pk__in=queries.consultations(request.user).values("pk")
            ),
        ),
    )


@login_required
@shows_errors
@require_POST
def denial_review(request: HttpRequest, pk: int) -> HttpResponse:
    _, notice = access.own_denial(request.user, pk)
    data = _valid(forms.DenialReviewForm(request.POST))
    queries.check_version(notice, data["version"])
    changes = {"reasoning": data["reasoning"]} if data["outcome"] == "amend" else {}
    denials.review(
        notice, outcome=data["outcome"], reason=data["reason"], changes=changes, actor=request.user
    )
    messages.success(request, f"The denial notice is {notice.state}; the other states are told.")
    return redirect("coordination:denial", pk=notice.pk)


@login_required
@shows_errors
@require_GET
def matches(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coordination/matches.html",
        _context(request, rows=queries.matches_on_my_cases(request.user)),
    )


@login_required
@shows_errors
@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    actor = access.reader(request.user)
    found = list(queries.consultations(request.user))
    rows = [(c, consultations.working_days_left(c)) for c in found]
    return render(
        request,
        "coordination/consultations.html",
        _context(
            request,
            incoming=[r for r in rows if r[0].consulted_authority_id == actor.organisation.pk],
            outgoing=[r for r in rows if r[0].requesting_authority_id == actor.organisation.pk],
        ),
    )


@login_required
@shows_errors
@require_GET
def consultation_page(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access.get_consultation(request.user, pk)
    actor = actor_of(request.user)
    version = {"version": consultation.version}
    return render(
        request,
        "coordination/consultation.html",
        _context(
            request,
            consultation=consultation,
            days_left=consultations.working_days_left(consultation),
            allowed=[str(t) for t in CONSULTATION.allowed(consultation.status)],
            consulted=actor.is_officer
            and consultation.consulted_authority_id == actor.organisation.pk,
            requesting=actor.is_officer
            and consultation.requesting_authority_id == actor.organisation.pk,
            reply_form=forms.ReplyForm(initial=version),
            extend_form=forms.ExtendForm(initial=version),
            withdraw_form=forms.WithdrawForm(initial=version),
            history=history(consultation),
        ),
    )


@login_required
@shows_errors
@require_POST
def consultation_request(request: HttpRequest) -> HttpResponse:
    access.officer(request.user)
    data = _valid(forms.ConsultationForm(request.POST))
    case = queries.open_case(request.user, data["case"])
    made = consultations.request(
        case,
        kind=data["kind"],
        consulted_member_state=data["consulted_member_state"],
        question=data["question"],
        actor=request.user,
        denials=[access.get_denial(request.user, pk) for pk in data["denials"]],
    )
    messages.success(
        request, f"{made.consulted_member_state} is consulted; reply due by {made.deadline}."
    )
    return redirect("coordination:consultation", pk=made.pk)


@login_required
@shows_errors
@require_POST
def consultation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "reply":
        _, consultation = access.consulted(request.user, pk)
        data = _valid(forms.ReplyForm(request.POST))
        queries.check_version(consultation, data["version"])
        consultations.reply(
            consultation, outcome=data["outcome"], text=data["reply"], actor=request.user
        )
        done = "Your reply was sent."
    elif action == "extend":
        _, consultation = access.consulted(request.user, pk)
        data = _valid(forms.ExtendForm(request.POST))
        queries.check_version(consultation, data["version"])
        consultations.extend(
            consultation,
            working_days=data["working_days"],
            reason=data["reason"],
            actor=request.user,
        )
        done = f"The deadline is now {consultation.deadline}."
    elif action == "withdraw":
        _, consultation = access.requesting(request.user, pk)
        data = _valid(forms.WithdrawForm(request.POST))
        queries.check_version(consultation, data["version"])
        consultations.withdraw(consultation, reason=data["reason"], actor=request.user)
        done = "The consultation was withdrawn."
    else:
        raise InvalidInput(f"no action {action!r}", details={"field": "action"})
    messages.success(request, done)
    return redirect("coordination:consultation", pk=pk)


@login_required
@shows_errors
@require_GET
def catch_all_list(request: HttpRequest) -> HttpResponse:
    found = queries.catch_alls(request.user)
    return render(
        request,
        "coordination/catch_alls.html",
        _context(request, form=forms.CatchAllForm(), **_paged(request, found)),
    )


@login_required
@shows_errors
@require_GET
def catch_all_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_catch_all(request.user, pk)
    actor = actor_of(request.user)
    mine = notice.reviews.filter(member_state=actor.member_state).first()
    return render(
        request,
        "coordination/catch_all.html",
        _context(
            request,
            notice=notice,
            reviews=notice.reviews.all(),
            agreed=notice.reviews.filter(state=ReviewState.AGREED).count(),
            mine=mine,
            may_review=actor.is_officer and mine is not None and mine.status.is_open,
            review_form=forms.CatchAllReviewForm(),
            extend_form=forms.ExtendForm(initial={"version": mine.version if mine else 0}),
            history=history(notice),
        ),
    )


@login_required
@shows_errors
@require_POST
def catch_all_impose(request: HttpRequest) -> HttpResponse:
    access.officer(request.user)
    data = _valid(forms.CatchAllForm(request.POST))
    notice = catchall.impose(
        basis=data["basis"],
        items=[
            {
                "entry": "",
                "description": data["item"],
                "cyber_surveillance": data["cyber_surveillance"],
            }
        ],
        end_users=[{"name": data["end_user"], "country": data["end_user_country"].upper()}],
        destinations=data["destinations"],
        reasoning=data["reasoning"],
        actor=request.user,
    )
    messages.success(request, "The other Member States are told; their reviews are due.")
    return redirect("coordination:catch-all", pk=notice.pk)


@login_required
@shows_errors
@require_POST
def catch_all_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _, review = access.reviewing(request.user, pk)
    if action == "review":
        data = _valid(forms.CatchAllReviewForm(request.POST))
        catchall.answer(review, agree=data["agree"], comment=data["comment"], actor=request.user)
        done = "Your review was recorded and sent."
    elif action == "extend":
        data = _valid(forms.ExtendForm(request.POST))
        queries.check_version(review, data["version"])
        catchall.extend(
            review, working_days=data["working_days"], reason=data["reason"], actor=request.user
        )
        done = f"Your review is now due by {review.deadline}."
    else:
        raise InvalidInput(f"no action {action!r}", details={"field": "action"})
    messages.success(request, done)
    return redirect("coordination:catch-all", pk=pk)


@login_required
@shows_errors
@require_GET
def grants(request: HttpRequest) -> HttpResponse:
    found = queries.grants_despite_denial(request.user)
    return render(request, "coordination/grants.html", _context(request, **_paged(request, found)))


@login_required
@shows_errors
@require_GET
def analytics_page(request: HttpRequest) -> HttpResponse:
    access.reader(request.user)
    form = forms.AnalyticsForm(request.GET or None)
    data = _valid(form) if form.is_bound else {"destination": "", "category": "", "since": None}
    report = analytics.report(
        destination=data["destination"], category_filter=data["category"], since=data["since"]
    )
    return render(
        request, "coordination/analytics.html", _context(request, form=form, report=report)
    )
