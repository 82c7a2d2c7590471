"""Where coordination meets the case: the prior-denials section of the dossier, and the checks
and notices of a decision.

`cases.services.run_dossier` calls `prior_denials_section`; `cases.services.decide` calls
`on_decision` inside its transaction, before anything is written, so a refused grant leaves
the case as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from licentia.audit.services import Actor, record
from licentia.cases.models import Case, Outcome, RestrictiveKind
from licentia.coordination import catchall, denials, facts, outbox
from licentia.coordination.common import tell_authorities
from licentia.coordination.matching import DenialIndex, Match
from licentia.coordination.models import (
    Consultation,
    ConsultationKind,
    DenialNotice,
    GrantDespiteDenial,
    ReplyOutcome,
)
from licentia.coordination.states import VALID_DENIAL_STATES, ConsultationState
from licentia.errors import Conflict

NOTE = (
    "Prior denials, as the coordination issue fills this section: the restrictive decisions of "
    "your authority recorded in Licentia on the same end users, and the valid denials of other "
    "Member States for essentially identical transactions (Art 2(22), Art 16(5)), each with its "
    "score and evidence (Coordination, matches on my cases). Granting while one stands needs a "
    "completed consultation with the issuing state."
)


class ConsultationRequired(Conflict):
    """A grant while another state's valid denial concerns an essentially identical
    transaction, without a completed Art 16(5) consultation of that state."""

    code = "consultation_required"


class BindingObjection(Conflict):
    """The Member State where the items are located objected (Art 14(1)): no grant."""

    code = "binding_objection"


class ConsultationPending(Conflict):
    """An Art 14(1) consultation is still open: the consulted state may still object."""

    code = "consultation_pending"


@dataclass(frozen=True)
class DenialMatch:
    notice: DenialNotice
    match: Match

    def as_dict(self) -> dict[str, Any]:
        notice, best = self.notice, self.match.parties[0]
        return self.match.as_dict() | {
            "notice": str(notice.uid),
            "notice_id": notice.pk,
            "kind": notice.kind,
            "kind_description": notice.get_kind_display(),
            "state": notice.state,
            "authority": notice.authority_name,
            "member_state": notice.member_state,
            "decided_at": notice.decided_on.isoformat(),
            "criteria": list(notice.criteria),
            "destinations": list(notice.destinations),
            "end_user": {"name": best.denied_name, "role": best.denied_role},
        }


def matches_for_case(case: Case) -> list[DenialMatch]:
    """The valid denials of other Member States for transactions essentially identical to the
    case's (Art 2(22), Art 16(5)), best first."""
    found = _denial_index().matches(facts.case_transaction(case))
    others = denials.valid_denials_of_others(case.authority.member_state)
    notices = {str(n.uid): n for n in others.filter(uid__in=[m.key for m in found])}
    return [DenialMatch(notices[m.key], m) for m in found if m.key in notices]


@dataclass(frozen=True)
class _KeptIndex:
    denials: frozenset[tuple[uuid.UUID, int]]  # (uid, version) of each denial indexed
    index: DenialIndex


# One per process, of every valid denial: building it takes about a second for 4,000 denials
# and checking a case against it a few ms (benchmarks/coordination), so it is rebuilt only
# when a valid denial was added, changed (its version) or left the valid set. Compared by
# uid, not row id, so that a restored database never passes for the one indexed.
_kept: list[_KeptIndex] = []


def _denial_index() -> DenialIndex:
    valid = denials.valid_denials()
    current = frozenset(valid.values_list("uid", "version"))
    if not _kept or _kept[0].denials != current:
        notices = list(valid)
        index = DenialIndex([facts.denied_transaction(n) for n in notices])
        _kept[:] = [_KeptIndex(frozenset((n.uid, n.version) for n in notices), index)]
    return _kept[0].index


def prior_denials_section(case: Case, recorded: dict[str, Any]) -> dict[str, Any]:
    """The dossier's prior-denials section: the restrictive decisions of the case's own
    authority recorded in Licentia on the same end users (`recorded`, as the dossier found
    them), and the other Member States' essentially identical denials with score and evidence.
    """
    own_state = case.authority.member_state
    matches = matches_for_case(case)
    return {
        "status": "complete",
        "note": NOTE,
        "denials": [d for d in recorded.get("denials", []) if d.get("member_state") == own_state]
        + [m.as_dict() for m in matches],
        "consultations_needed": _missing(case, matches),
    }


