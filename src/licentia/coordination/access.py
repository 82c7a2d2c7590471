"""Who may see and do what in coordination, on top of `licentia.accounts.access`.

- Exporters see no denial notice, consultation, catch-all notice or analytics of any state:
  every coordination page and endpoint answers 404 to them.
- The people of a competent authority (officers and the coordination role) read every denial
  and catch-all notice (Art 16(2), Art 5(4): shared between authorities), the consultations
  their authority asked or was asked, and the analytics. Exporter identity travels between
  authorities only, so it is visible only here.
- Only officers act (review a denial, consult, reply, impose a catch-all), and only for their
  own authority; the coordination role reads and changes nothing.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from licentia.accounts import access
from licentia.accounts.access import Actor, Forbidden
from licentia.coordination.models import (
    CatchAllNotice,
    CatchAllReview,
    Consultation,
    DenialNotice,
    GrantDespiteDenial,
)
from licentia.errors import NotFound

User = AbstractBaseUser | AnonymousUser
M = TypeVar("M", DenialNotice, Consultation, CatchAllNotice)


def reader(user: User) -> Actor:
    """Anyone of a competent authority, the coordination role included; 404 for the rest."""
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        raise NotFound("no such page")
    actor = access.actor_of(user)
    if not actor.is_authority:
        raise NotFound("no such page")
    return actor


def officer(user: User) -> Actor:
    """An officer of a competent authority: the one who may act; the coordination role may
    not (403), everyone else learns nothing (404)."""
    actor = reader(user)
    if not actor.is_officer:
        raise Forbidden("the coordination role reads coordination data and changes nothing")
    return actor


def denials_for(user: User) -> QuerySet[DenialNotice]:
    reader(user)
    return DenialNotice.objects.all()


def consultations_for(user: User) -> QuerySet[Consultation]:
    actor = reader(user)
    return Consultation.objects.filter(
        Q(requesting_authority=actor.organisation) | Q(consulted_authority=actor.organisation)
    )


def catch_alls_for(user: User) -> QuerySet[CatchAllNotice]:
    reader(user)
    return CatchAllNotice.objects.all()


def grants_despite_denial_for(user: User) -> QuerySet[GrantDespiteDenial]:
    reader(user)
    return GrantDespiteDenial.objects.all()


def get_denial(user: User, pk: int) -> DenialNotice:
    return _get(denials_for(user), pk, "denial notice")


def get_consultation(user: User, pk: int) -> Consultation:
    return _get(consultations_for(user), pk, "consultation")


def get_catch_all(user: User, pk: int) -> CatchAllNotice:
    return _get(catch_alls_for(user), pk, "catch-all notice")


def own_denial(user: User, pk: int) -> tuple[Actor, DenialNotice]:
    """An officer and a denial notice their authority issued."""
    actor = officer(user)
    notice = get_denial(user, pk)
    if notice.authority_id != actor.organisation.pk:
        raise Forbidden("only the issuing authority reviews its denial notice (Art 16(3))")
    return actor, notice


def consulted(user: User, pk: int) -> tuple[Actor, Consultation]:
    """An officer of the consulted authority and the consultation."""
    actor = officer(user)
    consultation = get_consultation(user, pk)
    if consultation.consulted_authority_id != actor.organisation.pk:
        raise Forbidden("only the consulted authority replies or extends its time")
    return actor, consultation


def requesting(user: User, pk: int) -> tuple[Actor, Consultation]:
    actor = officer(user)
    consultation = get_consultation(user, pk)
    if consultation.requesting_authority_id != actor.organisation.pk:
        raise Forbidden("only the requesting authority withdraws its consultation")
    return actor, consultation


def reviewing(user: User, pk: int) -> tuple[Actor, CatchAllReview]:
    """An officer and their Member State's review of a catch-all notice."""
    actor = officer(user)
    notice = get_catch_all(user, pk)
    review = notice.reviews.filter(member_state=actor.member_state).first()
    if review is None:
        raise Forbidden(
            f"Member State {actor.member_state} does not review this notice (it issued it)"
        )
    return actor, review


def _get(queryset: QuerySet[M], pk: int, what: str) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no {what} {pk} that you may see")
    return found
