"""Denial notices: made from every restrictive decision (Art 16(1)-(2)), reviewed within three
years and then revoked, amended or renewed (Art 16(3)), each step told to the other Member
States and the Commission."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from licentia.audit.services import Actor, apply_transition, record
from licentia.cases.models import RestrictiveDecision, RestrictiveKind
from licentia.coordination import facts, outbox
from licentia.coordination.common import tell_authorities, today_or
from licentia.coordination.models import ConfidentialityRules, DenialNotice
from licentia.coordination.states import DENIAL, VALID_DENIAL_STATES, DenialTransition
from licentia.errors import InvalidInput
from licentia.notifications.services import notify
from licentia.rules.model import PartyRole

log = logging.getLogger(__name__)

# Art 16(3): reviewed within three years of notification, and every three years after.
REVIEW_YEARS = 3
# Reminders to the issuing authority before the review is due (days), then when overdue.
REMINDER_DAYS = (90, 30)
OVERDUE = "overdue"
AMENDABLE = frozenset(
    {"criteria", "reasoning", "items", "end_users", "consignees", "destinations", "exporter"}
)


def review_due(notified_on: date) -> date:
    """Three years after `notified_on`; 29 February falls back to 28 February."""
    try:
        return notified_on.replace(year=notified_on.year + REVIEW_YEARS)
    except ValueError:
        return notified_on.replace(year=notified_on.year + REVIEW_YEARS, day=28)


def rules_of(authority_id: int) -> ConfidentialityRules:
    """The authority's confidentiality rules, or the defaults when it has set none."""
    stored = ConfidentialityRules.objects.filter(authority_id=authority_id).first()
    return stored or ConfidentialityRules(authority_id=authority_id)


def on_restrictive_decision(sender: object, *, decision: RestrictiveDecision, **_: Any) -> None:
    """Receiver of `restrictive_decision_recorded` (sent after the decision commits).

    A failure is logged and left to the scheduled job, which makes the notices of decisions
    that have none (`notify_pending_decisions`); the decision itself stands either way.
    """
    try:
        notify_decision(decision)
    except Exception:
        log.exception("denial notice of restrictive decision %s not made yet", decision.pk)


def notify_decision(decision: RestrictiveDecision, *, today: date | None = None) -> DenialNotice:
    """The denial notice of one restrictive decision, made once (Art 16(2)).

    A refusal upheld after an appeal amends the case's refusal notice instead of adding a
    second one.
    """
    existing = DenialNotice.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    day = today_or(today)
    content = _content(decision)
    if decision.kind == RestrictiveKind.REFUSAL:
        earlier = DenialNotice.objects.filter(
            decision__case=decision.case_id,
            kind=RestrictiveKind.REFUSAL,
            state__in=VALID_DENIAL_STATES,
        ).first()
        if earlier is not None:
            return amend(
                earlier,
                changes=content,
                reason=f"Refusal upheld on {decision.decided_at.date().isoformat()}",
                actor=decision.decided_by,
                today=day,
            )
    with transaction.atomic():
        notice = DenialNotice.objects.create(
            kind=decision.kind,
            decision=decision,
            authority=decision.authority,
            member_state=decision.authority.member_state,
            authority_name=decision.authority.name,
            decided_on=decision.decided_at.date(),
            notified_on=day,
            review_due=review_due(day),
            **content,
        )
        record(
            actor=decision.decided_by,
            action="denial.notify",
            obj=notice,
            to_state=notice.state,
            payload={"decision": decision.pk, "withheld": notice.withheld},
        )
        outbox.send(outbox.denial_notice_payload(notice))
        tell_authorities(
            f"{notice.authority_name} ({notice.member_state}) notified a denial: "
            f"{notice.get_kind_display()} for {', '.join(notice.destinations) or 'no destination'}",
            reverse("coordination:denial", args=[notice.pk]),
            besides=notice.member_state,
        )
    return notice


def _content(decision: RestrictiveDecision) -> dict[str, Any]:
    """What the notice shares, with the issuing authority's confidentiality rules applied."""
    rules = rules_of(decision.authority_id)
    application = decision.case.application
    lines = {(i.get("entry", ""), i.get("description", "")): i for i in facts.items(application)}
    items = []
    for copied in decision.items:
        known = lines.get((copied.get("entry", ""), copied.get("description", "")), {})
        items.append(known | copied)
    withheld = []
    if not rules.share_values:
        withheld.append("quantities and values")
        items = [{k: v for k, v in i.items() if k not in ("quantity", "value_eur")} for i in items]
    if not rules.share_reasoning:
        withheld.append("reasoning")
    if not rules.share_addresses:
        withheld.append("addresses")
    if not rules.share_exporter:
        withheld.append("exporter")
    end_users = facts.parties(application, PartyRole.END_USER, address=rules.share_addresses)
    by_name = {(p["name"], p["country"]): p for p in end_users}
    return {
        "criteria": list(decision.criteria),
        "reasoning": decision.reason if rules.share_reasoning else "",
        "items": items,
        # The decision's copy decides who the end users are (a licence's, as granted).
        "end_users": [
            by_name.get((u.get("name"), u.get("country")), {})
            | {k: v for k, v in u.items() if rules.share_addresses or k != "address"}
            for u in decision.end_users
        ],
        "consignees": facts.parties(
            application, PartyRole.CONSIGNEE, address=rules.share_addresses
        ),
        "destinations": list(decision.destinations),
        "exporter": facts.exporter(application) if rules.share_exporter else {},
        "withheld": withheld,
    }


