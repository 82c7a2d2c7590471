"""Consultations between Member States: request, reply, extension, reminders and lapse.

- Art 14(1): the items are located in another Member State; that state may object within
  10 working days, and its objection binds; it may ask for more time, at most 30 working
  days in all. Silence counts as no objection.
- Art 14(2): another Member State's essential security interests; not binding, ended within
  10 working days.
- Art 16(5): before granting an essentially identical transaction, the authority consults
  the state that denied it. The regulation sets no period; Licentia asks for a reply within
  `IDENTICAL_TRANSACTION_DAYS` working days (extendable like Art 14(1)) so that no case waits
  forever.

Deadlines count working days of the CONSULTED Member State (its weekends and national public
holidays, `licentia.reference.calendar`), from the day after the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from licentia.accounts.access import Forbidden
from licentia.accounts.models import Role
from licentia.audit.services import Actor, apply_transition, record
from licentia.cases.models import Case
from licentia.coordination import facts, outbox
from licentia.coordination.access import officer
from licentia.coordination.common import authority_of, today_or, user_of
from licentia.coordination.denials import rules_of
from licentia.coordination.models import Consultation, ConsultationKind, DenialNotice, ReplyOutcome
from licentia.coordination.states import (
    CONSULTATION,
    ConsultationState,
    ConsultationTransition,
)
from licentia.errors import InvalidInput, NotFound
from licentia.notifications.services import notify
from licentia.reference.calendar import add_working_days, working_days_between
from licentia.reference.eu import is_member_state

IDENTICAL_TRANSACTION_DAYS = int(
    getattr(settings, "LICENTIA_ART16_5_CONSULTATION_WORKING_DAYS", 10)
)
# Working days to reply, and the most the consulted state may take in all with an extension.
PERIODS = {
    ConsultationKind.ITEMS_ELSEWHERE: (10, 30),
    ConsultationKind.ESSENTIAL_SECURITY: (10, 10),
    ConsultationKind.IDENTICAL_TRANSACTION: (IDENTICAL_TRANSACTION_DAYS, 30),
}
# The consulted authority is reminded this many of its working days before the deadline.
REMINDER_WORKING_DAYS = 2
MAX_TEXT = 20_000


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{field}: required", details={"field": field})
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{field}: longer than {MAX_TEXT} characters", details={"field": field})
    return value


def _link(consultation: Consultation) -> str:
    return reverse("coordination:consultation", args=[consultation.pk])


def request(
    case: Case,
    *,
    kind: str,
    consulted_member_state: str,
    question: str,
    actor: Actor,
    denials: Iterable[DenialNotice] = (),
    today: date | None = None,
) -> Consultation:
    """Consult another Member State on a case of the actor's authority."""
    who = officer(actor)
    if case.authority_id != who.organisation.pk or who.role == Role.AUTHORITY_ADMINISTRATOR:
        raise NotFound(f"no case {case.pk} that you may consult on")
    if kind not in ConsultationKind.values:
        raise InvalidInput(
            f"kind: choose one of {', '.join(ConsultationKind.values)}", details={"field": "kind"}
        )
    day = today_or(today)
    consulted = consulted_member_state.strip().upper()
    if not (len(consulted) == 2 and is_member_state(consulted, day)):
        raise InvalidInput(
            f"consulted_member_state: {consulted_member_state!r} is not a Member State",
            details={"field": "consulted_member_state"},
        )
    if consulted == who.member_state:
        raise InvalidInput(
            "consulted_member_state: consult another Member State than your own",
            details={"field": "consulted_member_state"},
        )
    chosen = list(denials)
    if kind == ConsultationKind.IDENTICAL_TRANSACTION:
        if not chosen:
            raise InvalidInput(
                "denials: an Art 16(5) consultation names the consulted state's denials",
                details={"field": "denials"},
            )
        strangers = [d for d in chosen if d.member_state != consulted]
        if strangers:
            raise InvalidInput(
                f"denials: not issued by {consulted}: {', '.join(str(d.uid) for d in strangers)}",
                details={"field": "denials"},
            )
    days, _ = PERIODS[ConsultationKind(kind)]
    with transaction.atomic():
        consultation = Consultation.objects.create(
            kind=kind,
            case=case,
            requesting_authority=who.organisation,
            requesting_member_state=who.member_state,
            requesting_authority_name=who.organisation.name,
            consulted_authority=authority_of(consulted),
            consulted_member_state=consulted,
            question=_text(question, "question"),
            subject=facts.subject(case, share_exporter=rules_of(case.authority_id).share_exporter),
            requested_on=day,
            deadline=add_working_days(consulted, day, days),
            requested_by=user_of(actor),
        )
        consultation.denials.set(chosen)
        record(
            actor=actor,
            action="consultation.request",
            obj=consultation,
            to_state=consultation.state,
            payload={"case": case.pk, "kind": kind, "consulted": consulted},
        )
        outbox.send(
            outbox.consultation_request_payload(consultation),
            recipients=[consulted],
            to_commission=False,
        )
        if consultation.consulted_authority is not None:
            notify(
                consultation.consulted_authority,
                f"{who.organisation.name} ({who.member_state}) consults you "
                f"({consultation.get_kind_display()}); reply by {consultation.deadline}",
                _link(consultation),
            )
    return consultation


