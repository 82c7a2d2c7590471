"""The payloads of every message type, applied on another deployment, once."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from licentia.accounts.models import Organisation
from licentia.coordination import catchall, consultations, denials, outbox
from licentia.coordination.incoming import apply_incoming
from licentia.coordination.models import (
    CatchAllNotice,
    Consultation,
    ConsultationKind,
    DenialNotice,
    GrantDespiteDenial,
    IncomingMessage,
    OutgoingMessage,
)
from licentia.errors import InvalidInput, NotFound
from tests.coordination.conftest import MakeCase, refuse

pytestmark = pytest.mark.django_db


def sent(kind: str) -> dict[str, Any]:
    """The last outbox payload of `kind`, through JSON as the exchange carries it."""
    return json.loads(json.dumps(OutgoingMessage.objects.filter(kind=kind).last().payload))  # type: ignore[union-attr]


def as_remote(*models: type) -> None:
    """Forget what this deployment made, as if the payloads came from elsewhere."""
    for model in models:
        model.objects.all().delete()


def test_outbox_order_and_payload_envelope(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    notice = refuse(make_case("DE"), officer_de)
    denials.renew(notice, reason="Unchanged.", actor=officer_de)
    pending = list(outbox.pending(after=0))
    assert [m.kind for m in pending] == ["denial-notice", "denial-update"]
    assert list(outbox.pending(after=pending[0].pk)) == pending[1:]
    payload = pending[0].payload
    assert payload["schema"] == "licentia.coordination/1"
    assert payload["type"] == "denial-notice"
    assert payload["member_state"] == "DE"
    assert uuid.UUID(payload["message_id"]) == pending[0].message_id


def test_denial_notice_and_update_received_once(
    make_case: MakeCase, officer_de: AbstractBaseUser, fr: Organisation
) -> None:
    notice = refuse(make_case("DE"), officer_de)
    first = sent("denial-notice")
    denials.amend(
        notice, changes={"destinations": ["AE", "OM"]}, reason="Also Oman.", actor=officer_de
    )
    update = sent("denial-update")
    uid = notice.uid
    DenialNotice.objects.filter(pk=notice.pk).update(decision=None, authority=None)
    DenialNotice.objects.all().delete()
    with pytest.raises(NotFound):
        apply_incoming("denial-update", update, sender="DE")  # before its notice: retried later
    applied = apply_incoming("denial-notice", first, sender="DE")
    received = applied.object
    assert not applied.duplicate
    assert (received.uid, received.authority, received.state) == (uid, None, "valid")
    assert received.received_at is not None
    again = apply_incoming("denial-notice", first, sender="DE")
    assert again.duplicate
    assert again.object.pk == received.pk
    assert DenialNotice.objects.count() == 1
    apply_incoming("denial-update", update, sender="DE")
    received.refresh_from_db()
    assert (received.state, received.destinations) == ("amended", ["AE", "OM"])
    assert apply_incoming("denial-update", update, sender="DE").duplicate
    assert IncomingMessage.objects.count() == 2


def test_a_payload_for_another_state_or_of_the_wrong_shape_changes_nothing(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    refuse(make_case("DE"), officer_de)
    payload = sent("denial-notice")
    with pytest.raises(InvalidInput, match="cannot send for FR"):
        apply_incoming("denial-notice", payload, sender="FR")
    with pytest.raises(InvalidInput, match="not a catch-all-notice"):
        apply_incoming("catch-all-notice", payload | {"notice": {}}, sender="DE")
    broken = payload | {"notice": payload["notice"] | {"decided_on": "yesterday"}}
    with pytest.raises(InvalidInput, match=r"notice\.decided_on"):
        apply_incoming("denial-notice", broken, sender="DE")
    with pytest.raises(InvalidInput, match="unknown message type"):
        apply_incoming("gossip", payload, sender="DE")
    assert not IncomingMessage.objects.exists()


def test_consultation_request_reply_and_extension_between_deployments(
    make_case: MakeCase,
    officer_de: AbstractBaseUser,
    officer_fr: AbstractBaseUser,
    fr: Organisation,
) -> None:
    # DE's deployment asks FR.
    consultation = consultations.request(
        make_case("DE"),
        kind=ConsultationKind.ITEMS_ELSEWHERE,
        consulted_member_state="FR",
        question="Objection?",
        actor=officer_de,
        today=date(2026, 4, 30),
    )
    request = sent("consultation-request")
    assert request["consultation"]["deadline"] == "2026-05-19"
    assert request["consultation"]["subject"]["end_users"][0]["name"] == "Gulf Telecom Operations"
    # FR's deployment receives it (here: the same database with DE's copy removed).
    uid = consultation.uid
    Consultation.objects.all().delete()
    received = apply_incoming("consultation-request", request, sender="DE").object
    assert (received.uid, received.requesting_authority, received.consulted_authority) == (
        uid,
        None,
        fr,
    )
    consultations.extend(received, working_days=5, reason="Checking stock.", actor=officer_fr)
    consultations.reply(received, outcome="no-objection", text="None.", actor=officer_fr)
    extension, reply = sent("consultation-extension"), sent("consultation-reply")
    assert OutgoingMessage.objects.get(kind="consultation-reply").recipients == ["DE"]
    # Back on DE's deployment.
    Consultation.objects.filter(uid=uid).update(
        requesting_authority=officer_de.membership.organisation,  # type: ignore[attr-defined]
        consulted_authority=None,
        state="requested",
        version=1,
        outcome="",
        reply="",
        extended_by=0,
    )
    with pytest.raises(InvalidInput, match="FR cannot send for NL"):
        apply_incoming("consultation-reply", reply, sender="NL")
    mine = apply_incoming("consultation-extension", extension, sender="FR").object
    assert mine.extended_by == 5
    assert mine.deadline == date(2026, 5, 27)
    mine = apply_incoming("consultation-reply", reply, sender="FR").object
    assert (mine.state, mine.outcome) == ("replied", "no-objection")
    assert apply_incoming("consultation-reply", reply, sender="FR").duplicate


def test_a_consultation_of_a_state_not_here_is_refused(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    consultations.request(
        make_case("DE"),
        kind=ConsultationKind.ESSENTIAL_SECURITY,
        consulted_member_state="IT",
        question="?",
        actor=officer_de,
    )
    assert Consultation.objects.get().consulted_authority is None
    with pytest.raises(InvalidInput, match="no authority of IT"):
        apply_incoming("consultation-request", sent("consultation-request"), sender="DE")


def test_catch_all_notice_and_reviews_between_deployments(
    officer_de: AbstractBaseUser, fr: Organisation
) -> None:
    notice = catchall.impose(
        basis="art5-1",
        items=[{"entry": "", "description": "Spyware", "cyber_surveillance": True}],
        end_users=[{"name": "State Security Bureau", "country": "XX"}],
        destinations=["XX"],
        reasoning="Art 5(1).",
        actor=officer_de,
        today=date(2026, 3, 2),
    )
    payload = sent("catch-all-notice")
    uid = notice.uid
    CatchAllNotice.objects.all().delete()
    received = apply_incoming("catch-all-notice", payload, sender="DE").object
    assert received.uid == uid
    assert received.authority is None
    assert received.reviews.count() == 26
    review = {
        "schema": "licentia.coordination/1",
        "message_id": str(uuid.uuid4()),
        "type": "catch-all-review",
        "sent_at": "2026-03-10T09:00:00+00:00",
        "member_state": "IT",
        "notice_id": str(uid),
        "state": "agreed",
        "deadline": "2026-04-13",
        "extended_by": 0,
        "comment": "",
        "answered_on": "2026-03-10",
    }
    applied = apply_incoming("catch-all-review", review, sender="IT").object
    assert applied.state == "agreed"
    assert applied.member_state == "IT"
    assert apply_incoming("catch-all-review", review, sender="IT").duplicate


def test_grant_despite_denial_received(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    denial = refuse(make_case("DE"), officer_de)
    payload = {
        "schema": "licentia.coordination/1",
        "message_id": str(uuid.uuid4()),
        "type": "grant-despite-denial",
        "sent_at": "2026-03-10T09:00:00+00:00",
        "member_state": "IT",
        "grant": {
            "id": str(uuid.uuid4()),
            "member_state": "IT",
            "authority": "UAMA",
            "granted_on": "2026-03-10",
            "reasons": "Safeguards.",
            "denials": [str(denial.uid)],
            "consultations": [],
        },
    }
    grant = apply_incoming("grant-despite-denial", payload, sender="IT").object
    assert list(grant.denials.all()) == [denial]
    assert GrantDespiteDenial.objects.count() == 1
    assert apply_incoming("grant-despite-denial", payload, sender="IT").duplicate


@pytest.mark.django_db(transaction=True)
def test_a_failed_application_records_nothing(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    payload = {
        "schema": "licentia.coordination/1",
        "message_id": str(uuid.uuid4()),
        "type": "catch-all-review",
        "sent_at": "2026-03-10T09:00:00+00:00",
        "member_state": "IT",
        "notice_id": str(uuid.uuid4()),
        "state": "agreed",
        "deadline": "2026-04-13",
    }
    with pytest.raises(NotFound), transaction.atomic():
        apply_incoming("catch-all-review", payload, sender="IT")
    assert not IncomingMessage.objects.exists()
