"""Stored list versions: atomic activation, no partial writes, differences, streaming reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from licentia.errors import ImportFailed, InvalidInput
from licentia.partylists import services
from licentia.partylists.models import ListedParty, PartyListChange, PartyListVersion, VersionStatus
from licentia.partylists.signals import party_list_activated
from licentia.screening.importers import read_list
from tests.conftest import shared_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "screening"
UN_OLD = "sanctions/un/un-consolidated-older.xml"
UN_NEW = "sanctions/un/un-consolidated-2026-02-27.xml"

pytestmark = pytest.mark.django_db


def test_first_import_activates_and_stores_every_party() -> None:
    result = services.import_list(FIXTURES / "eu-fsf-small.xml", "eu-fsf-xml")
    version = result.version
    assert result.created
    assert (version.status, version.entity_count, version.source) == ("active", 3, "eu-fsf")
    assert version.publisher_version == "170001"
    assert len(version.checksum) == 64
    assert services.changes(version) == []
    assert set(services.active_versions()) == {"eu-fsf"}
    _, stream = read_list(FIXTURES / "eu-fsf-small.xml", "eu-fsf-xml")
    assert list(services.active_entities()) == list(stream)


def test_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    first = services.import_list(FIXTURES / "eu-fsf-small.xml", "eu-fsf-xml")
    copy = tmp_path / "renamed.xml"
    shutil.copy(FIXTURES / "eu-fsf-small.xml", copy)
    again = services.import_list(copy, "eu-fsf-xml")
    assert not again.created
    assert again.version.pk == first.version.pk
    assert PartyListVersion.objects.count() == 1
    assert "nothing changed" in again.summary()


def test_new_version_supersedes_and_records_differences() -> None:
    old = services.import_list(shared_file(UN_OLD), "un-sc-xml").version
    fingerprint = services.active_fingerprint()
    result = services.import_list(shared_file(UN_NEW), "un-sc-xml")
    new = result.version
    old.refresh_from_db()
    assert (old.status, new.status) == ("superseded", "active")
    assert new.previous_id == old.pk
    assert services.active_fingerprint() != fingerprint
    assert services.active_versions() == {"un-sc": new}
    counts = services.change_counts(new)
    old_ids = set(ListedParty.objects.filter(version=old).values_list("source_id", flat=True))
    new_ids = set(ListedParty.objects.filter(version=new).values_list("source_id", flat=True))
    assert counts["added"] == len(new_ids - old_ids)
    assert counts["removed"] == len(old_ids - new_ids)
    assert counts["changed"] > 0
    assert result.counts == counts
    changed = PartyListChange.objects.filter(version=new, kind="changed").first()
    assert changed is not None
    assert changed.fields
    assert "source_id" not in changed.fields
    assert sum(1 for _ in services.active_entities()) == 1003


def test_truncated_file_after_a_good_import_keeps_the_previous_version(tmp_path: Path) -> None:
    good = services.import_list(shared_file(UN_OLD), "un-sc-xml").version
    data = shared_file(UN_NEW).read_bytes()
    truncated = tmp_path / "consolidated.xml"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFailed) as caught:
        services.import_list(truncated, "un-sc-xml")
    assert caught.value.position is not None
    assert caught.value.position.startswith("line ")
    good.refresh_from_db()
    assert good.status == "active"
    assert services.active_versions() == {"un-sc": good}
    # Nothing of the failed file was kept; the attempt itself is on record.
    assert ListedParty.objects.exclude(version=good).count() == 0
    assert PartyListChange.objects.count() == 0
    failed = PartyListVersion.objects.get(status="failed")
    assert failed.entity_count == 0
    assert "malformed XML" in failed.error


def test_signal_sent_after_commit(django_capture_on_commit_callbacks: object) -> None:
    received: list[dict[str, object]] = []

    def receiver(sender: object, **kwargs: object) -> None:
        received.append(kwargs)

    party_list_activated.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            result = services.import_list(FIXTURES / "ofac-sdn-small.xml", "us-ofac-sdn-xml")
            assert received == []
    finally:
        party_list_activated.disconnect(receiver)
    assert len(received) == 1
    assert received[0]["version"] == result.version
    assert received[0]["previous"] is None
    assert received[0]["fingerprint"] == services.active_fingerprint()


def test_state_machine_refuses_moves_outside_the_table() -> None:
    version = services.import_list(FIXTURES / "ftm-small.jsonl", "ftm-json").version
    with pytest.raises(InvalidInput, match="from active to importing"):
        services.transition(version, VersionStatus.IMPORTING)
    services.transition(version, VersionStatus.SUPERSEDED)
    with pytest.raises(InvalidInput):
        services.transition(version, VersionStatus.ACTIVE)


def test_repeated_party_rows_keep_both() -> None:
    result = services.import_list(shared_file("sanctions/us/csl-sample-2019.csv"), "us-csl-csv")
    assert result.version.entity_count == 115
    assert ListedParty.objects.filter(source_id__endswith="#2").count() == 2


def test_lists_are_independent() -> None:
    services.import_list(FIXTURES / "eu-fsf-small.xml", "eu-fsf-xml")
    services.import_list(FIXTURES / "uk-sanctions-small.xml", "uk-sanctions-xml")
    assert set(services.active_versions()) == {"eu-fsf", "uk-sanctions"}
    assert sum(1 for _ in services.active_entities()) == 5
    uk = services.latest_version(source="uk-sanctions")
    assert services.get_party(version=uk, source_id="RUS9903").caption == "NORTHERN EXAMPLE"


def test_unknown_format_writes_nothing() -> None:
    with pytest.raises(ImportFailed, match="unknown format"):
        services.import_list(FIXTURES / "eu-fsf-small.xml", "eu-xml")
    assert PartyListVersion.objects.count() == 0
