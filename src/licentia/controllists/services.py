"""Business rules for stored control lists: import, look-up, search, compare.

Services take keyword-only arguments and never read a request. Import is one transaction:
until a version is fully written, the previous one stays the one in use.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from licentia.controllists.models import ControlEntry as StoredEntry
from licentia.controllists.models import ControlListChange, ControlListVersion
from licentia.controllists.signals import list_version_imported
from licentia.controls.classify import Classification, Classifier
from licentia.controls.curated import load_curated
from licentia.controls.diff import ListDiff, diff_lists
from licentia.controls.importers import parse_control_list
from licentia.controls.model import (
    ControlEntry,
    ControlList,
    Definition,
    Exclusion,
    GeneralAuthorisation,
    Note,
    NoteKind,
    OriginRegime,
    Parameter,
    Regime,
)
from licentia.controls.search import ControlIndex
from licentia.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class ImportResult:
    list_version: ControlListVersion
    created: bool
    diff: ListDiff | None
    products_flagged: int = 0

    def summary(self) -> str:
        if not self.created:
            return (
                f"{self.list_version} is already imported with the same content; nothing changed."
            )
        if self.diff is None:
            return f"Imported {self.list_version}: {self.list_version.entries.count()} entries (first version)."
        counts = ", ".join(f"{n} {kind}" for kind, n in self.diff.counts().items())
        return (
            f"Imported {self.list_version}: {self.list_version.entries.count()} entries; "
            f"against version {self.diff.old_version}: {counts}; "
            f"{self.products_flagged} product classifications flagged for review."
        )


def import_file(
    *, path: Path, file_format: str | None = None, version: str | None = None
) -> ImportResult:
    return import_control_list(
        control_list=parse_control_list(path, file_format=file_format, version=version)
    )


def import_curated() -> ImportResult:
    return import_control_list(control_list=load_curated().control_list())


def import_control_list(*, control_list: ControlList) -> ImportResult:
    same_version = ControlListVersion.objects.filter(
        regime=control_list.regime.value,
        version=control_list.version,
        excerpt=control_list.excerpt,
    )
    if control_list.excerpt:
        # A revised excerpt is a new edition, not a conflict: it is the project's own data.
        same_version = same_version.filter(checksum=control_list.checksum)
    existing = same_version.first()
    if existing is not None:
        if existing.checksum == control_list.checksum:
            return ImportResult(existing, created=False, diff=None)
        raise Conflict(
            f"{existing} is already imported from a file with different content "
            f"(stored checksum {existing.checksum[:12]}, new {control_list.checksum[:12]}); "
            "a published version never changes, so check which file is right",
            details={"stored_checksum": existing.checksum, "new_checksum": control_list.checksum},
        )

    with transaction.atomic():
        previous = (
            ControlListVersion.objects.filter(
                regime=control_list.regime.value,
                excerpt=control_list.excerpt,
                valid_from__lte=control_list.valid_from,
            )
            .order_by("-valid_from", "-pk")
            .first()
        )
        following = (
            ControlListVersion.objects.filter(
                regime=control_list.regime.value,
                excerpt=control_list.excerpt,
                valid_from__gt=control_list.valid_from,
            )
            .order_by("valid_from")
            .first()
        )
        stored = ControlListVersion.objects.create(
            regime=control_list.regime.value,
            version=control_list.version,
            excerpt=control_list.excerpt,
            valid_from=control_list.valid_from,
            valid_to=following.valid_from if following else control_list.valid_to,
            title=control_list.title,
            source=control_list.source,
            source_url=control_list.source_url,
            checksum=control_list.checksum,
            definitions=[dataclasses.asdict(d) for d in control_list.definitions],
            general_authorisations=[
                dataclasses.asdict(g) for g in control_list.general_authorisations
            ],
            previous=previous,
        )
        StoredEntry.objects.bulk_create(
            [_stored_entry(stored, position, entry) for position, entry in enumerate(control_list)],
            batch_size=500,
        )
        diff = None
        if previous is not None:
            if previous.valid_to is None or previous.valid_to > control_list.valid_from:
                ControlListVersion.objects.filter(pk=previous.pk).update(
                    valid_to=control_list.valid_from
                )
            diff = diff_lists(core_list(list_version=previous), control_list)
            ControlListChange.objects.bulk_create(
                [
                    ControlListChange(
                        list_version=stored, path=c.path, kind=c.kind.value, fields=list(c.fields)
                    )
                    for c in diff.changes
                ],
                batch_size=500,
            )
        # Receivers answer how many stored classifications they flagged for review.
        responses = list_version_imported.send(
            sender=ControlListVersion, list_version=stored, diff=diff
        )
    flagged = sum(answer for _, answer in responses if isinstance(answer, int))
    return ImportResult(stored, created=True, diff=diff, products_flagged=flagged)


def list_versions(*, regime: Regime | None = None) -> list[ControlListVersion]:
    versions = ControlListVersion.objects.all()
    if regime is not None:
        versions = versions.filter(regime=regime.value)
    return list(versions)


def get_version(
    *, regime: Regime, version: str | None = None, on: date | None = None
) -> ControlListVersion:
    """A stored version: the one named, or the one in force on a day (today by default).

    A full list is preferred to the curated excerpt of the same day.
    """
    versions = ControlListVersion.objects.filter(regime=regime.value)
    if version is not None:
        found = versions.filter(version=version).order_by("excerpt", "-pk").first()
        if found is None:
            known = ", ".join(sorted({v.version for v in versions})) or "none"
            raise NotFound(
                f"no {regime.description} version {version!r} is imported; known versions: {known}"
            )
        return found
    day = on or date.today()
    found = (
        versions.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("excerpt", "-valid_from", "-pk")
        .first()
    )
    if found is None:
        raise NotFound(
            f"no {regime.description} version in force on {day.isoformat()} is imported; "
            "run `licentia controls import FILE` (or `licentia setup` for the curated excerpt)"
        )
    return found


def core_list(*, list_version: ControlListVersion) -> ControlList:
    return _core_list_cached(list_version.pk, list_version.checksum)


@lru_cache(maxsize=8)
def _core_list_cached(pk: int, checksum: str) -> ControlList:
    stored = ControlListVersion.objects.get(pk=pk)
    return ControlList(
        regime=Regime(stored.regime),
        version=stored.version,
        valid_from=stored.valid_from,
        valid_to=stored.valid_to,
        source=stored.source,
        source_url=stored.source_url,
        checksum=checksum,
        title=stored.title,
        excerpt=stored.excerpt,
        entries=tuple(_core_entry(e) for e in stored.entries.order_by("position")),
        definitions=tuple(
            Definition(d["term"], d["text"], tuple(d["categories"])) for d in stored.definitions
        ),
        general_authorisations=tuple(
            GeneralAuthorisation(**g) for g in stored.general_authorisations
        ),
    )


@lru_cache(maxsize=8)
def _index(pk: int, checksum: str) -> ControlIndex:
    # Search and look-up show the curated summaries and exporter words on a full list too.
    return ControlIndex(load_curated().annotate(_core_list_cached(pk, checksum)))


@lru_cache(maxsize=8)
def _classifier(pk: int, checksum: str) -> Classifier:
    return Classifier(_core_list_cached(pk, checksum), load_curated())


def index_for(*, list_version: ControlListVersion) -> ControlIndex:
    return _index(list_version.pk, list_version.checksum)


def get_entry(*, list_version: ControlListVersion, path: str) -> ControlEntry:
    return index_for(list_version=list_version).lookup(path)


def entry_history(*, regime: Regime, path: str) -> list[tuple[ControlListVersion, str | None]]:
    """Each stored version of the regime, with how the entry changed in it (None: unchanged)."""
    changes = {
        change.list_version_id: change.kind
        for change in ControlListChange.objects.filter(list_version__regime=regime.value, path=path)
    }
    present = set(
        StoredEntry.objects.filter(list_version__regime=regime.value, path=path).values_list(
            "list_version_id", flat=True
        )
    )
    return [
        (version, changes.get(version.pk))
        for version in ControlListVersion.objects.filter(regime=regime.value).order_by("valid_from")
        if version.pk in present or version.pk in changes
    ]


def compare(*, old: ControlListVersion, new: ControlListVersion) -> ListDiff:
    if old.regime != new.regime:
        raise InvalidInput(f"cannot compare {old} with {new}: they belong to different lists")
    return diff_lists(core_list(list_version=old), core_list(list_version=new))


def classify(*, description: str, list_version: ControlListVersion) -> Classification:
    if not description.strip():
        raise InvalidInput(
            "describe the product: what it is and what it does", details={"field": "description"}
        )
    if len(description) > 5000:
        raise InvalidInput(
            "the description is longer than 5,000 characters", details={"field": "description"}
        )
    return _classifier(list_version.pk, list_version.checksum).classify(description)


def _stored_entry(
    list_version: ControlListVersion, position: int, entry: ControlEntry
) -> StoredEntry:
    return StoredEntry(
        list_version=list_version,
        position=position,
        path=entry.path,
        code=entry.code,
        parent_path=entry.parent or "",
        category=entry.category,
        product_group=entry.product_group.value,
        text=entry.text,
        summary=entry.summary,
        notes=[{"kind": n.kind.value, "text": n.text} for n in entry.notes],
        exclusions=[dataclasses.asdict(x) for x in entry.exclusions],
        defined_terms=list(entry.defined_terms),
        parameters=[dataclasses.asdict(p) for p in entry.parameters],
        keywords=list(entry.keywords),
        questions=list(entry.questions),
        cyber_surveillance=entry.cyber_surveillance,
        annex_iv=entry.annex_iv,
        excluded_from_general_authorisations=entry.excluded_from_general_authorisations,
        origin=entry.origin.value,
        related_codes=list(entry.related_codes),
        reasons_for_control=list(entry.reasons_for_control),
    )


def _core_entry(stored: StoredEntry) -> ControlEntry:
    return ControlEntry(
        path=stored.path,
        text=stored.text,
        summary=stored.summary,
        notes=tuple(Note(NoteKind(n["kind"]), n["text"]) for n in stored.notes),
        exclusions=tuple(
            Exclusion(
                key=x["key"],
                summary=x["summary"],
                releases=tuple(x["releases"]),
                triggers=tuple(x["triggers"]),
                source_note=x["source_note"],
            )
            for x in stored.exclusions
        ),
        defined_terms=tuple(stored.defined_terms),
        parameters=tuple(Parameter(**p) for p in stored.parameters),
        keywords=tuple(stored.keywords),
        questions=tuple(stored.questions),
        cyber_surveillance=stored.cyber_surveillance,
        annex_iv=stored.annex_iv,
        excluded_from_general_authorisations=stored.excluded_from_general_authorisations,
        origin=OriginRegime(stored.origin),
        related_codes=tuple(stored.related_codes),
        reasons_for_control=tuple(stored.reasons_for_control),
    )
