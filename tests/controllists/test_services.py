"""Importing, looking up and comparing stored control list versions."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from licentia.controllists import services
from licentia.controllists.models import ControlEntry, ControlListChange, ControlListVersion
from licentia.controls.model import Regime
from licentia.errors import Conflict, ImportFailed, NotFound
from tests.conftest import shared_file
from tests.factories import next_version

pytestmark = pytest.mark.django_db


def test_importing_the_same_version_twice_changes_nothing():
    first = services.import_curated()
    second = services.import_curated()
    assert first.created
    assert not second.created
    assert second.list_version.pk == first.list_version.pk
    assert ControlListVersion.objects.count() == 1
    assert ControlEntry.objects.count() == len(first.list_version.entries.all())


def test_same_published_version_with_other_content_is_refused():
    published = dataclasses.replace(services.load_curated().control_list(), excerpt=False)
    services.import_control_list(control_list=published)
    tampered = dataclasses.replace(published, checksum="other")
    with pytest.raises(Conflict, match="different content"):
        services.import_control_list(control_list=tampered)


def test_a_revised_excerpt_is_a_new_edition_that_supersedes_the_old_one():
    first = services.import_curated().list_version
    curated = services.load_curated().control_list()
    revised_entry = dataclasses.replace(curated.get("5A001.j"), summary="Reworded summary.")
    revised = dataclasses.replace(
        curated,
        checksum="revised",
        entries=tuple(revised_entry if e.path == "5A001.j" else e for e in curated.entries),
    )

    result = services.import_control_list(control_list=revised)

    first.refresh_from_db()
    assert result.created
    assert first.valid_to == first.valid_from  # superseded, never again the one in force
    assert result.diff is not None
    assert result.diff.counts() == {"added": 0, "removed": 0, "changed": 1}
    assert services.get_version(regime=Regime.EU_ANNEX_I) == result.list_version
    assert (
        services.get_version(regime=Regime.EU_ANNEX_I, version="2025-11-15") == result.list_version
    )
    assert not services.import_control_list(control_list=revised).created


def test_a_new_version_records_its_differences_and_closes_the_previous_one():
    old = services.import_curated().list_version
    result = services.import_control_list(control_list=next_version())

    old.refresh_from_db()
    assert old.valid_to == date(2026, 11, 15)
    assert result.list_version.previous == old
    assert result.diff is not None
    assert result.diff.counts() == {"added": 1, "removed": 1, "changed": 1}
    stored = {
        (c.path, c.kind) for c in ControlListChange.objects.filter(list_version=result.list_version)
    }
    assert stored == {("5A001.k", "added"), ("5A004.a", "removed"), ("5A001.j", "changed")}
    assert services.get_version(regime=Regime.EU_ANNEX_I, on=date(2026, 1, 1)) == old
    assert (
        services.get_version(regime=Regime.EU_ANNEX_I, on=date(2027, 1, 1)) == result.list_version
    )
    history = services.entry_history(regime=Regime.EU_ANNEX_I, path="5A001.j")
    assert [(v.version, change) for v, change in history] == [
        ("2025-11-15", None),
        ("2026-11-15", "changed"),
    ]


def test_stored_versions_are_immutable():
    version = services.import_curated().list_version
    version.checksum = "rewritten"
    with pytest.raises(Conflict, match="immutable"):
        version.save()


def test_round_trip_keeps_every_field():
    curated = services.load_curated().control_list()
    stored = services.import_control_list(control_list=curated).list_version
    assert services.core_list(list_version=stored).entries == curated.entries


def test_failed_import_writes_nothing(tmp_path):
    broken = tmp_path / "annex.json"
    broken.write_text(
        '{"corpus_version": "x", "valid_from": "2025-11-15", "source_url": "u", "entries": ['
    )
    with pytest.raises(ImportFailed):
        services.import_file(path=broken)
    assert ControlListVersion.objects.count() == 0
    assert ControlEntry.objects.count() == 0


def test_failure_while_writing_rolls_back(monkeypatch):
    services.import_curated()
    failing = next_version()

    def explode(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "diff_lists", explode)
    with pytest.raises(RuntimeError):
        services.import_control_list(control_list=failing)
    assert list(ControlListVersion.objects.values_list("version", flat=True)) == ["2025-11-15"]
    assert ControlListVersion.objects.get().valid_to is None


def test_unknown_version_and_entry_name_what_exists():
    version = services.import_curated().list_version
    with pytest.raises(NotFound, match="known versions: 2025-11-15"):
        services.get_version(regime=Regime.EU_ANNEX_I, version="1999-01-01")
    with pytest.raises(NotFound, match="closest: 5A001") as error:
        services.get_entry(list_version=version, path="5A001.z")
    assert "5A001.j" in error.value.details["closest"]
    with pytest.raises(NotFound, match="in force"):
        services.get_version(regime=Regime.US_CCL)


def test_full_list_is_preferred_to_the_excerpt_and_annotated_by_it():
    services.import_curated()
    full = services.import_file(
        path=shared_file("controls/eu-annex-i-consolidated-2025-11-15.json")
    )
    assert services.get_version(regime=Regime.EU_ANNEX_I) == full.list_version
    result = services.classify(
        description="portable IMSI catcher for police", list_version=full.list_version
    )
    assert result.top == "5A001.f.2"
    assert result.candidates[0].citation.endswith("version 2025-11-15")
