"""The curated dataset the product ships, and version differences."""

from __future__ import annotations

import dataclasses

from licentia.controls.curated import load_curated
from licentia.controls.cyber import CYBER_SURVEILLANCE_PATHS
from licentia.controls.diff import ChangeKind, affected_classifications, diff_lists
from licentia.controls.model import PATH, ControlEntry


def test_curated_dataset_covers_the_cyber_surveillance_entries():
    curated = load_curated()
    paths = {entry.path for entry in curated.entries}
    required = {
        "4A005", "4D004", "4E001.a", "4E001.c", "5A001.f.1", "5A001.f.2", "5A001.f.3",
        "5A001.f.4", "5A001.j", "5D001.a", "5D001.c", "5D001.e", "5E001.a", "5A002", "5D002",
        "5E002", "5A004.a", "5A004.b", "5D002.a.3.b", "5D002.c.3.b",
    }  # fmt: skip
    assert required <= paths
    assert set(CYBER_SURVEILLANCE_PATHS) - {"5A001.f"} <= paths
    for entry in curated.entries:
        assert PATH.match(entry.path)
        assert entry.summary
        assert entry.text == ""  # the repository carries no legal text
        assert entry.questions
    assert curated.control_list().excerpt


def test_curated_decontrol_notes_as_structured_exclusions():
    by_path = {entry.path: entry for entry in load_curated().entries}

    def released_by(path: str) -> dict[str, tuple[str, ...]]:
        return {x.source_note: x.triggers for x in by_path[path].exclusions}

    assert "quality of service" in released_by("5A001.j")["Note to 5A001.j"]
    assert "marketing" in released_by("5A001.j")["Note to 5A001.j"]
    assert "mediation device" in released_by("5D001.e")["Note to 5D001.e"]
    assert "billing" in released_by("5D001.e")["Note to 5D001.e"]
    assert "logical extraction" in released_by("5A004.b")["Notes 1 and 2 to 5A004.b"]
    assert "jailbreak" in released_by("5A004.b")["Notes 1 and 2 to 5A004.b"]
    assert "vulnerability disclosure" in released_by("4E001.c")["Note 1 to 4E001.a and 4E001.c"]


def test_diff_reports_added_removed_and_changed_entries_and_affected_paths():
    old = load_curated().control_list()
    changed = dataclasses.replace(old.get("5A001.j"), summary="narrowed")
    entries = [e for e in old.entries if e.path not in {"5A001.j", "5A004.a"}]
    entries += [changed, ControlEntry(path="5A001.k", text="", summary="a new item")]
    new = dataclasses.replace(old, version="2099-01-01", entries=tuple(entries))

    diff = diff_lists(old, new)

    assert diff.counts() == {"added": 1, "removed": 1, "changed": 1}
    assert [c.path for c in diff.of_kind(ChangeKind.CHANGED)] == ["5A001.j"]
    assert diff.of_kind(ChangeKind.CHANGED)[0].fields == ("summary",)
    touched = affected_classifications(diff, ["5A001.j", "5A001.f.2", "5A004.a", "5A001"])
    assert set(touched) == {"5A001.j", "5A004.a", "5A001"}
