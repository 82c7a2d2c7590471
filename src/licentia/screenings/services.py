"""Screening against the active lists: one cached index per set of active list versions.

The index is keyed by `partylists.services.active_fingerprint()`: in memory for this
process, and as a file under `settings.DATA_DIR / "screening"` so another worker (or the
next start) loads it instead of rebuilding. When a list version is activated, the signal
`party_list_activated` rebuilds it at once; a stale index is never used, because every
request compares fingerprints first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from licentia.errors import Conflict, InvalidInput
from licentia.partylists import services as lists
from licentia.partylists.models import PartyListVersion
from licentia.screening import (
    DEFAULT_PROFILE,
    ScreeningIndex,
    ScreeningQuery,
    ScreeningResult,
    profile,
    screen,
    screen_many,
)

log = logging.getLogger(__name__)

MAX_BATCH = 1000
NO_LISTS = (
    "No restricted-party list is active, so nothing was screened. "
    "Import a list first (`licentia lists import FILE --format ...` or `licentia lists update`)."
)

_lock = threading.Lock()
_cache: dict[str, ScreeningIndex] = {}


@dataclass(frozen=True, slots=True)
class ListChecked:
    """One list version a screening was run against."""

    source: str
    title: str
    version: str
    published: str | None
    checksum: str
    entity_count: int


@dataclass(frozen=True, slots=True)
class Screening:
    result: ScreeningResult
    lists: tuple[ListChecked, ...]

    @property
    def clear(self) -> bool:
        return not self.result.hits


def version_label(version: PartyListVersion) -> str:
    if version.publisher_version:
        return version.publisher_version
    if version.published:
        return version.published.isoformat()
    return f"import #{version.pk} ({version.checksum[:12]})"


def _checked(versions: dict[str, PartyListVersion]) -> tuple[ListChecked, ...]:
    return tuple(
        ListChecked(
            source=v.source,
            title=v.title,
            version=version_label(v),
            published=v.published.isoformat() if v.published else None,
            checksum=v.checksum,
            entity_count=v.entity_count,
        )
        for _, v in sorted(versions.items())
    )


def index_dir() -> Path:
    return Path(settings.DATA_DIR) / "screening"


def _index_file(fingerprint: str) -> Path:
    return index_dir() / f"index-{fingerprint[:24]}.pickle"


def _build(fingerprint: str, versions: dict[str, PartyListVersion]) -> ScreeningIndex:
    path = _index_file(fingerprint)
    if path.exists():
        try:
            return ScreeningIndex.load(path)
        except InvalidInput:
            log.warning("screening index %s unreadable; rebuilding", path)
    labels = {source: version_label(v) for source, v in versions.items()}
    index = ScreeningIndex.build(lists.active_entities(), labels)
    index.save(path)
    for old in index_dir().glob("index-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    return index


def current_index() -> tuple[ScreeningIndex, dict[str, PartyListVersion]]:
    """The index over the active lists, built or loaded once per set of versions.

    Raises `Conflict` when no list is active: a screening against nothing is not a "clear".
    """
    versions = lists.active_versions()
    if not versions:
        raise Conflict(NO_LISTS, details={"lists": []})
    fingerprint = lists.active_fingerprint()
    with _lock:
        index = _cache.get(fingerprint)
        if index is None:
            index = _build(fingerprint, versions)
            _cache.clear()
            _cache[fingerprint] = index
    return index, versions


def rebuild_index() -> int:
    """Drop cached indexes and build the one for the active lists now; returns its name count."""
    with _lock:
        _cache.clear()
    try:
        index, _ = current_index()
    except Conflict:
        return 0
    return len(index)


def on_list_activated(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: a list changed, rebuild now so the next screening does not wait."""
    try:
        rebuild_index()
    except Exception:  # the list import has succeeded; the next screening rebuilds
        log.exception("screening index rebuild after a list activation failed")


def make_query(
    *,
    name: str | Sequence[str],
    country: str | None = None,
    birth_date: str | None = None,
    party_type: str | None = None,
    identifiers: Sequence[str] = (),
) -> ScreeningQuery:
    return ScreeningQuery.create(
        name, country=country, birth_date=birth_date, schema=party_type, identifiers=identifiers
    )


def screen_party(
    *,
    query: ScreeningQuery,
    profile_name: str = DEFAULT_PROFILE.name,
    threshold: float | None = None,
    limit: int = 10,
) -> Screening:
    """Screen one party against every active list."""
    index, versions = current_index()
    result = screen(index, query, profile(profile_name), threshold=threshold, limit=limit)
    return Screening(result, _checked(versions))


def screen_parties(
    *,
    queries: Iterable[ScreeningQuery],
    profile_name: str = DEFAULT_PROFILE.name,
    threshold: float | None = None,
    limit: int = 10,
) -> list[Screening]:
    """Screen a batch against one index (loaded once for the whole batch)."""
    chosen = profile(profile_name)
    index, versions = current_index()
    checked = _checked(versions)
    return [
        Screening(result, checked)
        for result in screen_many(index, queries, chosen, threshold=threshold, limit=limit)
    ]
