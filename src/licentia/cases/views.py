"""The authority console: the queue and the case page. Thin: each action is one service call.

A failed action shows the case page again with the error at the top and the status of the
error (403, 409, 422); nothing is half-done, because each service acts in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from licentia.accounts import access
from licentia.accounts.models import Role
from licentia.audit.services import history
from licentia.cases import forms, services
from licentia.cases.models import Case, Criterion
from licentia.cases.states import CASE, CaseState
from licentia.controllists.views import shows_errors
from licentia.errors import InvalidInput, LicentiaError

PER_PAGE = 50


@login_required
@shows_errors
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = services.require_authority(request.user)
    form = forms.QueueForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        cases = services.queue(user).none()
        status = 422
    else:
        chosen = form.queue_filter() if form.is_bound else services.QueueFilter()
        cases = services.queue(user, filters=chosen)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    counts = services.queue_counts(user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, services.processing_seconds(c) / 86400) for c in page],
            "counts": [(s, counts[s.value]) for s in CaseState],
            "mine": counts["mine"],
            "unassigned": counts["unassigned"],
            "query": query.urlencode(),
        },
        status=status,
    )


@login_required
@shows_errors
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return _render_case(request, case)


def _case(request: HttpRequest, case_id: int) -> Case:
    return access.get_case(services.require_authority(request.user), case_id)


def _officers(case: Case) -> list[tuple[str, str]]:
    people = get_user_model().objects.filter(
        membership__organisation_id=case.authority_id,
        membership__role__in=[Role.LICENSING_OFFICER, Role.SENIOR_OFFICER],
    )
    return [(u.get_username(), u.get_username()) for u in people.order_by("username")]


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    error: LicentiaError | None = None,
    bound: dict[str, Any] | None = None,
) -> HttpResponse:
    """The case page; `bound` replaces a blank form by the one the officer sent."""
    user = request.user
    role = access.actor_of(user).role
    number = request.GET.get("dossier")
    dossier = (
        case.dossiers.filter(number=number).first()
        if number and number.isdigit()
        else services.latest_dossier(case)
    )
    recommendation = services.latest_recommendation(case)
    version = {"version": case.version}
    blank: dict[str, Any] = {
        "assign_form": forms.AssignForm(initial=version, officers=_officers(case)),
        "question_form": forms.QuestionForm(initial=version),
        "note_form": forms.NoteForm(),
        "assessment_form": forms.AssessmentForm(criteria=services.applicable_criteria(case)),
        "recommendation_form": forms.RecommendationForm(initial=version),
        "comment_form": forms.CommentForm(initial=version),
    }
    assessments = {a.criterion: a for a in case.assessments.select_related("assessed_by")}
    context = {
        "case": case,
        "application": case.application,
        "lines": case.application.goods_lines.all(),
        "parties": case.application.parties.all(),
        "processing_days": services.processing_seconds(case) / 86400,
        "allowed": [str(t) for t in CASE.allowed(case.status)],
        "dossier": dossier,
        "dossier_numbers": list(case.dossiers.values_list("number", flat=True)),
        "requests": case.information_requests.select_related("asked_by").order_by("pk"),
        "notes": case.notes.select_related("author").order_by("pk"),
        "criteria": [
            (c, assessments.get(c.value), c in services.required_criteria(case))
            for c in services.applicable_criteria(case)
        ],
        "recommendation": recommendation,
        "countersign_reasons": services.countersign_reasons(
            case, outcome=recommendation.outcome if recommendation else ""
        ),
        "decisions": case.decisions.select_related("decided_by").order_by("pk"),
        "history": history(case),
        "is_senior": role == Role.SENIOR_OFFICER,
        "may_assign_others": role in (Role.SENIOR_OFFICER, Role.AUTHORITY_ADMINISTRATOR),
        "is_caseworker": role in (Role.LICENSING_OFFICER, Role.SENIOR_OFFICER),
        "error": error,
        **blank,
        **(bound or {}),
    }
    return render(
        request, "cases/case.html", context, status=error.status if error is not None else 200
    )


# -- actions: each a form, one service call, then back to the case page ------------------

Handler = Callable[[HttpRequest, Case], str]


def _valid(form: Any, name: str) -> dict[str, Any]:
    if not form.is_valid():
        first = next(iter(form.errors.items()))
        raise _FormInvalid(name, form, f"{first[0]}: {' '.join(first[1])}")
    return dict(form.cleaned_data)


class _FormInvalid(InvalidInput):
    def __init__(self, name: str, form: Any, message: str) -> None:
        super().__init__(message, details={"field": message.split(":")[0]})
        self.name, self.form = name, form


def _assign(request: HttpRequest, case: Case) -> str:
    if "assigned_to" in request.POST:
        form = forms.AssignForm(request.POST, officers=_officers(case))
        data = _valid(form, "assign_form")
        services.check_version(case, data["version"])
        to = get_user_model().objects.get(username=data["assigned_to"])
    else:
        data = _valid(forms.VersionForm(request.POST), "assign_form")
        services.check_version(case, data["version"])
        to = request.user
    assert isinstance(to, AbstractBaseUser)
    services.assign(case, to=to, actor=request.user)
    return f"Case assigned to {to.get_username()}."


def _rerun(request: HttpRequest, case: Case) -> str:
    services.require_caseworker(request.user, case)
    version = services.run_dossier(case, trigger="on demand", actor=request.user)
    return f"The automatic checks ran again: dossier version {version.number}."


def _question(request: HttpRequest, case: Case) -> str:
    data = _valid(forms.QuestionForm(request.POST), "question_form")
    services.check_version(case, data["version"])
    services.request_information(case, question=data["question"], actor=request.user)
    return "The exporter was asked; the clock is paused until the answer."


def _note(request: HttpRequest, case: Case) -> str:
    data = _valid(forms.NoteForm(request.POST), "note_form")
    services.add_note(case, text=data["text"], actor=request.user)
    return "Note added."


def _assess(request: HttpRequest, case: Case) -> str:
    form = forms.AssessmentForm(request.POST, criteria=services.applicable_criteria(case))
    data = _valid(form, "assessment_form")
    services.assess_criterion(case, actor=request.user, **data)
    return f"Assessment of {Criterion(data['criterion']).label} recorded."


def _recommend(request: HttpRequest, case: Case) -> str:
    data = _valid(forms.RecommendationForm(request.POST), "recommendation_form")
    services.check_version(case, data.pop("version"))
    services.recommend(case, actor=request.user, **data)
    if case.status is CaseState.AWAITING_COUNTERSIGNATURE:
        return "Recommendation recorded; it now needs a senior officer's countersignature."
    return "Recommendation recorded; the case is ready for decision."


def _countersign(request: HttpRequest, case: Case) -> str:
    data = _valid(forms.CommentForm(request.POST), "comment_form")
    services.check_version(case, data["version"])
    services.countersign(case, actor=request.user, comment=data["comment"])
    return "Countersigned; the case is ready for decision."


def _return(request: HttpRequest, case: Case) -> str:
    data = _valid(forms.CommentForm(request.POST), "comment_form")
    services.check_version(case, data["version"])
    services.return_for_review(case, reason=data["comment"], actor=request.user)
    return "The recommendation was sent back for review."


def _decide(request: HttpRequest, case: Case) -> str:
    data = _valid(forms.VersionForm(request.POST), "comment_form")
    services.check_version(case, data["version"])
    decision = services.decide(case, actor=request.user)
    return f"Decided: {decision.get_outcome_display()}."


ACTIONS: dict[str, tuple[Handler, str]] = {
    "assign": (_assign, "summary"),
    "rerun": (_rerun, "dossier"),
    "request-information": (_question, "requests"),
    "note": (_note, "notes"),
    "assess": (_assess, "assessment"),
    "recommend": (_recommend, "recommendation"),
    "countersign": (_countersign, "countersign"),
    "return": (_return, "countersign"),
    "decide": (_decide, "decision"),
}


@login_required
@shows_errors
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = _case(request, case_id)
    if action not in ACTIONS:
        raise InvalidInput(f"no action {action!r}", details={"field": "action"})
    handler, anchor = ACTIONS[action]
    try:
        done = handler(request, case)
    except _FormInvalid as invalid:
        return _render_case(request, case, error=invalid, bound={invalid.name: invalid.form})
    except LicentiaError as error:
        case.refresh_from_db()
        return _render_case(request, case, error=error)
    messages.success(request, done)
    return redirect(f"{reverse('cases:case', args=[case.pk])}#{anchor}")
