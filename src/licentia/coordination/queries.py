"""Reused reads of the coordination pages and API: lists with their filters, the matches on an
authority's cases."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from licentia.accounts import access as accounts_access
from licentia.cases.models import Case
from licentia.cases.states import CaseState
from licentia.coordination import access
from licentia.coordination.models import Consultation, DenialNotice
from licentia.coordination.states import DenialState
from licentia.errors import InvalidInput, StaleObject

User = AbstractBaseUser | AnonymousUser
SCOPES = ("mine", "others", "all")
DIRECTIONS = ("in", "out", "all")


def denials(user: User, *, scope: str = "all", state: str = "") -> QuerySet[DenialNotice]:
    """Denial notices: of my Member State, of the others, or all; optionally in one state."""
    actor = access.reader(user)
    found = access.denials_for(user)
    if scope not in SCOPES:
        raise InvalidInput(f"scope: choose {', '.join(SCOPES)}", details={"field": "scope"})
    if scope == "mine":
        found = found.filter(member_state=actor.member_state)
    elif scope == "others":
        found = found.exclude(member_state=actor.member_state)
    if state:
        if state not in DenialState.__members__.values():
            raise InvalidInput(
                f"state: choose one of {', '.join(s.value for s in DenialState)}",
                details={"field": "state"},
            )
        found = found.filter(state=state)
    return found.order_by("-notified_on", "-pk")


def consultations(user: User, *, direction: str = "all") -> QuerySet[Consultation]:
    """Consultations my authority asked (out) or was asked (in)."""
    actor = access.reader(user)
    if direction not in DIRECTIONS:
        raise InvalidInput(
            f"direction: choose {', '.join(DIRECTIONS)}", details={"field": "direction"}
        )
    found = access.consultations_for(user)
    if direction == "in":
        found = found.filter(consulted_authority=actor.organisation)
    elif direction == "out":
        found = found.filter(requesting_authority=actor.organisation)
    return found.order_by("deadline", "pk")


def matches_on_my_cases(user: User) -> list[dict[str, Any]]:
    """For each open case of my authority, the matches of its latest dossier (officers only;
    the coordination role sees no case)."""
    access.reader(user)
    cases = accounts_access.cases_for(user).exclude(state__in=[CaseState.DECIDED, CaseState.CLOSED])
    out = []
    for case in cases.select_related("application").order_by("opened_at"):
        dossier = case.dossiers.order_by("-number").first()
        if dossier is None:
            continue
        found = [d for d in dossier.prior_denials.get("denials", []) if "score" in d]
        if found:
            out.append(
                {
                    "case": case,
                    "dossier": dossier.number,
                    "matches": found,
                    "consultations_needed": dossier.prior_denials.get("consultations_needed", []),
                }
            )
    return out


def open_case(user: User, pk: int) -> Case:
    return accounts_access.get_case(user, pk)


def check_version(obj: Any, version: int | None) -> None:
    """With the version the user read: `StaleObject` (409) when the object changed since."""
    if version is not None and version != obj.version:
        raise StaleObject(
            f"{obj._meta.verbose_name} {obj.pk} was changed by someone else (version "
            f"{obj.version}, you read {version}); reload it and try again",
            details={"object": obj._meta.label_lower, "id": obj.pk},
        )
