"""The listed party, one shape for every restricted-party list, compatible with FollowTheMoney.

Every importer turns its publisher's records into `ListedEntity` values; the matcher, the
stored list versions and the differences between versions all work on this one shape. Field
names follow FollowTheMoney (schema `Person`, `Organization`, `Vessel`..., properties `name`,
`alias`, `weakAlias`, `birthDate`, `nationality`...), so an entity converts to an FtM entity
without loss of what screening needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class EntitySchema(StrEnum):
    """What a listed party is, by its FollowTheMoney schema name."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    COMPANY = "Company"
    LEGAL_ENTITY = "LegalEntity"
    VESSEL = "Vessel"
    AIRPLANE = "Airplane"

    @property
    def description(self) -> str:
        return {
            EntitySchema.PERSON: "A natural person",
            EntitySchema.ORGANIZATION: "An organisation, body or group that is not a company",
            EntitySchema.COMPANY: "A company or other registered business",
            EntitySchema.LEGAL_ENTITY: "A legal person whose kind the list does not say",
            EntitySchema.VESSEL: "A ship",
            EntitySchema.AIRPLANE: "An aircraft",
        }[self]

    @property
    def is_person(self) -> bool:
        return self is EntitySchema.PERSON

    @property
    def is_body(self) -> bool:
        """Organisations, companies and legal entities, which match each other."""
        return self in (
            EntitySchema.ORGANIZATION,
            EntitySchema.COMPANY,
            EntitySchema.LEGAL_ENTITY,
        )


class NameType(StrEnum):
    """The role of a name in the listing, as FtM properties."""

    PRIMARY = "name"
    ALIAS = "alias"
    WEAK_ALIAS = "weakAlias"
    PREVIOUS = "previousName"

    @property
    def description(self) -> str:
        return {
            NameType.PRIMARY: "The name the list gives first",
            NameType.ALIAS: "A good-quality alias or name variation (a.k.a.)",
            NameType.WEAK_ALIAS: "A low-quality alias, a nickname or common name: never a hit alone",
            NameType.PREVIOUS: "A former name (f.k.a.)",
        }[self]


@dataclass(frozen=True, slots=True)
class ListedName:
    """One name of a listed party; `script` is the ISO 15924 code (Latn, Cyrl, Arab...)."""

    full: str
    type: NameType = NameType.PRIMARY
    script: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date as the list gives it: ISO prefix dates ("1970", "1970-05", "1970-05-12").

    An exact date or a year has `earliest == latest`; a range ("between 1960 and 1965") has
    both ends; `circa` marks an approximate date.
    """

    earliest: str
    latest: str
    circa: bool = False

    @classmethod
    def exact(cls, value: str, *, circa: bool = False) -> BirthDate:
        return cls(value, value, circa)


@dataclass(frozen=True, slots=True)
class Address:
    full: str
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class Identifier:
    """A passport, national id, registration number, IMO number, tax number..."""

    type: str
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """One party on one list, as its publisher lists it.

    `source` is the list code (`eu-fsf`, `un-sc`, `uk-sanctions`, `us-csl`, `us-ofac-sdn`,
    `us-bis-dpl`, or an FtM dataset name); `source_id` is the publisher's own stable id for the
    entry, which is what versions of a list are compared by.
    """

    source: str
    source_id: str
    schema: EntitySchema
    names: tuple[ListedName, ...]
    birth_dates: tuple[BirthDate, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2: residence, seat, flag...
    addresses: tuple[Address, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    programmes: tuple[str, ...] = ()
    listed_on: dt.date | None = None
    gender: str | None = None
    remarks: str | None = None
    # Publisher fields with no FtM property that decisions rely on, e.g. the US Entity
    # List's `license_requirement` and `license_policy`, or the CSL's source list.
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def caption(self) -> str:
        return self.names[0].full

    def extra_value(self, key: str) -> str | None:
        return next((value for k, value in self.extra if k == key), None)


@dataclass(frozen=True, slots=True)
class ListHeader:
    """What a list file says about itself, read before its entries."""

    source: str
    format: str
    title: str
    published: dt.date | None = None
    version: str | None = None  # the publisher's own edition label, when it has one


class ListReader(Protocol):
    """One importer: reads a file's header, then streams its entries with bounded memory."""

    format: str

    def header(self, path: str) -> ListHeader: ...

    def entities(self, path: str) -> Iterator[ListedEntity]: ...
