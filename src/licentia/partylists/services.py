"""Business rules for stored restricted-party lists: import, activation, differences, reads.

An import is one transaction: the new version is written as `importing`, every entity is
parsed and checked, the differences to the active version are stored, and only then is the
previous version superseded and the new one activated. Any failure rolls all of that back,
so the previous version stays active; the failed attempt is then recorded (status `failed`,
no parties) for the operator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from licentia.errors import ImportFailed, InvalidInput, NotFound
from licentia.partylists.models import (
    TRANSITIONS,
    ChangeKind,
    ListedParty,
    PartyListChange,
    PartyListVersion,
    VersionStatus,
)
from licentia.partylists.signals import party_list_activated
from licentia.screening.importers import FORMATS, list_checksum, read_list
from licentia.screening.importers.codec import (
    changed_fields,
    entity_digest,
    entity_from_dict,
    entity_to_dict,
)
from licentia.screening.model import ListedEntity, ListHeader

_BATCH = 1000


@dataclass(frozen=True)
class ImportResult:
    version: PartyListVersion
    created: bool
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if not self.created:
            return (
                f"{self.version} is already the active version with the same file; nothing changed."
            )
        if self.version.previous_id is None:
            return f"Imported {self.version}: {self.version.entity_count} parties (first version)."
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        return f"Imported {self.version}: {self.version.entity_count} parties; {counts}."


def transition(version: PartyListVersion, to: VersionStatus) -> None:
    """Move a version to another status, if the state machine allows it."""
    current = VersionStatus(version.status)
    if to not in TRANSITIONS[current]:
        raise InvalidInput(
            f"a list version cannot go from {current.value} to {to.value}",
            details={"from": current.value, "to": to.value},
        )
    version.status = to.value
    version.save(update_fields=["status"])


def import_list(path: str | Path, file_format: str) -> ImportResult:
    """Import a list file; the same file as the active version changes nothing."""
    path = Path(path)
    if file_format not in FORMATS:
        raise ImportFailed(
            f"unknown format {file_format!r}; known formats: {', '.join(FORMATS)}",
            source=str(path),
            field="format",
        )
    checksum = list_checksum(path, file_format)
    header, entities = read_list(path, file_format)
    active = active_versions().get(header.source)
    if active is not None and active.checksum == checksum:
        return ImportResult(active, created=False)
    try:
        with transaction.atomic():
            result = _import(path, file_format, checksum, header, entities, active)
    except ImportFailed as exc:
        PartyListVersion.objects.create(
            source=header.source,
            format=file_format,
            title=header.title,
            published=header.published,
            publisher_version=header.version or "",
            checksum=checksum,
            file_name=path.name,
            status=VersionStatus.FAILED.value,
            error=exc.message,
        )
        raise
    fingerprint = active_fingerprint()
    transaction.on_commit(
        lambda: party_list_activated.send(
            sender=PartyListVersion,
            version=result.version,
            previous=active,
            fingerprint=fingerprint,
        )
    )
    return result


def _import(
    path: Path,
    file_format: str,
    checksum: str,
    header: ListHeader,
    entities: Iterator[ListedEntity],
    active: PartyListVersion | None,
) -> ImportResult:
    version = PartyListVersion.objects.create(
        source=header.source,
        format=file_format,
        title=header.title,
        published=header.published,
        publisher_version=header.version or "",
        checksum=checksum,
        file_name=path.name,
        previous=active,
    )
    before = (
        dict(ListedParty.objects.filter(version=active).values_list("source_id", "digest"))
        if active
        else {}
    )
    seen: dict[str, int] = {}
    batch: list[ListedParty] = []
    changes: list[PartyListChange] = []
    count = 0
    for entity in entities:
        if entity.source != header.source:
            raise ImportFailed(
                f"entry {entity.source_id} belongs to list {entity.source!r}, not {header.source!r}",
                source=str(path),
                field="source",
            )
        data = entity_to_dict(entity)
        # Some lists repeat a party in two rows (the 2019 CSL does): the repeat gets "#2".
        occurrence = seen.get(entity.source_id, 0) + 1
        seen[entity.source_id] = occurrence
        source_id = entity.source_id if occurrence == 1 else f"{entity.source_id}#{occurrence}"
        data["source_id"] = source_id
        digest = entity_digest(data)
        batch.append(
            ListedParty(
                version=version,
                source_id=source_id,
                schema=entity.schema.value,
                caption=entity.caption[:500],
                names="\n".join(name.full for name in entity.names),
                data=data,
                digest=digest,
            )
        )
        if active is not None:
            old_digest = before.pop(source_id, None)
            if old_digest is None:
                changes.append(_change(version, source_id, entity.caption, ChangeKind.ADDED, []))
            elif old_digest != digest:
                old = ListedParty.objects.get(version=active, source_id=source_id).data
                changes.append(
                    _change(
                        version,
                        source_id,
                        entity.caption,
                        ChangeKind.CHANGED,
                        changed_fields(old, data),
                    )
                )
        count += 1
        if len(batch) >= _BATCH:
            ListedParty.objects.bulk_create(batch)
            batch = []
    ListedParty.objects.bulk_create(batch)
    if count == 0:
        raise ImportFailed("the file lists no parties", source=str(path))
    if active is not None:
        captions = dict(
            ListedParty.objects.filter(version=active, source_id__in=list(before)).values_list(
                "source_id", "caption"
            )
        )
        changes.extend(
            _change(version, source_id, captions.get(source_id, ""), ChangeKind.REMOVED, [])
            for source_id in before
        )
    PartyListChange.objects.bulk_create(changes, batch_size=_BATCH)
    version.entity_count = count
    version.save(update_fields=["entity_count"])
    if active is not None:
        transition(active, VersionStatus.SUPERSEDED)
    transition(version, VersionStatus.ACTIVE)
    counts = {kind.value: sum(1 for c in changes if c.kind == kind.value) for kind in ChangeKind}
    return ImportResult(version, created=True, counts=counts)


def _change(
    version: PartyListVersion, source_id: str, caption: str, kind: ChangeKind, fields: list[str]
) -> PartyListChange:
    return PartyListChange(
        version=version, source_id=source_id, caption=caption[:500], kind=kind.value, fields=fields
    )


def active_versions() -> dict[str, PartyListVersion]:
    """The active version of each list, by list code."""
    return {
        version.source: version
        for version in PartyListVersion.objects.filter(status=VersionStatus.ACTIVE.value)
    }


def active_entities() -> Iterator[ListedEntity]:
    """Every party of every active version, streamed from the database."""
    parties = (
        ListedParty.objects.filter(version__status=VersionStatus.ACTIVE.value)
        .order_by("version_id", "pk")
        .values_list("data", flat=True)
    )
    for data in parties.iterator(chunk_size=2000):
        yield entity_from_dict(data)


def active_fingerprint() -> str:
    """Changes whenever the set of active versions changes (an index built on it is stale)."""
    parts = sorted(f"{v.source}:{v.pk}:{v.checksum}" for v in active_versions().values())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def list_versions(*, source: str | None = None) -> list[PartyListVersion]:
    versions = PartyListVersion.objects.all()
    if source is not None:
        versions = versions.filter(source=source)
    return list(versions)


def get_version(*, pk: int) -> PartyListVersion:
    try:
        return PartyListVersion.objects.get(pk=pk)
    except PartyListVersion.DoesNotExist as exc:
        raise NotFound(f"no list version #{pk} is stored") from exc


def latest_version(*, source: str) -> PartyListVersion:
    """The active version of a list, else its most recent import."""
    version = (
        active_versions().get(source) or PartyListVersion.objects.filter(source=source).first()
    )
    if version is None:
        known = ", ".join(sorted(set(PartyListVersion.objects.values_list("source", flat=True))))
        raise NotFound(f"no version of list {source!r} is stored; stored lists: {known or 'none'}")
    return version


def changes(version: PartyListVersion) -> list[PartyListChange]:
    """What changed in this version against the version before it (empty for a first one)."""
    return list(version.changes.all())


def change_counts(version: PartyListVersion) -> dict[str, int]:
    found = {kind.value: 0 for kind in ChangeKind}
    for kind in version.changes.values_list("kind", flat=True):
        found[kind] += 1
    return found


def get_party(*, version: PartyListVersion, source_id: str) -> ListedEntity:
    party = ListedParty.objects.filter(version=version, source_id=source_id).first()
    if party is None:
        raise NotFound(f"{version} lists no party with id {source_id!r}")
    return entity_from_dict(party.data)
