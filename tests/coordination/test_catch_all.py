"""Catch-all notices (Art 4, Art 5(4)-(6)): reviews in each state's working days, agreement."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.cases import services
from licentia.coordination import catchall, tick
from licentia.coordination.models import CatchAllNotice, CatchAllReview, OutgoingMessage
from licentia.errors import InvalidInput
from licentia.reference.calendar import add_working_days
from tests.coordination.conftest import MakeCase, ready_to_grant

pytestmark = pytest.mark.django_db
FACE = [
    {"entry": "", "description": "Facial recognition for city CCTV", "cyber_surveillance": True}
]


def impose(
    officer: AbstractBaseUser, basis: str = "art5-1", day: date = date(2026, 3, 2)
) -> CatchAllNotice:
    return catchall.impose(
        basis=basis,
        items=FACE,
        end_users=[{"name": "City Police Directorate", "country": "XX"}],
        destinations=["AE"],
        reasoning="Informed of a risk of internal repression (Art 5(1)).",
        actor=officer,
        today=day,
    )


def test_every_other_member_state_reviews_in_its_own_working_days(
    officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    notice = impose(officer_de)
    reviews = {r.member_state: r for r in notice.reviews.all()}
    assert len(reviews) == 26
    assert "DE" not in reviews
    for state in ("FR", "IE", "GR"):
        assert reviews[state].deadline == add_working_days(state, date(2026, 3, 2), 30)
    # St Patrick's Day and Good Friday/Easter Monday move Ireland's deadline beyond France's.
    assert reviews["IE"].deadline > reviews["FR"].deadline
    assert (
        OutgoingMessage.objects.get(kind="catch-all-notice").payload["notice"]["basis"] == "art5-1"
    )
    with pytest.raises(InvalidInput, match="non-listed"):
        catchall.impose(
            basis="art5-1",
            items=[{"entry": "5A001.j", "description": "x"}],
            end_users=[],
            destinations=[],
            reasoning="x",
            actor=officer_de,
        )


def test_unanimous_agreement_marks_the_notice_for_publication(
    officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    notice = impose(officer_de)
    review = notice.reviews.get(member_state="FR")
    catchall.extend(
        review, working_days=30, reason="Exceptional: expert opinion pending", actor=officer_fr
    )
    assert review.deadline == add_working_days("FR", date(2026, 3, 2), 60)
    with pytest.raises(InvalidInput):
        catchall.extend(review, working_days=31, reason="x", actor=officer_fr)
    catchall.answer(review, agree=True, comment="Agreed.", actor=officer_fr)
    # The 25 states on other deployments answer through the exchange.
    for other in notice.reviews.exclude(member_state="FR"):
        catchall.record_answer(
            other,
            name=catchall.ReviewTransition.AGREE,
            comment="",
            actor=None,
            day=date(2026, 3, 10),
        )
    notice.refresh_from_db()
    assert notice.state == "marked-for-publication"
    assert (
        OutgoingMessage.objects.filter(kind="catch-all-review").count() == 2
    )  # FR's extension and answer


def test_one_disagreement_or_a_lapse_closes_it_as_reviewed(
    officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    notice = impose(officer_de)
    catchall.answer(
        notice.reviews.get(member_state="FR"), agree=False, comment="Not needed.", actor=officer_fr
    )
    assert tick.tick(today=date(2026, 4, 1)).catch_all_reviews_lapsed == 0
    result = tick.tick(today=date(2026, 6, 30))
    assert result.catch_all_reviews_lapsed == 25
    notice.refresh_from_db()
    assert notice.state == "reviewed"
    assert tick.tick(today=date(2026, 7, 1)).catch_all_reviews_lapsed == 0


def test_an_art_4_notice_is_never_published(officer_de: AbstractBaseUser) -> None:
    notice = impose(officer_de, basis="art4-1-a")
    for review in notice.reviews.all():
        catchall.record_answer(
            review,
            name=catchall.ReviewTransition.AGREE,
            comment="",
            actor=None,
            day=date(2026, 3, 3),
        )
    notice.refresh_from_db()
    assert notice.state == "reviewed"


def test_a_decision_on_a_non_listed_cyber_surveillance_item_notifies_the_others(
    make_case: MakeCase, officer_de: AbstractBaseUser, officer_fr: AbstractBaseUser
) -> None:
    case = make_case(
        "DE",
        entry="",
        description="Facial recognition for city CCTV",
        cyber_surveillance=True,
        informed=("human-rights",),
    )
    ready_to_grant(case, officer_de)
    services.decide(case, actor=officer_de)
    notice = CatchAllNotice.objects.get(case=case)
    assert notice.basis == "art5-1"
    assert notice.items[0]["description"] == "Facial recognition for city CCTV"
    assert notice.end_users[0]["name"] == "Gulf Telecom Operations"
    assert CatchAllReview.objects.filter(notice=notice).count() == 26


def test_the_coordination_role_cannot_review(
    officer_de: AbstractBaseUser, coordinator_de: AbstractBaseUser
) -> None:
    from licentia.accounts.access import Forbidden

    with pytest.raises(Forbidden):
        impose(coordinator_de)
