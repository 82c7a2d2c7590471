"""Restricted-party list endpoints: thin, each one call into the services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from licentia.partylists import services
from licentia.partylists.models import PartyListVersion
from licentia.screening.importers.codec import entity_to_dict

router = Router()


class VersionOut(Schema):
    id: int
    source: str
    format: str
    title: str
    published: date | None
    publisher_version: str
    checksum: str
    file_name: str
    imported_at: datetime
    entity_count: int
    status: str
    previous_id: int | None


class VersionDetailOut(VersionOut):
    change_counts: dict[str, int]


class ChangeOut(Schema):
    source_id: str
    caption: str
    kind: str
    fields: list[str]


class PartyOut(Schema):
    version_id: int
    entity: dict[str, Any]


def version_out(version: PartyListVersion) -> VersionOut:
    return VersionOut(
        id=version.pk,
        source=version.source,
        format=version.format,
        title=version.title,
        published=version.published,
        publisher_version=version.publisher_version,
        checksum=version.checksum,
        file_name=version.file_name,
        imported_at=version.imported_at,
        entity_count=version.entity_count,
        status=version.status,
        previous_id=version.previous_id,
    )


@router.get("/versions", response=list[VersionOut], summary="Stored list versions")
def versions(request: HttpRequest, source: str | None = None) -> list[VersionOut]:
    return [version_out(v) for v in services.list_versions(source=source)]


@router.get("/active", response=list[VersionOut], summary="The active version of each list")
def active(request: HttpRequest) -> list[VersionOut]:
    return [version_out(v) for _, v in sorted(services.active_versions().items())]


@router.get("/versions/{pk}", response=VersionDetailOut, summary="One version with counts")
def version(request: HttpRequest, pk: int) -> VersionDetailOut:
    found = services.get_version(pk=pk)
    return VersionDetailOut(
        **version_out(found).model_dump(), change_counts=services.change_counts(found)
    )


@router.get(
    "/versions/{pk}/changes", response=list[ChangeOut], summary="What changed in this version"
)
def changes(request: HttpRequest, pk: int) -> list[ChangeOut]:
    return [
        ChangeOut(source_id=c.source_id, caption=c.caption, kind=c.kind, fields=list(c.fields))
        for c in services.changes(services.get_version(pk=pk))
    ]


@router.get("/versions/{pk}/parties/{source_id}", response=PartyOut, summary="One listed party")
def party(request: HttpRequest, pk: int, source_id: str) -> PartyOut:
    found = services.get_version(pk=pk)
    return PartyOut(
        version_id=found.pk,
        entity=entity_to_dict(services.get_party(version=found, source_id=source_id)),
    )
