"""Open cases against denials notified, received or amended after their dossier ran.

A dossier checks the valid denials of other Member States when it runs (Art 16(5)). A denial
that comes later is checked here against the open cases of the other states' authorities on
this deployment: a case with an essentially identical transaction gets a new dossier version,
whose prior-denials section shows the match with its evidence, and its officer (else its
authority) is told. The grant guard checks live anyway (`decisions.on_decision`); this keeps
the dossier and "matches on my cases" current, so the consultation can start before the grant.

It also records the grants made here that a later refusal of another state matches
(`EarlierGrant`), for the consistency analytics.

`check_open_cases` runs after each local restrictive decision and each received notice or
update commits, and in the scheduled job, which takes what a failure left: each notice version
is checked once (`DenialNotice.cases_checked_version`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from licentia.applications.models import GoodsLine
from licentia.cases import services
from licentia.cases.models import Case, Outcome, RestrictiveKind
from licentia.controls.model import parent_path
from licentia.coordination import denials, facts
from licentia.coordination.matching import DenialIndex
from licentia.coordination.models import DenialNotice, EarlierGrant
from licentia.notifications.services import notify

log = logging.getLogger(__name__)


@dataclass
class Rechecked:
    notices: int = 0
    cases: list[Case] = field(default_factory=list)
    failed: int = 0
    earlier_grants: int = 0


def check_open_cases() -> Rechecked:
    """Check every valid notice not yet checked at its version against the open cases of the
    other Member States' authorities; a case that matches a notice its latest dossier does not
    list gets a new dossier and a notification. A refusal is also checked against the grants
    made here before it (`EarlierGrant`)."""
    done = Rechecked()
    with transaction.atomic():
        # Two runs at once (a push and the job) take different notices, never the same twice.
        pending = list(
            denials.valid_denials()
            .filter(cases_checked_version__lt=F("version"))
            .select_for_update(skip_locked=True)
            .order_by("pk")
        )
        if not pending:
            return done
        done.notices = len(pending)
        by_uid = {str(n.uid): n for n in pending}
        index = DenialIndex([facts.denied_transaction(n) for n in pending])
        open_cases = Case.objects.filter(state__in=services.ACTIVE_STATES)
        for case in _related(pending, open_cases):
            found = [by_uid[m.key] for m in index.matches(facts.case_transaction(case))]
            own = case.authority.member_state
            new = _not_in_dossier(case, [n for n in found if n.member_state != own])
            if not new:
                continue
            try:
                with transaction.atomic():
                    _refresh(case, new)
            except Exception:  # one case must not stop the others; its notices stay pending
                log.exception("case %s: re-running the dossier for new denials failed", case.pk)
                done.failed += 1
                continue
            done.cases.append(case)
        done.earlier_grants = _record_earlier_grants(pending, index)
        if not done.failed:
            for notice in pending:
                DenialNotice.objects.filter(pk=notice.pk, version=notice.version).update(
                    cases_checked_version=notice.version
                )
    return done


def on_restrictive_decision(sender: object, **_: Any) -> None:
    """Receiver of `restrictive_decision_recorded`, connected after the one that makes the
    denial notice."""
    check_open_cases_logged()


def check_open_cases_logged() -> None:
    """`check_open_cases` after a commit: a failure is logged and left to the scheduled job."""
    try:
        check_open_cases()
    except Exception:
        log.exception("open cases not checked against the new denials yet")


def _related(pending: list[DenialNotice], cases: QuerySet[Case]) -> QuerySet[Case]:
    """The `cases` with a goods line that may be essentially identical to an item of a
    pending denial: the same entry, one entry within the other, or both not listed
    (`matching.compare_items`). Only these have their parties screened."""
    lines = Q(pk__in=[])
    for notice in pending:
        for item in notice.items:
            entry = str(item.get("entry") or "")
            if not entry:
                lines |= Q(control_entry="")
                continue
            heads = [entry]
            while (parent := parent_path(heads[-1])) is not None:
                heads.append(parent)
            lines |= Q(control_entry__in=heads) | Q(control_entry__startswith=entry + ".")
    related = GoodsLine.objects.filter(lines, application=OuterRef("application"))
    return (
        cases.filter(Exists(related))
        .select_related("application", "authority", "assigned_to")
        .order_by("pk")
    )


def _record_earlier_grants(pending: list[DenialNotice], index: DenialIndex) -> int:
    """Grants made here, at most `REVIEW_YEARS` before, of what another state now refuses
    (`index`: the pending notices): recorded once per grant and refusal for the consistency
    analytics."""
    refusals = [n for n in pending if n.kind == RestrictiveKind.REFUSAL]
    if not refusals:
        return 0
    by_uid = {str(n.uid): n for n in refusals}
    earliest = min(n.decided_on for n in refusals) - timedelta(days=365 * denials.REVIEW_YEARS)
    granted = Case.objects.filter(
        decisions__outcome=Outcome.GRANT, decisions__decided_at__date__gte=earliest
    ).distinct()
    made = 0
    for case in _related(refusals, granted):
        grant = case.decisions.filter(outcome=Outcome.GRANT).order_by("-decided_at").first()
        assert grant is not None
        for match in index.matches(facts.case_transaction(case)):
            notice = by_uid.get(match.key)
            if notice is None or notice.member_state == case.authority.member_state:
                continue
            if grant.decided_at.date() > notice.decided_on:
                continue  # a grant after the refusal is a grant despite a denial
            _, created = EarlierGrant.objects.get_or_create(
                decision=grant, notice=notice, defaults={"score": match.score}
            )
            made += created
    return made


def _not_in_dossier(case: Case, notices: list[DenialNotice]) -> list[DenialNotice]:
    if not notices:
        return []
    dossier = services.latest_dossier(case)
    listed = {
        d.get("notice") for d in (dossier.prior_denials.get("denials", []) if dossier else [])
    }
    return [n for n in notices if str(n.uid) not in listed]


def _refresh(case: Case, notices: list[DenialNotice]) -> None:
    names = ", ".join(
        f"{n.get_kind_display().lower()} by {n.authority_name} ({n.member_state})" for n in notices
    )
    version = services.run_dossier(case, trigger=f"denial notified later: {names}", actor=None)
    notify(
        case.assigned_to or case.authority,
        f"Case {case.application}: a denial of another Member State concerns an essentially "
        f"identical transaction ({names}); dossier version {version.number} shows the match. "
        "Consult the issuing state before a grant (Art 16(5)).",
        reverse("cases:case", args=[case.pk]),
    )
