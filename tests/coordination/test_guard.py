"""Prior denials in the dossier and the grant guard (Art 14(1), Art 16(5))."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Organisation
from licentia.cases import services
from licentia.coordination import consultations
from licentia.coordination.decisions import (
    BindingObjection,
    ConsultationPending,
    ConsultationRequired,
)
from licentia.coordination.models import ConsultationKind, GrantDespiteDenial, OutgoingMessage
from licentia.licences.models import Licence
from licentia.notifications.models import Notification
from tests.coordination.conftest import MakeCase, ready_to_grant, refuse

pytestmark = pytest.mark.django_db


def test_a_denial_elsewhere_shows_in_the_dossier_with_evidence_and_score(
    make_case: MakeCase, officer_fr: AbstractBaseUser, de: Organisation
) -> None:
    notice = refuse(make_case("FR", end_user="Gulf Telecom Operations LLC"), officer_fr)
    case = make_case("DE", end_user="Gulf Telecom Operation L.L.C.", entry="5A001.j.1")
    section = services.latest_dossier(case).prior_denials  # type: ignore[union-attr]
    match = section["denials"][0]
    assert match["notice"] == str(notice.uid)
    assert match["member_state"] == "FR"
    assert 0.7 < match["score"] <= 1
    assert match["items"][0]["relation"] == "sub-entry"
    assert "matched" in match["parties"][0]["explanation"]
    assert section["consultations_needed"] == [
        {
            "member_state": "FR",
            "denials": [str(notice.uid)],
            "consultation": None,
            "completed": False,
        }
    ]
    # A clearly different transaction: another end user, another entry.
    other = make_case("DE", end_user="Oslo Harbour Authority", destinations=("NO",))
    assert services.latest_dossier(other).prior_denials["denials"] == []  # type: ignore[union-attr]
    # One's own state's denials are not "other states'" (Art 16(5)).
    own = make_case("FR", end_user="Gulf Telecom Operations LLC")
    assert all("score" not in d for d in services.latest_dossier(own).prior_denials["denials"])  # type: ignore[union-attr]


def test_grant_needs_a_completed_consultation_and_is_then_notified(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    officer_nl: AbstractBaseUser,
) -> None:
    denial = refuse(make_case("FR"), officer_fr)
    case = make_case("DE")
    ready_to_grant(case, officer_de)
    with pytest.raises(ConsultationRequired, match="consult FR first") as refused:
        services.decide(case, actor=officer_de)
    assert refused.value.details["missing"][0]["member_state"] == "FR"
    case.refresh_from_db()
    assert case.state == "ready-for-decision"
    assert not Licence.objects.exists()
    consultation = consultations.request(
        case,
        kind=ConsultationKind.IDENTICAL_TRANSACTION,
        consulted_member_state="FR",
        question="You refused this end user; anything new?",
        denials=[denial],
        actor=officer_de,
    )
    with pytest.raises(ConsultationRequired):
        services.decide(case, actor=officer_de)  # asked, not answered
    consultations.reply(
        consultation, outcome="objection", text="We still see the risk.", actor=officer_fr
    )
    decision = services.decide(case, actor=officer_de)  # an Art 16(5) objection does not bind
    assert decision.outcome == "grant"
    grant = GrantDespiteDenial.objects.get()
    assert list(grant.denials.all()) == [denial]
    assert grant.reasons == "The end user's safeguards answer the concern."
    assert grant.consultations == [str(consultation.uid)]
    message = OutgoingMessage.objects.get(kind="grant-despite-denial")
    assert message.recipients == []
    assert message.to_commission
    for user in (officer_fr, officer_nl):
        assert Notification.objects.filter(
            user=user, text__contains="despite a valid denial"
        ).exists()


def test_a_lapsed_consultation_counts_as_held(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    denial = refuse(make_case("FR"), officer_fr)
    case = make_case("DE")
    ready_to_grant(case, officer_de)
    consultation = consultations.request(
        case,
        kind=ConsultationKind.IDENTICAL_TRANSACTION,
        consulted_member_state="FR",
        question="?",
        denials=[denial],
        actor=officer_de,
        today=date(2026, 3, 2),
    )
    consultations.tick(today=date(2026, 3, 20))
    consultation.refresh_from_db()
    assert consultation.state == "lapsed"
    assert services.decide(case, actor=officer_de).outcome == "grant"


def test_a_revoked_denial_no_longer_stands(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    from licentia.coordination import denials

    denial = refuse(make_case("FR"), officer_fr)
    denials.revoke(denial, reason="End user dissolved.", actor=officer_fr)
    case = make_case("DE")
    ready_to_grant(case, officer_de)
    assert services.decide(case, actor=officer_de).outcome == "grant"
    assert not GrantDespiteDenial.objects.exists()


def test_art_14_1_objection_binds_and_an_open_one_waits(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    case = make_case("DE", end_user="Unrelated Buyer SA")
    ready_to_grant(case, officer_de)
    consultation = consultations.request(
        case,
        kind=ConsultationKind.ITEMS_ELSEWHERE,
        consulted_member_state="FR",
        question="The probes are stored in Lyon: any objection?",
        actor=officer_de,
    )
    with pytest.raises(ConsultationPending):
        services.decide(case, actor=officer_de)
    consultations.reply(consultation, outcome="objection", text="Objection.", actor=officer_fr)
    with pytest.raises(BindingObjection, match="binds"):
        services.decide(case, actor=officer_de)


def test_a_grant_on_appeal_revokes_the_own_refusal_notice(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    case = make_case("DE")
    notice = refuse(case, officer_de)
    ready_to_grant(case, officer_de)
    services.decide(case, actor=officer_de)
    notice.refresh_from_db()
    assert notice.state == "revoked"


def test_the_kept_denial_index_follows_every_change(
    make_case: MakeCase, officer_fr: AbstractBaseUser, de: Organisation
) -> None:
    """The index of valid denials is kept between checks, and every change is seen: a new
    denial, an amendment of its end user, a revocation."""
    from licentia.coordination import decisions, denials

    case = make_case("DE", end_user="Gulf Telecom Operations LLC")
    assert decisions.matches_for_case(case) == []
    notice = refuse(make_case("FR", end_user="Gulf Telecom Operations"), officer_fr)
    assert [m.notice.uid for m in decisions.matches_for_case(case)] == [notice.uid]
    kept = decisions._kept[0]
    assert [m.notice.uid for m in decisions.matches_for_case(case)] == [notice.uid]
    assert decisions._kept[0] is kept  # nothing changed: not rebuilt

    moved = {"name": "Harbour Logistics BV", "country": "NL", "type": "private"}
    denials.amend(notice, changes={"end_users": [moved]}, reason="Wrong party", actor=officer_fr)
    assert decisions.matches_for_case(case) == []
    back = {"name": "Gulf Telecom Operations", "country": "AE", "type": "telecom-operator"}
    denials.amend(notice, changes={"end_users": [back]}, reason="Party restored", actor=officer_fr)
    assert [m.notice.version for m in decisions.matches_for_case(case)] == [3]
    denials.revoke(notice, reason="End user dissolved.", actor=officer_fr)
    assert decisions.matches_for_case(case) == []