def reply(
    consultation: Consultation,
    *,
    outcome: str,
    text: str,
    actor: Actor,
    today: date | None = None,
) -> Consultation:
    """The consulted state replies; an objection under Art 14(1) binds the requesting state."""
    _require_consulted(actor, consultation)
    if outcome not in ReplyOutcome.values:
        raise InvalidInput(
            f"outcome: choose one of {', '.join(ReplyOutcome.values)}", details={"field": "outcome"}
        )
    return record_reply(
        consultation, outcome=outcome, text=_text(text, "reply"), actor=actor, day=today_or(today)
    )


def record_reply(
    consultation: Consultation, *, outcome: str, text: str, actor: Actor, day: date
) -> Consultation:
    with transaction.atomic():
        apply_transition(
            consultation,
            CONSULTATION,
            ConsultationTransition.REPLY,
            actor=actor,
            payload={"outcome": outcome},
            changes={"outcome": outcome, "reply": text, "replied_on": day},
        )
        if consultation.consulted_authority_id is not None:
            outbox.send(
                outbox.consultation_reply_payload(consultation),
                recipients=[consultation.requesting_member_state],
                to_commission=False,
            )
        if consultation.requesting_authority is not None:
            notify(
                consultation.requesting_authority,
                f"{consultation.consulted_member_state} replied to your consultation: "
                f"{ReplyOutcome(outcome).label}"
                + (
                    " (binding, Art 14(1))"
                    if consultation.binding and outcome == "objection"
                    else ""
                ),
                _link(consultation),
            )
    return consultation


def extend(
    consultation: Consultation,
    *,
    working_days: int,
    reason: str,
    actor: Actor,
) -> Consultation:
    """The consulted state takes `working_days` more, within the kind's maximum in all."""
    _require_consulted(actor, consultation)
    return record_extension(
        consultation, working_days=working_days, reason=_text(reason, "reason"), actor=actor
    )


