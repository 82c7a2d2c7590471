"""The authority's work on a case: business rules, keyword-only arguments, no requests.

Every state change goes through `licentia.audit.services.apply_transition` with the tables
in `cases/states.py` and `applications/states.py`; when a step moves both the case and the
application, both move in one transaction or neither does.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from licentia.accounts.models import Organisation, OrganisationKind
from licentia.applications.models import Application
from licentia.applications.states import APPLICATION, ApplicationTransition
from licentia.audit.services import Actor, apply_transition, record
from licentia.cases import dossier as checks
from licentia.cases.models import Case, DossierVersion, InformationRequest
from licentia.cases.states import CASE, CaseState, CaseTransition
from licentia.errors import Conflict, InvalidInput

log = logging.getLogger(__name__)

MAX_TEXT = 20_000


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


def open_case(application: Application, *, actor: Actor) -> Case:
    """Open the case of a submitted application at its competent authority and run the first
    dossier. Called by the submission inside its transaction."""
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
        run_dossier(case, trigger="submission", actor=actor)
    return case


def run_dossier(case: Case, *, trigger: str, actor: Actor) -> DossierVersion:
    """A new dossier version with every automatic check; earlier versions stay as they were."""
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
            prior_denials=built.prior_denials,
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
    return asked


def open_request(case: Case) -> InformationRequest | None:
    return case.information_requests.filter(answered_at__isnull=True).order_by("-pk").first()


def receive_information(case: Case, *, answer: str, actor: Actor) -> InformationRequest:
    """The exporter's answer: stored on the open request, the case is back under review (the
    clock resumes) and the application is submitted again. Both transitions happen here."""
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


def _user(actor: Actor) -> AbstractBaseUser | None:
    return actor if isinstance(actor, AbstractBaseUser) else None


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{field}: required", details={"field": field})
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{field}: longer than {MAX_TEXT} characters", details={"field": field})
    return value
