"""Reused reads of the coordination pages and API: lists with their filters, the matches on an
authority's cases."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from licentia.accounts import access as accounts_access
from licentia.cases.models import Case, RestrictiveKind
from licentia.cases.states import CaseState
from licentia.coordination import access
from licentia.coordination.models import (
    CatchAllNotice,
    Consultation,
    DenialNotice,
    GrantDespiteDenial,
)
from licentia.coordination.states import DenialState
from licentia.errors import InvalidInput, StaleObject
from licentia.lookups import json_list_contains
from licentia.reference import countries, eu

User = AbstractBaseUser | AnonymousUser
SCOPES = ("mine", "others", "all")
DIRECTIONS = ("in", "out", "all")


class Found:
    """Notices chosen in Python after the SQL filters: their ids in order, each slice loaded
    when asked for. Counts and slices like a QuerySet, so the API and Django's Paginator take
    either."""

    def __init__(self, queryset: QuerySet[DenialNotice], ids: list[int]) -> None:
        self._queryset = queryset
        self._ids = ids

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, window: slice) -> list[DenialNotice]:
        ids = self._ids[window]
        loaded = self._queryset.in_bulk(ids)
        return [loaded[pk] for pk in ids if pk in loaded]


Denials = QuerySet[DenialNotice] | Found
MAX_Q = 200
# A whole Annex I (or CCL) code is 5 characters, e.g. 5A001; shorter is part of one ("5A").
_PARTIAL_CODE = re.compile(r"[0-9][A-Z]?[0-9]{0,2}", re.IGNORECASE)
_ENTRY = re.compile(r"[0-9A-Z][0-9A-Z.\-]{0,39}", re.IGNORECASE)


def _entry_prefix(entry: str) -> str:
    prefix = entry.strip().rstrip(".")
    if prefix and not _ENTRY.fullmatch(prefix):
        raise InvalidInput(
            f"entry: {entry!r} is not a control entry or the start of one (e.g. 5A001, "
            "5A001.j, ML5)",
            details={"field": "entry"},
        )
    return prefix.casefold()


def _entry_matches(item: dict[str, Any], prefix: str) -> bool:
    """The item's entry is the prefix or below it: "5A001" finds 5A001.j and 5A001.j.1, and
    "5A001.b.1" finds 5A001.b.1.a but not 5A001.b.10; part of a code ("5A") finds the codes
    that start with it."""
    code = str(item.get("entry") or "").strip().casefold()
    if _PARTIAL_CODE.fullmatch(prefix):
        return code.startswith(prefix)
    return code == prefix or code.startswith(prefix + ".")


def _matches(row: dict[str, Any], prefix: str, words: str) -> bool:
    if prefix and not any(_entry_matches(i, prefix) for i in _dicts(row["items"])):
        return False
    return not words or any(
        words in _folded(p.get("name")) for p in _parties(row["end_users"], row["consignees"])
    )


def _folded(text: object) -> str:
    """Case folded with runs of spaces made one: "STRASSE" finds "Straße"."""
    return " ".join(str(text or "").casefold().split())


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _parties(*lists: Any) -> list[dict[str, Any]]:
    return [p for value in lists for p in _dicts(value)]


def _code(field: str, find: Callable[[str], countries.Country], code: str) -> str:
    """The alpha-2 code `find` gives for `code`; its refusal names `field`."""
    try:
        return find(code).alpha2
    except InvalidInput as error:
        raise InvalidInput(
            f"{field}: {error.message}", details={**error.details, "field": field}
        ) from None


def denials(
    user: User,
    *,
    scope: str = "all",
    state: str = "",
    member_state: str = "",
    destination: str = "",
    entry: str = "",
    q: str = "",
    kind: str = "",
    notified_since: date | None = None,
    notified_until: date | None = None,
) -> Denials:
    """Denial notices, newest first: of my Member State, of the others, or all, narrowed by
    state, issuing Member State, destination, control entry (prefix), end-user or consignee
    name, kind and notification dates. Counts and slices like a QuerySet.

    Everything but `entry` and `q` is filtered in SQL. Those two look into the JSON lists
    (`items[*].entry`, `end_users[*].name`, `consignees[*].name`), which no ORM lookup reaches
    on both SQLite and PostgreSQL; the notices left by the SQL filters are read once (only the
    columns needed) and kept in Python, and only the page shown is loaded whole. That scans
    the register: about 0.1 s for 5,000 notices; a register of hundreds of thousands would
    want a search column filled on save, or PostgreSQL-only jsonb path queries.
    """
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
    if kind:
        if kind not in RestrictiveKind.values:
            raise InvalidInput(
                f"kind: choose one of {', '.join(RestrictiveKind.values)}",
                details={"field": "kind"},
            )
        found = found.filter(kind=kind)
    if member_state.strip():
        found = found.filter(member_state=_code("member_state", eu.member_state, member_state))
    if destination.strip():
        code = _code("destination", countries.country, destination)
        found = found.filter(json_list_contains("destinations", code))
    if notified_since and notified_until and notified_until < notified_since:
        raise InvalidInput(
            f"notified_until: {notified_until} is before notified_since {notified_since}",
            details={"field": "notified_until"},
        )
    if notified_since:
        found = found.filter(notified_on__gte=notified_since)
    if notified_until:
        found = found.filter(notified_on__lte=notified_until)
    found = found.order_by("-notified_on", "-pk")
    prefix = _entry_prefix(entry)
    words = _folded(q)
    if len(words) > MAX_Q:
        raise InvalidInput(f"q: at most {MAX_Q} characters", details={"field": "q"})
    if not prefix and not words:
        return found
    if prefix:
        # Necessary, not sufficient: the entry's text is somewhere in the JSON text (an
        # entry is ASCII, so SQLite's ASCII-only case folding is enough). Python decides.
        found = found.filter(items__icontains=prefix)
    columns = [
        "pk",
        *(["items"] if prefix else []),
        *(["end_users", "consignees"] if words else []),
    ]
    ids = [row["pk"] for row in found.values(*columns) if _matches(row, prefix, words)]
    return Found(found, ids)


def catch_alls(user: User) -> QuerySet[CatchAllNotice]:
    """Catch-all notices of every Member State, newest first, with their reviews."""
    return access.catch_alls_for(user).prefetch_related("reviews").order_by("-notified_on", "-pk")


def grants_despite_denial(user: User) -> QuerySet[GrantDespiteDenial]:
    """Grants despite a denial (Art 16(5)) of every Member State, newest first."""
    return (
        access.grants_despite_denial_for(user)
        .prefetch_related("denials")
        .order_by("-granted_on", "-pk")
    )


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