def _missing(case: Case, matches: list[DenialMatch]) -> list[dict[str, Any]]:
    """Per issuing state of a match: its denials, and whether an Art 16(5) consultation of
    that state on this case is completed."""
    by_state: dict[str, list[str]] = {}
    for found in matches:
        by_state.setdefault(found.notice.member_state, []).append(str(found.notice.uid))
    held = {
        c.consulted_member_state: c.state
        for c in Consultation.objects.filter(
            case=case, kind=ConsultationKind.IDENTICAL_TRANSACTION
        ).order_by("pk")
    }
    return [
        {
            "member_state": state,
            "denials": uids,
            "consultation": held.get(state),
            "completed": held.get(state) in (ConsultationState.REPLIED, ConsultationState.LAPSED),
        }
        for state, uids in sorted(by_state.items())
    ]


def on_decision(case: Case, *, outcome: str, actor: Actor) -> None:
    """Checks and notices of a decision, in the decision's transaction.

    Before a grant: an open Art 14(1) consultation or a binding objection stops it
    (`ConsultationPending`, `BindingObjection`), and so does a standing match without a
    completed Art 16(5) consultation of the issuing state (`ConsultationRequired`, naming
    the state and its denials). A grant despite a match is told to every Member State and the
    Commission with the reasons (Art 16(5)); a grant after an appeal revokes the case's own
    refusal notice. A grant or refusal of non-listed items imposes a catch-all requirement
    that the other states hear of (Art 4, Art 5(4)).
    """
    if outcome == Outcome.GRANT:
        _check_art14_1(case)
        matches = matches_for_case(case)
        missing = [m for m in _missing(case, matches) if not m["completed"]]
        if missing:
            states = ", ".join(m["member_state"] for m in missing)
            raise ConsultationRequired(
                f"a valid denial of {states} concerns an essentially identical transaction "
                f"(Art 16(5)): consult {states} first and wait for the reply or the deadline",
                details={"case": case.pk, "missing": missing},
            )
        if matches:
            _grant_despite_denial(case, matches, actor=actor)
        for notice in DenialNotice.objects.filter(
            decision__case=case, kind=RestrictiveKind.REFUSAL, state__in=VALID_DENIAL_STATES
        ):
            denials.revoke(notice, reason="Granted after an appeal", actor=actor)
    if outcome in (Outcome.GRANT, Outcome.REFUSE):
        catchall.imposed_by_decision(case, actor=actor)


def _check_art14_1(case: Case) -> None:
    held = Consultation.objects.filter(case=case, kind=ConsultationKind.ITEMS_ELSEWHERE)
    pending = [c.consulted_member_state for c in held if ConsultationState(c.state).is_open]
    if pending:
        raise ConsultationPending(
            f"the Art 14(1) consultation of {', '.join(pending)} is open: wait for the reply "
            "or the deadline",
            details={"case": case.pk, "member_states": pending},
        )
    objecting = [
        c.consulted_member_state
        for c in held
        if c.state == ConsultationState.REPLIED and c.outcome == ReplyOutcome.OBJECTION
    ]
    if objecting:
        raise BindingObjection(
            f"{', '.join(objecting)} objected under Art 14(1), where the items are located: "
            "the objection binds, so the licence cannot be granted",
            details={"case": case.pk, "member_states": objecting},
        )


def _grant_despite_denial(case: Case, matches: list[DenialMatch], *, actor: Actor) -> None:
    recommendation = case.recommendations.order_by("-recommended_at", "-pk").first()
    reasons = recommendation.reasoning if recommendation is not None else ""
    with transaction.atomic():
        grant = GrantDespiteDenial.objects.create(
            case=case,
            authority=case.authority,
            member_state=case.authority.member_state,
            authority_name=case.authority.name,
            granted_on=timezone.localdate(),
            reasons=reasons,
            consultations=[
                str(uid)
                for uid in Consultation.objects.filter(
                    case=case, kind=ConsultationKind.IDENTICAL_TRANSACTION
                ).values_list("uid", flat=True)
            ],
            scores={str(m.notice.uid): m.match.score for m in matches},
        )
        grant.denials.set([m.notice for m in matches])
        record(
            actor=actor,
            action="grant-despite-denial",
            obj=grant,
            reason=reasons,
            payload={"case": case.pk, "denials": [str(m.notice.uid) for m in matches]},
        )
        outbox.send(outbox.grant_despite_denial_payload(grant))
        tell_authorities(
            f"{grant.authority_name} ({grant.member_state}) granted a licence despite a valid "
            f"denial of {', '.join(sorted({m.notice.member_state for m in matches}))} for an "
            "essentially identical transaction (Art 16(5))",
            reverse("coordination:grants"),
            besides=grant.member_state,
        )
