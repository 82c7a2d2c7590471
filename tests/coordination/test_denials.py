"""Denial notices (Art 16(2)): made from the signal, confidentiality, the 3-year review."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.models import Organisation
from licentia.audit.services import history
from licentia.cases.models import RestrictiveKind
from licentia.cases.restrictive import record_restrictive_decision
from licentia.coordination import denials, tick
from licentia.coordination.models import ConfidentialityRules, DenialNotice, OutgoingMessage
from licentia.errors import IllegalTransition, InvalidInput
from licentia.notifications.models import Notification
from tests.coordination.conftest import MakeCase, refuse

pytestmark = pytest.mark.django_db


def test_every_restrictive_decision_is_notified_after_commit(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    case = make_case("DE", consignee="Dubai Freight Forwarders", address="PO Box 1234, Dubai")
    with django_capture_on_commit_callbacks(execute=True):
        decision = record_restrictive_decision(
            kind=RestrictiveKind.REFUSAL,
            case=case,
            reason="Clear risk.",
            criteria=["cp-2", "cp-7"],
            actor=officer_de,
        )
    notice = DenialNotice.objects.get(decision=decision)
    assert notice.state == "valid"
    assert (notice.member_state, notice.authority_name, notice.kind) == ("DE", "BAFA", "refusal")
    assert notice.criteria == ["cp-2", "cp-7"]
    assert notice.items[0]["entry"] == "5A001.j"
    assert notice.items[0]["list_version"] == ""
    assert "value_eur" not in notice.items[0]  # commercial: not shared by default
    assert notice.end_users[0]["name"] == "Gulf Telecom Operations"
    assert notice.end_users[0]["address"] == "PO Box 1234, Dubai"
    assert notice.consignees[0]["name"] == "Dubai Freight Forwarders"
    assert notice.exporter == {"name": "Acme Surveillance", "member_state": "DE", "eori": "DE1"}
    assert notice.withheld == ["quantities and values"]
    assert notice.review_due == date(
        notice.notified_on.year + 3, notice.notified_on.month, notice.notified_on.day
    )
    message = OutgoingMessage.objects.get(kind="denial-notice")
    assert message.payload["notice"]["id"] == str(notice.uid)
    assert message.recipients == []
    assert message.to_commission
    # The other state's officers hear of it; the issuing state's do not.
    assert Notification.objects.filter(user=officer_fr, text__contains="notified a denial").exists()
    assert not Notification.objects.filter(
        user=officer_de, text__contains="notified a denial"
    ).exists()
    # Made once, whatever the retries (the scheduled job's catch-up too).
    assert denials.notify_decision(decision) == notice
    assert tick.tick().notices_made == 0


def test_confidentiality_rules_of_the_issuing_authority(
    make_case: MakeCase, officer_de: AbstractBaseUser, de: Organisation
) -> None:
    ConfidentialityRules.objects.create(
        authority=de,
        share_exporter=False,
        share_values=True,
        share_reasoning=False,
        share_addresses=False,
    )
    notice = refuse(make_case("DE", address="Secret street 1"), officer_de)
    assert notice.exporter == {}
    assert notice.reasoning == ""
    assert notice.items[0]["value_eur"] == "120000.00"
    assert notice.end_users[0]["address"] == ""
    assert notice.withheld == ["reasoning", "addresses", "exporter"]
    payload = OutgoingMessage.objects.get().payload["notice"]
    assert payload["exporter"] is None
    assert payload["reasoning"] == ""


def test_the_three_year_review_reminds_then_renews(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    notice = refuse(make_case("DE"), officer_de, today=date(2026, 3, 2))
    assert notice.review_due == date(2029, 3, 2)
    assert tick.tick(today=date(2028, 11, 1)).review_reminders == 0
    assert tick.tick(today=date(2028, 12, 2)).review_reminders == 1  # 90 days before
    assert tick.tick(today=date(2028, 12, 20)).review_reminders == 0  # once per stage
    assert tick.tick(today=date(2029, 2, 1)).review_reminders == 1  # 30 days before
    assert tick.tick(today=date(2029, 3, 3)).review_reminders == 1  # overdue
    assert tick.tick(today=date(2029, 4, 3)).review_reminders == 0
    notice.refresh_from_db()
    assert notice.reminders == ["90", "30", "overdue"]
    assert Notification.objects.filter(user=officer_de, text__contains="overdue").count() == 1
    denials.review(
        notice, outcome="renew", reason="Risk unchanged.", actor=officer_de, today=date(2029, 3, 5)
    )
    assert (notice.state, notice.reviewed_on, notice.review_due) == (
        "renewed",
        date(2029, 3, 5),
        date(2032, 3, 5),
    )
    assert notice.reminders == []
    update = OutgoingMessage.objects.get(kind="denial-update")
    assert update.payload["transition"] == "renew"
    assert [e.action for e in history(notice)][-1] == "denial.renew"


def test_amend_then_revoke_and_a_revoked_notice_stays_revoked(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    notice = refuse(make_case("DE"), officer_de)
    with pytest.raises(InvalidInput, match="cannot amend kind"):
        denials.amend(notice, changes={"kind": "revocation"}, reason="x", actor=officer_de)
    denials.amend(
        notice, changes={"destinations": ["AE", "QA"]}, reason="Also Qatar.", actor=officer_de
    )
    notice.refresh_from_db()
    assert (notice.state, notice.destinations) == ("amended", ["AE", "QA"])
    denials.review(notice, outcome="revoke", reason="End user dissolved.", actor=officer_de)
    assert notice.state == "revoked"
    with pytest.raises(IllegalTransition):
        denials.review(notice, outcome="renew", reason="x", actor=officer_de)
    assert [
        m.payload["transition"] for m in OutgoingMessage.objects.filter(kind="denial-update")
    ] == [
        "amend",
        "revoke",
    ]


def test_a_refusal_upheld_on_appeal_amends_its_notice(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    case = make_case("DE")
    first = refuse(case, officer_de)
    again = refuse(case, officer_de)
    assert again.pk == first.pk
    assert again.state == "amended"
    assert DenialNotice.objects.count() == 1


def test_licence_suspension_is_a_notice_of_its_own_kind(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    decision = record_restrictive_decision(
        kind=RestrictiveKind.SUSPENSION,
        case=make_case("DE"),
        reason="Under investigation.",
        actor=officer_de,
    )
    assert denials.notify_decision(decision).get_kind_display() == "Suspension of an authorisation"