def notify_pending_decisions(*, today: date | None = None) -> list[DenialNotice]:
    """Notices for restrictive decisions that have none yet (the scheduled job's catch-up)."""
    pending = RestrictiveDecision.objects.filter(denial_notice__isnull=True).order_by("pk")
    return [notify_decision(decision, today=today) for decision in pending]


# -- review (Art 16(3)) ------------------------------------------------------------------


def review(
    notice: DenialNotice,
    *,
    outcome: str,
    reason: str,
    actor: Actor,
    changes: dict[str, Any] | None = None,
    today: date | None = None,
) -> DenialNotice:
    """The result of a review (Art 16(3)): `amend` (with `changes`), `renew` or `revoke`."""
    if outcome not in DenialTransition.__members__.values():
        raise InvalidInput("outcome: choose amend, renew or revoke", details={"field": "outcome"})
    if outcome == DenialTransition.AMEND:
        return amend(notice, changes=changes or {}, reason=reason, actor=actor, today=today)
    if changes:
        raise InvalidInput(
            "changes: only an amendment changes the notice's content", details={"field": "changes"}
        )
    return _review(notice, DenialTransition(outcome), reason=reason, actor=actor, today=today)


def amend(
    notice: DenialNotice,
    *,
    changes: dict[str, Any],
    reason: str,
    actor: Actor,
    today: date | None = None,
) -> DenialNotice:
    """Amend the notice's content on review or on new facts; the next review is due three
    years from today."""
    unknown = sorted(set(changes) - AMENDABLE - {"withheld"})
    if unknown:
        raise InvalidInput(
            f"changes: cannot amend {', '.join(unknown)}; amend {', '.join(sorted(AMENDABLE))}",
            details={"field": "changes"},
        )
    return _review(
        notice, DenialTransition.AMEND, reason=reason, actor=actor, today=today, **changes
    )


def renew(
    notice: DenialNotice, *, reason: str, actor: Actor, today: date | None = None
) -> DenialNotice:
    """Renew unchanged for another three years."""
    return _review(notice, DenialTransition.RENEW, reason=reason, actor=actor, today=today)


def revoke(
    notice: DenialNotice, *, reason: str, actor: Actor, today: date | None = None
) -> DenialNotice:
    """Revoke: the denial is no longer valid and no longer stops a grant elsewhere."""
    return _review(notice, DenialTransition.REVOKE, reason=reason, actor=actor, today=today)


def _review(
    notice: DenialNotice,
    name: DenialTransition,
    *,
    reason: str,
    actor: Actor,
    today: date | None,
    **changes: Any,
) -> DenialNotice:
    if not notice.is_local:
        raise InvalidInput(
            "a notice received from another Member State changes only by that state's update",
            details={"field": "notice"},
        )
    day = today_or(today)
    schedule = {"reviewed_on": day, "review_due": review_due(day), "reminders": []}
    with transaction.atomic():
        apply_transition(
            notice,
            DENIAL,
            name,
            actor=actor,
            reason=reason,
            payload={"changed": sorted(changes)},
            changes=schedule | changes,
        )
        outbox.send(outbox.denial_update_payload(notice, transition=name.value, reason=reason))
        tell_authorities(
            f"{notice.authority_name} ({notice.member_state}) {_past(name)} its denial notice "
            f"of {notice.decided_on.isoformat()}: {reason}",
            reverse("coordination:denial", args=[notice.pk]),
            besides=notice.member_state,
        )
    return notice


def _past(name: DenialTransition) -> str:
    return {
        DenialTransition.AMEND: "amended",
        DenialTransition.RENEW: "renewed",
        DenialTransition.REVOKE: "revoked",
    }[name]


def send_review_reminders(*, today: date | None = None) -> list[tuple[DenialNotice, str]]:
    """Remind each issuing authority of reviews due within `REMINDER_DAYS` or overdue, once
    per stage and review date (Art 16(3))."""
    day = today_or(today)
    horizon = day + timedelta(days=max(REMINDER_DAYS))
    sent = []
    due = DenialNotice.objects.filter(
        authority__isnull=False, state__in=VALID_DENIAL_STATES, review_due__lte=horizon
    ).select_related("authority")
    for notice in due:
        stage = _stage(notice.review_due, day)
        if stage is None or stage in notice.reminders:
            continue
        assert notice.authority is not None, "only local notices are reminded"
        when = (
            f"was due on {notice.review_due.isoformat()} and is overdue"
            if stage == OVERDUE
            else f"is due by {notice.review_due.isoformat()}"
        )
        with transaction.atomic():
            DenialNotice.objects.filter(pk=notice.pk).update(reminders=[*notice.reminders, stage])
            record(
                actor=None, action="denial.review-reminder", obj=notice, payload={"stage": stage}
            )
            notify(
                notice.authority,
                f"The review of your denial notice of {notice.decided_on.isoformat()} "
                f"({notice.get_kind_display()}) {when}: revoke, amend or renew it (Art 16(3))",
                reverse("coordination:denial", args=[notice.pk]),
            )
        sent.append((notice, stage))
    return sent


def _stage(due: date, day: date) -> str | None:
    """The reminder stage a review due on `due` is at on `day`: the nearest one reached."""
    if day > due:
        return OVERDUE
    reached = [days for days in REMINDER_DAYS if (due - day).days <= days]
    return str(min(reached)) if reached else None


def valid_denials() -> QuerySet[DenialNotice]:
    """The denial notices that stand (not revoked), of every Member State."""
    return DenialNotice.objects.filter(state__in=VALID_DENIAL_STATES)


def valid_denials_of_others(member_state: str) -> QuerySet[DenialNotice]:
    """The valid denial notices of every other Member State (Art 16(5))."""
    return valid_denials().exclude(member_state=member_state)
