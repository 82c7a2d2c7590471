"""Differences between two versions of a control list, and what they mean for products."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from licentia.controls.model import ControlEntry, ControlList, is_within


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"

    @property
    def description(self) -> str:
        return {
            ChangeKind.ADDED: "The entry is new in this version.",
            ChangeKind.REMOVED: "The entry no longer exists in this version.",
            ChangeKind.CHANGED: "The entry's text, notes or flags differ from the previous version.",
        }[self]


_COMPARED_FIELDS = (
    "text",
    "summary",
    "notes",
    "exclusions",
    "defined_terms",
    "parameters",
    "cyber_surveillance",
    "annex_iv",
    "excluded_from_general_authorisations",
    "related_codes",
    "reasons_for_control",
)


@dataclass(frozen=True, slots=True)
class EntryChange:
    path: str
    kind: ChangeKind
    fields: tuple[str, ...] = ()
    before: str = ""
    after: str = ""


@dataclass(frozen=True, slots=True)
class ListDiff:
    old_version: str
    new_version: str
    changes: tuple[EntryChange, ...]

    def of_kind(self, kind: ChangeKind) -> list[EntryChange]:
        return [change for change in self.changes if change.kind is kind]

    def counts(self) -> dict[str, int]:
        return {kind.value: len(self.of_kind(kind)) for kind in ChangeKind}

    def affecting(self, path: str) -> list[EntryChange]:
        """Changes that touch a product classified under `path`: the entry, its sub-entries
        (a narrowed or widened sub-item changes what the classification covers) and the
        entries above it (a heading or note that changed governs the whole subtree)."""
        return [
            change
            for change in self.changes
            if is_within(change.path, path) or is_within(path, change.path)
        ]


def diff_lists(old: ControlList, new: ControlList) -> ListDiff:
    if old.regime is not new.regime:
        raise ValueError(
            f"cannot compare lists of different regimes: {old.regime} and {new.regime}"
        )
    old_paths = {entry.path: entry for entry in old}
    new_paths = {entry.path: entry for entry in new}
    changes: list[EntryChange] = []
    for path, entry in new_paths.items():
        before = old_paths.get(path)
        if before is None:
            changes.append(EntryChange(path, ChangeKind.ADDED, after=_shown(entry)))
        elif before.fingerprint() != entry.fingerprint():
            changed = tuple(f for f in _COMPARED_FIELDS if getattr(before, f) != getattr(entry, f))
            changes.append(
                EntryChange(path, ChangeKind.CHANGED, changed, _shown(before), _shown(entry))
            )
    changes.extend(
        EntryChange(path, ChangeKind.REMOVED, before=_shown(entry))
        for path, entry in old_paths.items()
        if path not in new_paths
    )
    changes.sort(key=lambda change: change.path)
    return ListDiff(old.version, new.version, tuple(changes))


def affected_classifications(
    diff: ListDiff, classified_paths: Iterable[str]
) -> dict[str, list[EntryChange]]:
    """For each classified path that a change touches, the changes to review."""
    found: dict[str, list[EntryChange]] = {}
    for path in classified_paths:
        touching = diff.affecting(path)
        if touching:
            found[path] = touching
    return found


def _shown(entry: ControlEntry) -> str:
    return entry.text or entry.summary
