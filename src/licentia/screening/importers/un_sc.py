"""UN Security Council Consolidated List, official XML (`CONSOLIDATED_LIST`, sc-sanctions.xsd).

Individuals and entities, keyed by DATAID. Alias QUALITY `Low` is a weak alias, `f.k.a.` a
previous name; NAME_ORIGINAL_SCRIPT is the name in its own script. Birth dates are EXACT
(DATE or YEAR), APPROXIMATELY (circa) or BETWEEN (FROM_YEAR..TO_YEAR).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from licentia.errors import ImportFailed
from licentia.screening.importers._common import (
    child_text,
    children,
    clean,
    country_code,
    iso_date,
    iter_xml,
    local,
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

SOURCE = "un-sc"
_ROOT = "CONSOLIDATED_LIST"
_ALIAS_TYPES = {"low": NameType.WEAK_ALIAS, "f.k.a.": NameType.PREVIOUS}


class UnScReader:
    format = "un-sc-xml"

    def header(self, path: str) -> ListHeader:
        file = Path(path)
        require_file(file)
        generated = xml_root_attributes(file, root=_ROOT).get("dateGenerated")
        published = None
        if generated:
            published = iso_date(
                generated[:10],
                ("%Y-%m-%d",),
                source=path,
                position="element 1",
                field="dateGenerated",
            )
        return ListHeader(
            source=SOURCE,
            format=self.format,
            title="UN Security Council Consolidated List",
            published=published,
            version=generated,
        )

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        for position, element in iter_xml(file, "INDIVIDUAL", "ENTITY", root=_ROOT):
            yield _entity(element, local(element.tag), source=path, position=position)


def _entity(element: Element, kind: str, *, source: str, position: str) -> ListedEntity:
    data_id = child_text(element, "DATAID")
    if data_id is None:
        raise ImportFailed(
            "a listing has no DATAID", source=source, position=position, field="DATAID"
        )
    where = f"{position} (DATAID {data_id})"
    person = kind == "INDIVIDUAL"
    primary = " ".join(
        part
        for part in (
            child_text(element, tag)
            for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        )
        if part
    )
    if not primary:
        raise ImportFailed(
            "a listing has no name", source=source, position=where, field="FIRST_NAME"
        )
    names = [ListedName(primary)]
    original = child_text(element, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(ListedName(original, NameType.ALIAS, script_of(original)))
    for alias in children(element, f"{kind}_ALIAS"):
        alias_name = child_text(alias, "ALIAS_NAME")
        if alias_name:
            quality = (child_text(alias, "QUALITY") or "").casefold()
            names.append(
                ListedName(
                    alias_name, _ALIAS_TYPES.get(quality, NameType.ALIAS), script_of(alias_name)
                )
            )
    listed_on = iso_date(
        # xs:date may carry a time zone ("2015-04-07-04:00"): the day is what matters.
        (child_text(element, "LISTED_ON") or "")[:10],
        ("%Y-%m-%d",),
        source=source,
        position=where,
        field="LISTED_ON",
    )
    addresses = tuple(
        _address(address) for address in children(element, f"{kind}_ADDRESS") if len(address)
    )
    return ListedEntity(
        source=SOURCE,
        source_id=data_id,
        schema=EntitySchema.PERSON if person else EntitySchema.ORGANIZATION,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(
            date
            for dob in children(element, "INDIVIDUAL_DATE_OF_BIRTH")
            if (date := _birth_date(dob, source=source, position=where)) is not None
        ),
        birth_places=unique(
            _place(place) for place in children(element, "INDIVIDUAL_PLACE_OF_BIRTH")
        ),
        nationalities=tuple(
            dict.fromkeys(
                code
                for nationality in children(element, "NATIONALITY")
                for value in children(nationality, "VALUE")
                if (code := country_code(value.text))
            )
        ),
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        addresses=tuple(a for a in addresses if a.full),
        identifiers=tuple(
            identifier
            for document in children(element, "INDIVIDUAL_DOCUMENT")
            if (identifier := _document(document)) is not None
        ),
        programmes=unique([child_text(element, "UN_LIST_TYPE")]),
        listed_on=listed_on,
        gender=child_text(element, "GENDER"),
        remarks=child_text(element, "COMMENTS1"),
        extra=tuple(
            (key, value)
            for key, value in (("reference_number", child_text(element, "REFERENCE_NUMBER")),)
            if value
        ),
    )


def _birth_date(element: Element, *, source: str, position: str) -> BirthDate | None:
    kind = (child_text(element, "TYPE_OF_DATE") or "").upper()
    circa = kind == "APPROXIMATELY"
    date = child_text(element, "DATE")
    if date:
        iso_date(date[:10], ("%Y-%m-%d",), source=source, position=position, field="DATE")
        return BirthDate.exact(date[:10], circa=circa)
    year = child_text(element, "YEAR")
    if year:
        return BirthDate.exact(
            _year(year, source=source, position=position, field="YEAR"), circa=circa
        )
    start, end = child_text(element, "FROM_YEAR"), child_text(element, "TO_YEAR")
    if start and end:
        return BirthDate(
            _year(start, source=source, position=position, field="FROM_YEAR"),
            _year(end, source=source, position=position, field="TO_YEAR"),
            circa=circa,
        )
    return None


def _year(value: str, *, source: str, position: str, field: str) -> str:
    if not (value.isdigit() and len(value) == 4 and 1800 <= int(value) <= dt.date.today().year):
        raise ImportFailed(
            f"{value!r} is not a year", source=source, position=position, field=field
        )
    return value


def _place(element: Element) -> str:
    return ", ".join(
        part
        for part in (child_text(element, tag) for tag in ("CITY", "STATE_PROVINCE", "COUNTRY"))
        if part
    )


def _address(element: Element) -> Address:
    parts = [
        clean(child.text)
        for child in element
        if local(child.tag) in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
    ]
    return Address(
        ", ".join(part for part in parts if part), country_code(child_text(element, "COUNTRY"))
    )


def _document(element: Element) -> Identifier | None:
    number = child_text(element, "NUMBER")
    if number is None:
        return None
    kind = child_text(element, "TYPE_OF_DOCUMENT") or child_text(element, "TYPE_OF_DOCUMENT2")
    return Identifier(
        kind or "Document",
        number,
        country_code(
            child_text(element, "ISSUING_COUNTRY") or child_text(element, "COUNTRY_OF_ISSUE")
        ),
    )
