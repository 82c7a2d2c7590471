"""OFAC SDN.XML (`sdnList`), in the Sanctions List Service namespace or the older tempuri.org one.

Elements are matched by local name, so both namespaces read the same. `aka@category` weak is
a weak alias, `aka@type` f.k.a. a previous name. The `idList` mixes documents with facts
("Gender", "Additional Sanctions Information -", "Digital Currency Address - XBT"): gender
is taken out, sanctions notes go to `extra`, and the rest are identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

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
    unique,
)
from licentia.screening.importers.ofac_csv import DOB_PATTERN, birth_date_from
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

SOURCE = "us-ofac-sdn"
_ROOT = "sdnList"
_SCHEMAS = {
    "individual": EntitySchema.PERSON,
    "entity": EntitySchema.LEGAL_ENTITY,
    "vessel": EntitySchema.VESSEL,
    "aircraft": EntitySchema.AIRPLANE,
}
_NOT_IDENTIFIERS = re.compile(
    r"^(Additional Sanctions Information|Secondary sanctions risk|Transactions Prohibited|Effective Date|Listing Date|.*Directive)",
    re.I,
)


class OfacXmlReader:
    format = "us-ofac-sdn-xml"

    def header(self, path: str) -> ListHeader:
        file = Path(path)
        require_file(file)
        published = None
        for element in _leading(file):
            if local(element.tag) == "Publish_Date":
                published = iso_date(
                    element.text,
                    ("%m/%d/%Y",),
                    source=path,
                    position="publshInformation",
                    field="Publish_Date",
                )
        return ListHeader(
            SOURCE,
            self.format,
            "OFAC Specially Designated Nationals and Blocked Persons",
            published=published,
            version=published.isoformat() if published else None,
        )

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        for position, element in iter_xml(file, "sdnEntry", root=_ROOT):
            yield _entity(element, source=path, position=position)


def _leading(file: Path) -> Iterator[Element]:
    """The elements before the first entry (the publication information), checking the root."""
    try:
        with file.open("rb") as handle:
            first = True
            for event, element in iterparse(handle, events=("start", "end")):
                if first:
                    first = False
                    if local(element.tag) != _ROOT:
                        raise ImportFailed(
                            f"the root element is <{local(element.tag)}>, expected <{_ROOT}>",
                            source=str(file),
                            position="element 1",
                        )
                if local(element.tag) == "sdnEntry":
                    return
                if event == "end":
                    yield element
    except ParseError as exc:
        line, column = exc.position
        raise ImportFailed(
            f"malformed XML: {exc}", source=str(file), position=f"line {line}, column {column}"
        ) from exc
    except DefusedXmlException as exc:
        raise ImportFailed(
            f"unsafe XML refused ({type(exc).__name__})", source=str(file), position="start of file"
        ) from exc


def _entity(element: Element, *, source: str, position: str) -> ListedEntity:
    uid = child_text(element, "uid")
    if uid is None:
        raise ImportFailed("an sdnEntry has no uid", source=source, position=position, field="uid")
    where = f"{position} (uid {uid})"
    kind = (child_text(element, "sdnType") or "").lower()
    schema = _SCHEMAS.get(kind)
    if schema is None:
        raise ImportFailed(
            f"unknown sdnType {kind!r}", source=source, position=where, field="sdnType"
        )
    primary = _name(element)
    if not primary:
        raise ImportFailed(
            "an sdnEntry has no name", source=source, position=where, field="lastName"
        )
    names = [ListedName(primary)]
    for aka in _items(element, "akaList", "aka"):
        alias = _name(aka)
        if not alias:
            continue
        if (child_text(aka, "category") or "").lower() == "weak":
            kind_of_name = NameType.WEAK_ALIAS
        elif (child_text(aka, "type") or "").lower() == "f.k.a.":
            kind_of_name = NameType.PREVIOUS
        else:
            kind_of_name = NameType.ALIAS
        names.append(ListedName(alias, kind_of_name))
    identifiers: list[Identifier] = []
    gender = None
    notes: list[tuple[str, str]] = []
    for item in _items(element, "idList", "id"):
        kind_of_id = child_text(item, "idType") or "Identifier"
        number = child_text(item, "idNumber")
        if number is None:
            continue
        if kind_of_id.lower() == "gender":
            gender = number.lower()
        elif _NOT_IDENTIFIERS.match(kind_of_id):
            notes.append(("sanctions_information", f"{kind_of_id} {number}"))
        else:
            identifiers.append(
                Identifier(kind_of_id, number, country_code(child_text(item, "idCountry")))
            )
    addresses = tuple(
        Address(
            ", ".join(
                part
                for part in (
                    child_text(address, tag)
                    for tag in (
                        "address1",
                        "address2",
                        "address3",
                        "city",
                        "stateOrProvince",
                        "postalCode",
                        "country",
                    )
                )
                if part
            ),
            country_code(child_text(address, "country")),
        )
        for address in _items(element, "addressList", "address")
    )
    vessel = next(children(element, "vesselInfo"), None)
    extra = list(notes)
    if vessel is not None:
        extra.extend(
            (key, value)
            for key, tag in (
                ("call_sign", "callSign"),
                ("vessel_type", "vesselType"),
                ("vessel_flag", "vesselFlag"),
                ("vessel_owner", "vesselOwner"),
                ("tonnage", "tonnage"),
                ("gross_registered_tonnage", "grossRegisteredTonnage"),
            )
            if (value := child_text(vessel, tag))
        )
    title = child_text(element, "title")
    if title:
        extra.insert(0, ("title", title))
    flag = country_code(child_text(vessel, "vesselFlag")) if vessel is not None else None
    return ListedEntity(
        source=SOURCE,
        source_id=uid,
        schema=schema,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(
            _dob(text, source=source, position=where)
            for item in _items(element, "dateOfBirthList", "dateOfBirthItem")
            if (text := child_text(item, "dateOfBirth"))
        ),
        birth_places=unique(
            child_text(item, "placeOfBirth")
            for item in _items(element, "placeOfBirthList", "placeOfBirthItem")
        ),
        nationalities=tuple(
            dict.fromkeys(
                code
                for wrapper, tag in (
                    ("nationalityList", "nationality"),
                    ("citizenshipList", "citizenship"),
                )
                for item in _items(element, wrapper, tag)
                if (code := country_code(child_text(item, "country")))
            )
        ),
        countries=tuple(
            dict.fromkeys([*(a.country for a in addresses if a.country), *([flag] if flag else [])])
        ),
        addresses=tuple(a for a in addresses if a.full),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programmes=unique(program.text for program in _items(element, "programList", "program")),
        gender=gender,
        remarks=child_text(element, "remarks"),
        extra=tuple(extra),
    )


def _name(element: Element) -> str:
    """ "First LAST" for people; entities carry their whole name in lastName."""
    return " ".join(
        part for part in (child_text(element, "firstName"), child_text(element, "lastName")) if part
    )


def _items(element: Element, wrapper: str, tag: str) -> Iterator[Element]:
    for group in children(element, wrapper):
        yield from children(group, tag)


def _dob(text: str, *, source: str, position: str) -> BirthDate:
    match = DOB_PATTERN.match(f"DOB {clean(text)}")
    if match is None:
        raise ImportFailed(
            f"{text!r} is not a date OFAC writes (like 10 Dec 1968, Dec 1968, 1968, circa 1968)",
            source=source,
            position=position,
            field="dateOfBirth",
        )
    return birth_date_from(match, file=source, position=position)
