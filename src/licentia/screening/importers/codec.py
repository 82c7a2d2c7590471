"""`ListedEntity` to and from plain JSON values, and a digest that tells versions apart.

Stored list versions keep each entity as JSON; the matcher rebuilds the same `ListedEntity`
from it. The digest covers everything the list says about the entity, so two versions of a
list differ on an entity exactly when its digest differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from licentia.screening.model import (
    Address,
    BirthDate,
    EntitySchema,
    Identifier,
    ListedEntity,
    ListedName,
    NameType,
)

# The entity's fields in the order the JSON keeps them; `changed_fields` reports these names.
FIELDS = (
    "source",
    "source_id",
    "schema",
    "names",
    "birth_dates",
    "birth_places",
    "nationalities",
    "countries",
    "addresses",
    "identifiers",
    "programmes",
    "listed_on",
    "gender",
    "remarks",
    "extra",
)


def entity_to_dict(entity: ListedEntity) -> dict[str, Any]:
    return {
        "source": entity.source,
        "source_id": entity.source_id,
        "schema": entity.schema.value,
        "names": [[n.full, n.type.value, n.script, n.language] for n in entity.names],
        "birth_dates": [[b.earliest, b.latest, b.circa] for b in entity.birth_dates],
        "birth_places": list(entity.birth_places),
        "nationalities": list(entity.nationalities),
        "countries": list(entity.countries),
        "addresses": [[a.full, a.country] for a in entity.addresses],
        "identifiers": [[i.type, i.value, i.country] for i in entity.identifiers],
        "programmes": list(entity.programmes),
        "listed_on": entity.listed_on.isoformat() if entity.listed_on else None,
        "gender": entity.gender,
        "remarks": entity.remarks,
        "extra": [[key, value] for key, value in entity.extra],
    }


def entity_from_dict(data: dict[str, Any]) -> ListedEntity:
    return ListedEntity(
        source=data["source"],
        source_id=data["source_id"],
        schema=EntitySchema(data["schema"]),
        names=tuple(
            ListedName(full, NameType(kind), script, language)
            for full, kind, script, language in data["names"]
        ),
        birth_dates=tuple(BirthDate(a, b, circa) for a, b, circa in data["birth_dates"]),
        birth_places=tuple(data["birth_places"]),
        nationalities=tuple(data["nationalities"]),
        countries=tuple(data["countries"]),
        addresses=tuple(Address(full, country) for full, country in data["addresses"]),
        identifiers=tuple(Identifier(k, v, c) for k, v, c in data["identifiers"]),
        programmes=tuple(data["programmes"]),
        listed_on=dt.date.fromisoformat(data["listed_on"]) if data["listed_on"] else None,
        gender=data["gender"],
        remarks=data["remarks"],
        extra=tuple((key, value) for key, value in data["extra"]),
    )


def entity_digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [name for name in FIELDS if old.get(name) != new.get(name)]
