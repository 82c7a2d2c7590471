"""FollowTheMoney entities, one JSON object per line (the OpenSanctions export format).

Each line is `{"id", "schema", "properties": {prop: [values]}, "datasets": [...]}`. Lines of
the schemas a party can have (Person, Organization, Company, LegalEntity, Vessel, Airplane)
become entities; the others (Sanction, Address, Ownership...) are skipped. The list's source
is the first dataset named by the first party line, else the file name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from licentia.errors import ImportFailed
from licentia.screening.importers._common import (
    clean,
    country_codes,
    require_file,
    script_of,
    text_lines,
    unique,
)
from licentia.screening.model import (
    Address,
    BirthDate,
    EntitySchema,
    Identifier,
    ListedEntity,
    ListedName,
    ListHeader,
    NameType,
)

_NAME_PROPERTIES = (
    ("name", NameType.PRIMARY),
    ("alias", NameType.ALIAS),
    ("previousName", NameType.PREVIOUS),
    ("weakAlias", NameType.WEAK_ALIAS),
)
_ID_PROPERTIES = (
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "imoNumber",
    "mmsi",
    "vatCode",
)
_PARTY_SCHEMAS = {schema.value: schema for schema in EntitySchema}


class FtmReader:
    format = "ftm-json"

    def header(self, path: str) -> ListHeader:
        file = Path(path)
        require_file(file)
        dataset = None
        for _, record in _records(file):
            if record.get("schema") in _PARTY_SCHEMAS:
                datasets = record.get("datasets") or []
                dataset = str(datasets[0]) if datasets else None
                break
        return ListHeader(
            source=dataset or file.stem,
            format=self.format,
            title=f"FollowTheMoney entities ({dataset or file.name})",
        )

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        source = self.header(path).source
        for line, record in _records(file):
            schema = _PARTY_SCHEMAS.get(str(record.get("schema")))
            if schema is not None:
                yield _entity(record, schema, source=source, file=path, line=line)


def _records(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with file.open("rb") as handle:
        for number, text in enumerate(text_lines(file, handle), start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ImportFailed(
                    f"malformed JSON: {exc.msg}",
                    source=str(file),
                    position=f"line {number}, column {exc.colno}",
                ) from exc
            if not isinstance(record, dict):
                raise ImportFailed(
                    "a line is not a JSON object", source=str(file), position=f"line {number}"
                )
            yield number, record


def _entity(
    record: dict[str, Any], schema: EntitySchema, *, source: str, file: str, line: int
) -> ListedEntity:
    position = f"line {line}"
    entity_id = clean(str(record.get("id") or ""))
    if entity_id is None:
        raise ImportFailed("an entity has no id", source=file, position=position, field="id")
    properties = record.get("properties")
    if not isinstance(properties, dict):
        raise ImportFailed(
            "an entity has no properties object", source=file, position=position, field="properties"
        )

    def values(prop: str) -> list[str]:
        found = properties.get(prop) or []
        if not isinstance(found, list):
            raise ImportFailed(
                "a property is not a list of values", source=file, position=position, field=prop
            )
        return [text for value in found if (text := clean(str(value)))]

    names = [
        ListedName(value, kind, script_of(value))
        for prop, kind in _NAME_PROPERTIES
        for value in values(prop)
    ]
    if not names or names[0].type is not NameType.PRIMARY:
        raise ImportFailed("an entity has no name", source=file, position=position, field="name")
    # FtM gives several "name" values without an order of rank: the first leads.
    names = [names[0]] + [
        ListedName(n.full, NameType.ALIAS, n.script) if n.type is NameType.PRIMARY else n
        for n in names[1:]
    ]
    births = []
    for value in values("birthDate"):
        if not (len(value) in (4, 7, 10) and value[:4].isdigit()):
            raise ImportFailed(
                f"{value!r} is not an ISO date", source=file, position=position, field="birthDate"
            )
        births.append(BirthDate.exact(value))
    listed = min(values("createdAt") or [""])[:10] or None
    return ListedEntity(
        source=source,
        source_id=entity_id,
        schema=schema,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(births),
        birth_places=unique(values("birthPlace")),
        nationalities=country_codes(
            v.upper() for prop in ("nationality", "citizenship") for v in values(prop)
        ),
        countries=country_codes(
            v.upper() for prop in ("country", "jurisdiction", "flag") for v in values(prop)
        ),
        addresses=tuple(Address(value) for value in unique(values("address"))),
        identifiers=tuple(
            dict.fromkeys(
                Identifier(prop, value) for prop in _ID_PROPERTIES for value in values(prop)
            )
        ),
        programmes=unique([*values("program"), *values("programId")]),
        listed_on=_date(listed),
        gender=next(iter(values("gender")), None),
        remarks=clean(" ".join(values("notes"))),
        extra=tuple(("topic", topic) for topic in unique(values("topics"))),
    )


def _date(value: str | None) -> dt.date | None:
    """FtM's createdAt is an ISO date-time; anything else means the listing date is unknown."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