def record_extension(
    consultation: Consultation, *, working_days: int, reason: str, actor: Actor
) -> Consultation:
    kind = ConsultationKind(consultation.kind)
    days, most = PERIODS[kind]
    if not 1 <= working_days <= most - days:
        allowed = (
            f"from 1 to {most - days} working days ({most} in all)"
            if most > days
            else "none: it ends within 10 working days"
        )
        raise InvalidInput(
            f"working_days: {kind.label} allows an extension of {allowed}",
            details={"field": "working_days"},
        )
    deadline = add_working_days(
        consultation.consulted_member_state, consultation.requested_on, days + working_days
    )
    with transaction.atomic():
        apply_transition(
            consultation,
            CONSULTATION,
            ConsultationTransition.EXTEND,
            actor=actor,
            reason=reason,
            payload={"working_days": working_days, "deadline": deadline.isoformat()},
            changes={"extended_by": working_days, "deadline": deadline, "reminded_on": None},
        )
        if consultation.consulted_authority_id is not None:
            outbox.send(
                outbox.consultation_extension_payload(consultation, reason=reason),
                recipients=[consultation.requesting_member_state],
                to_commission=False,
            )
        if consultation.requesting_authority is not None:
            notify(
                consultation.requesting_authority,
                f"{consultation.consulted_member_state} extended its time to reply to "
                f"{deadline.isoformat()}: {reason}",
                _link(consultation),
            )
    return consultation


def withdraw(consultation: Consultation, *, reason: str, actor: Actor) -> Consultation:
    who = officer(actor)
    if consultation.requesting_authority_id != who.organisation.pk:
        raise Forbidden("only the requesting authority withdraws its consultation")
    apply_transition(
        consultation,
        CONSULTATION,
        ConsultationTransition.WITHDRAW,
        actor=actor,
        reason=_text(reason, "reason"),
    )
    return consultation


def _require_consulted(actor: Actor, consultation: Consultation) -> None:
    who = officer(actor)
    if consultation.consulted_authority_id != who.organisation.pk:
        raise Forbidden("only the consulted authority replies or extends its time")


def working_days_left(consultation: Consultation, *, today: date | None = None) -> int:
    """Working days of the consulted state from `today` to the deadline (negative: passed)."""
    day = today_or(today)
    state = consultation.consulted_member_state
    if day <= consultation.deadline:
        return working_days_between(state, day, consultation.deadline)
    return -working_days_between(state, consultation.deadline, day)


def tick(*, today: date | None = None) -> dict[str, list[Consultation]]:
    """The scheduled job's part: remind the consulted authority `REMINDER_WORKING_DAYS`
    before the deadline, and lapse every consultation whose deadline has passed, telling
    both sides (escalation). Running it twice on one day changes nothing the second time."""
    day = today_or(today)
    reminded, lapsed = [], []
    for consultation in Consultation.objects.filter(
        state__in=[ConsultationState.REQUESTED, ConsultationState.EXTENDED]
    ).select_related("requesting_authority", "consulted_authority"):
        if day > consultation.deadline:
            _lapse(consultation, day)
            lapsed.append(consultation)
        elif (
            consultation.reminded_on is None
            and working_days_left(consultation, today=day) <= REMINDER_WORKING_DAYS
        ):
            with transaction.atomic():
                Consultation.objects.filter(pk=consultation.pk).update(reminded_on=day)
                record(actor=None, action="consultation.reminder", obj=consultation)
                if consultation.consulted_authority is not None:
                    notify(
                        consultation.consulted_authority,
                        f"Reply to the consultation of {consultation.requesting_member_state} "
                        f"by {consultation.deadline.isoformat()} "
                        f"({consultation.get_kind_display()})",
                        _link(consultation),
                    )
            reminded.append(consultation)
    return {"reminded": reminded, "lapsed": lapsed}


def _lapse(consultation: Consultation, day: date) -> None:
    silence = (
        "silence counts as no objection (Art 14(1))"
        if consultation.binding
        else "the consultation is held"
    )
    with transaction.atomic():
        apply_transition(
            consultation,
            CONSULTATION,
            ConsultationTransition.LAPSE,
            actor=None,
            reason=f"no reply by {consultation.deadline.isoformat()}: {silence}",
            changes={"escalated_on": day},
        )
        text = (
            f"The consultation of {consultation.consulted_member_state} by "
            f"{consultation.requesting_member_state} passed its deadline "
            f"{consultation.deadline.isoformat()} without a reply: {silence}"
        )
        for authority in (consultation.requesting_authority, consultation.consulted_authority):
            if authority is not None:
                notify(authority, text, _link(consultation))
