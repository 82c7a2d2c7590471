"""EU Consolidated Financial Sanctions List, XML 1.1 (namespace http://eu.europa.ec/fpi/fsd/export).

One `sanctionEntity` per listing, keyed by its `logicalId`. `subjectType@classificationCode`
P is a person, E an enterprise. A `nameAlias` with `strong="false"` is a weak alias;
`nameLanguage` (ISO 639-1) is kept, and the script is read from the name itself. Country
attributes carry ISO codes already (`00` means unknown).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from licentia.errors import ImportFailed
from licentia.screening.importers._common import (
    children,
    clean,
    country_code,
    iso_date,
    iter_xml,
    require_file,
    script_of,
    unique,
    xml_root_attributes,
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

SOURCE = "eu-fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
_ROOT = "export"
_SCHEMAS = {"P": EntitySchema.PERSON, "E": EntitySchema.ORGANIZATION}


class EuFsfReader:
    format = "eu-fsf-xml"

    def header(self, path: str) -> ListHeader:
        file = Path(path)
        require_file(file)
        attributes = xml_root_attributes(file, root=_ROOT)
        generated = attributes.get("generationDate")
        published = None
        if generated:
            published = iso_date(
                generated[:10],
                ("%Y-%m-%d",),
                source=path,
                position="element 1",
                field="generationDate",
            )
        return ListHeader(
            source=SOURCE,
            format=self.format,
            title="EU Consolidated Financial Sanctions List",
            published=published,
            version=attributes.get("globalFileId") or generated,
        )

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        for position, element in iter_xml(file, "sanctionEntity", root=_ROOT):
            yield _entity(element, source=path, position=position)


def _entity(element: Element, *, source: str, position: str) -> ListedEntity:
    logical_id = clean(element.get("logicalId"))
    if logical_id is None:
        raise ImportFailed(
            "a sanctionEntity has no logicalId", source=source, position=position, field="logicalId"
        )
    where = f"{position} (logicalId {logical_id})"
    subject = next(children(element, "subjectType"), None)
    classification = (subject.get("classificationCode") or "") if subject is not None else ""
    schema = _SCHEMAS.get(classification.upper())
    if schema is None:
        raise ImportFailed(
            f"unknown subject type {classification!r} (expected P or E)",
            source=source,
            position=where,
            field="subjectType@classificationCode",
        )
    names: list[ListedName] = []
    gender = None
    for alias in children(element, "nameAlias"):
        whole = clean(alias.get("wholeName")) or " ".join(
            part
            for part in (clean(alias.get(key)) for key in ("firstName", "middleName", "lastName"))
            if part
        )
        if not whole:
            continue
        weak = (alias.get("strong") or "true").strip().lower() == "false"
        names.append(
            ListedName(
                whole,
                NameType.WEAK_ALIAS if weak else NameType.ALIAS,
                script_of(whole),
                clean(alias.get("nameLanguage")),
            )
        )
        gender = gender or {"M": "male", "F": "female"}.get((alias.get("gender") or "").upper())
    strong = [name for name in names if name.type is NameType.ALIAS]
    if not strong:
        raise ImportFailed(
            "a sanctionEntity has no strong name", source=source, position=where, field="nameAlias"
        )
    # The first strong name is the primary one, even when a weak alias comes before it.
    first = strong[0]
    names.remove(first)
    names.insert(0, ListedName(first.full, NameType.PRIMARY, first.script, first.language))
    addresses = tuple(_address(address) for address in children(element, "address"))
    regulations = list(children(element, "regulation"))
    listed_on = iso_date(
        clean(element.get("designationDate")) or _first_publication(regulations),
        ("%Y-%m-%d",),
        source=source,
        position=where,
        field="designationDate",
    )
    extra = [
        (key, value)
        for key, value in (
            ("eu_reference_number", clean(element.get("euReferenceNumber"))),
            ("un_id", clean(element.get("unitedNationId"))),
        )
        if value
    ]
    extra.extend(
        ("regulation", text)
        for regulation in regulations
        for url in children(regulation, "publicationUrl")
        if (text := clean(url.text))
    )
    return ListedEntity(
        source=SOURCE,
        source_id=logical_id,
        schema=schema,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(
            date
            for birth in children(element, "birthdate")
            if (date := _birth_date(birth, source=source, position=where)) is not None
        ),
        birth_places=unique(
            ", ".join(
                part
                for part in (
                    clean(birth.get(key))
                    for key in ("city", "place", "region", "countryDescription")
                )
                if part and part.upper() != "UNKNOWN"
            )
            for birth in children(element, "birthdate")
        ),
        nationalities=tuple(
            dict.fromkeys(
                code
                for citizenship in children(element, "citizenship")
                if (code := country_code(citizenship.get("countryIso2Code")))
            )
        ),
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        addresses=tuple(a for a in addresses if a.full),
        identifiers=tuple(
            _identifier(document)
            for document in children(element, "identification")
            if clean(document.get("number")) or clean(document.get("latinNumber"))
        ),
        programmes=unique(regulation.get("programme") for regulation in regulations),
        listed_on=listed_on,
        gender=gender,
        remarks=clean(" ".join(clean(r.text) or "" for r in children(element, "remark"))),
        extra=tuple(extra),
    )


def _first_publication(regulations: list[Element]) -> str | None:
    dates = sorted(d for r in regulations if (d := clean(r.get("publicationDate"))))
    return dates[0] if dates else None


def _birth_date(element: Element, *, source: str, position: str) -> BirthDate | None:
    circa = (element.get("circa") or "").lower() == "true"
    full = clean(element.get("birthdate"))
    if full:
        iso_date(full, ("%Y-%m-%d",), source=source, position=position, field="birthdate@birthdate")
        return BirthDate.exact(full, circa=circa)
    year = _number(element, "year", source=source, position=position)
    month = _number(element, "monthOfYear", source=source, position=position)
    if year:
        value = f"{year:04d}" + (f"-{month:02d}" if month and 1 <= month <= 12 else "")
        return BirthDate.exact(value, circa=circa)
    start = _number(element, "yearRangeFrom", source=source, position=position)
    end = _number(element, "yearRangeTo", source=source, position=position)
    if start and end:
        return BirthDate(f"{start:04d}", f"{end:04d}", circa=circa)
    return None


def _number(element: Element, attribute: str, *, source: str, position: str) -> int | None:
    text = clean(element.get(attribute))
    if text is None:
        return None
    if not text.isdigit():
        raise ImportFailed(
            f"{text!r} is not a number",
            source=source,
            position=position,
            field=f"birthdate@{attribute}",
        )
    return int(text)


def _address(element: Element) -> Address:
    parts = [
        clean(element.get(key))
        for key in ("street", "poBox", "zipCode", "city", "place", "region", "countryDescription")
    ]
    return Address(
        ", ".join(part for part in parts if part and part.upper() != "UNKNOWN"),
        country_code(element.get("countryIso2Code")),
    )


def _identifier(element: Element) -> Identifier:
    return Identifier(
        clean(element.get("identificationTypeDescription"))
        or clean(element.get("identificationTypeCode"))
        or "Document",
        clean(element.get("number")) or clean(element.get("latinNumber")) or "",
        country_code(element.get("countryIso2Code")),
    )
