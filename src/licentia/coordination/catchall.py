"""Catch-all notices: a licence requirement imposed on a non-listed item (Art 4(1), Art 5(1)).

The imposing state tells the other Member States and the Commission of the items and end
users (Art 5(4); for Art 4, the information the others give due consideration). Each other
Member State reviews it within 30 of its working days, at most 30 more on request (Art 5(5)).
When every Member State agrees that the requirement should apply to essentially identical
transactions, a cyber-surveillance notice is marked for publication in the OJ C series
(Art 5(6)); once every review is in or lapsed otherwise, the notice is closed as reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse

from licentia.accounts.models import Organisation
from licentia.applications.models import Application
from licentia.audit.services import Actor, apply_transition, record
from licentia.cases.models import Case
from licentia.coordination import facts, outbox
from licentia.coordination.access import officer
from licentia.coordination.common import authority_of, tell_authorities, today_or
from licentia.coordination.models import CatchAllBasis, CatchAllNotice, CatchAllReview
from licentia.coordination.states import (
    CATCH_ALL,
    CATCH_ALL_REVIEW,
    CatchAllState,
    CatchAllTransition,
    ReviewState,
    ReviewTransition,
)
from licentia.errors import InvalidInput
from licentia.notifications.services import notify
from licentia.reference.calendar import add_working_days, working_days_between
from licentia.reference.eu import member_states
from licentia.rules.model import Concern, PartyRole

REVIEW_WORKING_DAYS = 30  # Art 5(5)
MAX_EXTENSION = 30  # Art 5(5): no more than 30 further working days
REMINDER_WORKING_DAYS = 5
_BASIS_OF_CONCERN = {
    Concern.WMD: CatchAllBasis.WMD,
    Concern.MILITARY_END_USE: CatchAllBasis.MILITARY_END_USE,
    Concern.ILLEGAL_MILITARY_PARTS: CatchAllBasis.ILLEGAL_MILITARY_PARTS,
    Concern.HUMAN_RIGHTS: CatchAllBasis.CYBER_SURVEILLANCE,
}


def _link(notice: CatchAllNotice) -> str:
    return reverse("coordination:catch-all", args=[notice.pk])


def impose(
    *,
    basis: str,
    items: Sequence[dict[str, Any]],
    end_users: Sequence[dict[str, Any]],
    destinations: Sequence[str],
    reasoning: str,
    actor: Actor,
    case: Case | None = None,
    today: date | None = None,
) -> CatchAllNotice:
    """An officer imposes a catch-all requirement and tells the other Member States."""
    who = officer(actor)
    if case is not None and case.authority_id != who.organisation.pk:
        raise InvalidInput("case: not a case of your authority", details={"field": "case"})
    return _create(
        authority=who.organisation,
        basis=basis,
        items=items,
        end_users=end_users,
        destinations=destinations,
        reasoning=reasoning,
        actor=actor,
        case=case,
        today=today,
    )


def _create(
    *,
    authority: Organisation,
    basis: str,
    items: Sequence[dict[str, Any]],
    end_users: Sequence[dict[str, Any]],
    destinations: Sequence[str],
    reasoning: str,
    actor: Actor,
    case: Case | None,
    today: date | None,
) -> CatchAllNotice:
    if basis not in CatchAllBasis.values:
        raise InvalidInput(
            f"basis: choose one of {', '.join(CatchAllBasis.values)}", details={"field": "basis"}
        )
    listed = [i for i in items if i.get("entry")]
    if not items or listed:
        raise InvalidInput(
            "items: a catch-all concerns non-listed items only (Art 4, Art 5): give at least "
            "one, without a control entry",
            details={"field": "items"},
        )
    if not reasoning.strip():
        raise InvalidInput("reasoning: say why", details={"field": "reasoning"})
    day = today_or(today)
    with transaction.atomic():
        notice = CatchAllNotice.objects.create(
            basis=basis,
            case=case,
            authority=authority,
            member_state=authority.member_state,
            authority_name=authority.name,
            notified_on=day,
            items=list(items),
            end_users=list(end_users),
            destinations=sorted(set(destinations)),
            reasoning=reasoning.strip(),
        )
        open_reviews(notice)
        record(
            actor=actor,
            action="catch-all.notify",
            obj=notice,
            to_state=notice.state,
            payload={"basis": basis, "case": case.pk if case else None},
        )
        outbox.send(outbox.catch_all_notice_payload(notice))
        tell_authorities(
            f"{notice.authority_name} ({notice.member_state}) imposed a catch-all requirement "
            f"({notice.get_basis_display()}); review it by "
            f"{REVIEW_WORKING_DAYS} of your working days (Art 5(5))",
            _link(notice),
            besides=notice.member_state,
        )
    return notice


def open_reviews(notice: CatchAllNotice) -> None:
    """One review per other Member State, due in 30 of its own working days (Art 5(5))."""
    CatchAllReview.objects.bulk_create(
        CatchAllReview(
            notice=notice,
            member_state=state.alpha2,
            deadline=add_working_days(state.alpha2, notice.notified_on, REVIEW_WORKING_DAYS),
        )
        for state in member_states(notice.notified_on)
        if state.alpha2 != notice.member_state
    )


def imposed_by_decision(case: Case, *, actor: Actor) -> CatchAllNotice | None:
    """A decision on non-listed items imposes a licence requirement on them: tell the other
    Member States once per case (Art 4(1), Art 5(1) and (4)). None: no non-listed item, or
    the case already has its notice."""
    application: Application = case.application
    lines = [i for i in facts.items(application) if not i["entry"]]
    if not lines or case.catch_all_notices.exists():
        return None
    concerns = [Concern(c) for c in {*application.informed, *application.aware}]
    bases = [_BASIS_OF_CONCERN[c] for c in concerns]
    if any(i["cyber_surveillance"] for i in lines):
        bases.append(CatchAllBasis.CYBER_SURVEILLANCE)
    if not bases:
        return None
    basis = (
        CatchAllBasis.CYBER_SURVEILLANCE
        if CatchAllBasis.CYBER_SURVEILLANCE in bases
        else sorted(bases)[0]
    )
    return _create(
        authority=case.authority,
        basis=basis,
        items=lines,
        end_users=facts.parties(application, PartyRole.END_USER),
        destinations=application.destinations,
        reasoning=f"Licence required for non-listed items of application {application}: "
        + "; ".join(CatchAllBasis(b).label for b in sorted(set(bases))),
        actor=actor,
        case=case,
        today=None,
    )


# -- reviews -----------------------------------------------------------------------------


def answer(
    review: CatchAllReview,
    *,
    agree: bool,
    comment: str,
    actor: Actor,
    today: date | None = None,
) -> CatchAllReview:
    """The reviewing state agrees or disagrees that the requirement should apply to essentially
    identical transactions (Art 5(5)-(6))."""
    name = ReviewTransition.AGREE if agree else ReviewTransition.DISAGREE
    return record_answer(
        review, name=name, comment=comment.strip(), actor=actor, day=today_or(today)
    )


def record_answer(
    review: CatchAllReview, *, name: ReviewTransition, comment: str, actor: Actor, day: date
) -> CatchAllReview:
    with transaction.atomic():
        apply_transition(
            review,
            CATCH_ALL_REVIEW,
            name,
            actor=actor,
            reason=comment,
            changes={"comment": comment, "answered_on": day},
        )
        _tell_review(review)
        settle(review.notice)
    return review


def extend(
    review: CatchAllReview, *, working_days: int, reason: str, actor: Actor
) -> CatchAllReview:
    """In exceptional cases, at most 30 more working days of the reviewing state (Art 5(5))."""
    if not 1 <= working_days <= MAX_EXTENSION:
        raise InvalidInput(
            f"working_days: from 1 to {MAX_EXTENSION} (Art 5(5))",
            details={"field": "working_days"},
        )
    return record_extension(review, working_days=working_days, reason=reason.strip(), actor=actor)


def record_extension(
    review: CatchAllReview, *, working_days: int, reason: str, actor: Actor
) -> CatchAllReview:
    notice = review.notice
    deadline = add_working_days(
        review.member_state, notice.notified_on, REVIEW_WORKING_DAYS + working_days
    )
    with transaction.atomic():
        apply_transition(
            review,
            CATCH_ALL_REVIEW,
            ReviewTransition.EXTEND,
            actor=actor,
            reason=reason,
            changes={"extended_by": working_days, "deadline": deadline, "reminded_on": None},
        )
        _tell_review(review)
    return review


def _tell_review(review: CatchAllReview) -> None:
    """A local review goes out to every state; the notifying authority, if here, is told."""
    notice = review.notice
    if authority_of(review.member_state) is not None:
        outbox.send(outbox.catch_all_review_payload(review))
    if notice.authority is not None:
        notify(
            notice.authority,
            f"{review.member_state} reviewed your catch-all notice of "
            f"{notice.notified_on.isoformat()}: {ReviewState(review.state).description}",
            _link(notice),
        )


def settle(notice: CatchAllNotice) -> CatchAllNotice:
    """Mark for publication once every state agreed (Art 5(6), cyber-surveillance only); close
    as reviewed once no review is open otherwise."""
    if notice.status is not CatchAllState.UNDER_REVIEW:
        return notice
    states = [ReviewState(s) for s in notice.reviews.values_list("state", flat=True)]
    if any(s.is_open for s in states):
        return notice
    unanimous = all(s is ReviewState.AGREED for s in states)
    if unanimous and notice.basis == CatchAllBasis.CYBER_SURVEILLANCE:
        apply_transition(
            notice,
            CATCH_ALL,
            CatchAllTransition.MARK_FOR_PUBLICATION,
            actor=None,
            reason="Every Member State agreed (Art 5(6))",
        )
    else:
        apply_transition(
            notice,
            CATCH_ALL,
            CatchAllTransition.CLOSE_REVIEW,
            actor=None,
            reason="Every review is in or lapsed"
            + ("" if unanimous else "; not every Member State agreed"),
        )
    return notice


def withdraw(notice: CatchAllNotice, *, reason: str, actor: Actor) -> CatchAllNotice:
    who = officer(actor)
    if notice.authority_id != who.organisation.pk:
        raise InvalidInput("notice: only the notifying authority withdraws it")
    apply_transition(notice, CATCH_ALL, CatchAllTransition.WITHDRAW, actor=actor, reason=reason)
    return notice


def tick(*, today: date | None = None) -> dict[str, list[CatchAllReview]]:
    """Remind local reviewing authorities before their deadline; lapse passed reviews and
    settle their notices. Idempotent for one day."""
    day = today_or(today)
    reminded, lapsed = [], []
    open_reviews_ = CatchAllReview.objects.filter(
        state__in=[ReviewState.PENDING, ReviewState.EXTENDED],
        notice__state=CatchAllState.UNDER_REVIEW,
    ).select_related("notice")
    for review in open_reviews_:
        if day > review.deadline:
            with transaction.atomic():
                apply_transition(
                    review,
                    CATCH_ALL_REVIEW,
                    ReviewTransition.LAPSE,
                    actor=None,
                    reason=f"no answer by {review.deadline.isoformat()}",
                )
                settle(review.notice)
            lapsed.append(review)
            continue
        local = authority_of(review.member_state)
        if (
            local is not None
            and review.reminded_on is None
            and working_days_between(review.member_state, day, review.deadline)
            <= REMINDER_WORKING_DAYS
        ):
            with transaction.atomic():
                CatchAllReview.objects.filter(pk=review.pk).update(reminded_on=day)
                notify(
                    local,
                    f"Review the catch-all notice of {review.notice.member_state} by "
                    f"{review.deadline.isoformat()} (Art 5(5))",
                    _link(review.notice),
                )
            reminded.append(review)
    return {"reminded": reminded, "lapsed": lapsed}
