"""UK Sanctions List (FCDO), the sole official UK list since 28 January 2026: CSV and XML.

Both formats list one designation per `Unique ID` (e.g. RUS0001) with names in six parts
(Name 1..5 given names, Name 6 the family or whole name), a name type (Primary name,
Primary name variation, Alias) and an alias strength (`Weak`/"Low quality" make a weak
alias); non-Latin names carry their script and language. Dates are dd/mm/yyyy, with 00 for
an unknown day or month.

The CSV has one row per name of a designation; rows of one designation are consecutive. A
first line "Report Date: ..." before the header is read as the publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from licentia.errors import ImportFailed
from licentia.screening.importers._common import (
    Row,
    child_text,
    children,
    clean,
    country_code,
    country_codes,
    csv_rows,
    header_index,
    iter_xml,
    require_file,
    script_of,
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

SOURCE = "uk-sanctions"
TITLE = "UK Sanctions List"
_SCHEMAS = {
    "individual": EntitySchema.PERSON,
    "entity": EntitySchema.ORGANIZATION,
    "ship": EntitySchema.VESSEL,
}
_REQUIRED = ("Unique ID", "Name 6", "Name type", "Designation Type")
_REPORT_DATE = re.compile(r"report date:\s*(?P<date>.+)$", re.I)
_UK_DATE = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$")


class UkCsvReader:
    format = "uk-sanctions-csv"

    def header(self, path: str) -> ListHeader:
        file = Path(path)
        require_file(file)
        first = next(csv_rows(file), None)
        published = None
        if first and first[1] and (match := _REPORT_DATE.match(first[1][0].strip())):
            published = _report_date(match["date"], source=path)
        return ListHeader(
            SOURCE,
            self.format,
            TITLE,
            published=published,
            version=published.isoformat() if published else None,
        )

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        rows = csv_rows(file)
        first = next(rows, None)
        if first is not None and first[1] and _REPORT_DATE.match(first[1][0].strip()):
            first = next(rows, None)
        if first is None:
            raise ImportFailed("the file has no header row", source=path, position="line 1")
        index = header_index(file, first[1], _REQUIRED, line=first[0])
        group: list[Row] = []
        for line, values in rows:
            if not any(value.strip() for value in values):
                continue
            row = Row(values, index, line)
            if group and row.get("Unique ID") != group[0].get("Unique ID"):
                yield _from_rows(group, path)
                group = []
            group.append(row)
        if group:
            yield _from_rows(group, path)


class UkXmlReader:
    format = "uk-sanctions-xml"

    def header(self, path: str) -> ListHeader:
        require_file(Path(path))
        return ListHeader(SOURCE, self.format, TITLE)

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        for position, element in iter_xml(file, "Designation", root=None):
            yield _from_xml(element, path, position)


def _report_date(text: str, *, source: str) -> dt.date:
    for fmt in ("%d-%b-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ImportFailed(
        f"{text!r} is not a date", source=source, position="line 1", field="Report Date"
    )


def _uk_date(text: str | None, *, source: str, position: str, field: str) -> str | None:
    """ "12/04/1968" -> "1968-04-12"; "00/00/1968" -> "1968"; "00/04/1968" -> "1968-04"."""
    value = clean(text)
    if value is None:
        return None
    match = _UK_DATE.match(value)
    if match is None:
        raise ImportFailed(
            f"{value!r} is not a dd/mm/yyyy date", source=source, position=position, field=field
        )
    day, month, year = int(match["d"]), int(match["m"]), match["y"]
    if month == 0:
        return year
    if day == 0:
        return f"{year}-{month:02d}"
    try:
        return dt.date(int(year), month, day).isoformat()
    except ValueError as exc:
        raise ImportFailed(
            f"{value!r} is not a date ({exc})", source=source, position=position, field=field
        ) from exc


def _name_type(kind: str | None, strength: str | None) -> NameType:
    lowered = (kind or "").casefold()
    if lowered.startswith("primary name variation"):
        return NameType.ALIAS
    if lowered.startswith("primary"):
        return NameType.PRIMARY
    if (strength or "").casefold() in {"weak", "low quality", "low"}:
        return NameType.WEAK_ALIAS
    return NameType.ALIAS


def _full_name(parts: Iterable[str | None], separator: str = " ") -> str:
    return separator.join(part for part in parts if part)


def _assemble(
    *,
    unique_id: str | None,
    kind: str | None,
    names: list[ListedName],
    source: str,
    position: str,
    **fields: object,
) -> ListedEntity:
    if unique_id is None:
        raise ImportFailed(
            "a designation has no Unique ID", source=source, position=position, field="Unique ID"
        )
    schema = _SCHEMAS.get((kind or "").casefold())
    if schema is None:
        raise ImportFailed(
            f"unknown designation type {kind!r} (expected Individual, Entity or Ship)",
            source=source,
            position=position,
            field="Designation Type",
        )
    names = list(dict.fromkeys(names))
    primary = [name for name in names if name.type is NameType.PRIMARY]
    if not primary:
        strong = [name for name in names if name.type is not NameType.WEAK_ALIAS]
        if not strong:
            raise ImportFailed(
                "a designation has no name", source=source, position=position, field="Name 6"
            )
        primary = [ListedName(strong[0].full, NameType.PRIMARY, strong[0].script)]
        names.remove(strong[0])
    # The first primary name leads; further "primary" spellings are aliases.
    rest = [
        ListedName(n.full, NameType.ALIAS, n.script, n.language)
        if n.type is NameType.PRIMARY
        else n
        for n in names
        if n != primary[0]
    ]
    return ListedEntity(
        source=SOURCE,
        source_id=unique_id,
        schema=schema,
        names=(primary[0], *rest),
        **fields,  # type: ignore[arg-type]
    )


def _from_rows(rows: list[Row], source: str) -> ListedEntity:
    first = rows[0]
    position = f"line {first.line}"
    names: list[ListedName] = []
    for row in rows:
        full = _full_name(row.get(f"Name {i}") for i in range(1, 7))
        if full:
            names.append(
                ListedName(full, _name_type(row.get("Name type"), row.get("Alias strength")))
            )
        non_latin = row.get("Name non-latin script")
        if non_latin:
            names.append(
                ListedName(
                    non_latin,
                    NameType.ALIAS,
                    script_of(non_latin),
                    row.get("Non-latin script language"),
                )
            )
    addresses = _unique_addresses(
        Address(
            _full_name(
                (
                    row.get(column)
                    for column in (
                        *(f"Address Line {i}" for i in range(1, 7)),
                        "Address Postal Code",
                        "Address Country",
                    )
                ),
                ", ",
            ),
            country_code(row.get("Address Country")),
        )
        for row in rows
    )
    births = [
        date
        for row in rows
        if (
            date := _uk_date(
                row.get("D.O.B"), source=source, position=f"line {row.line}", field="D.O.B"
            )
        )
    ]
    identifiers = [
        Identifier(kind, value)
        for row in rows
        for kind, column in (
            ("Passport", "Passport number"),
            ("National ID", "National Identifier number"),
            ("Business registration number", "Business registration number (s)"),
            ("IMO", "IMO number"),
        )
        if (value := row.get(column))
    ]
    designated = _uk_date(
        first.get("Date Designated"), source=source, position=position, field="Date Designated"
    )
    return _assemble(
        unique_id=first.get("Unique ID"),
        kind=first.get("Designation Type"),
        names=names,
        source=source,
        position=position,
        birth_dates=tuple(BirthDate.exact(d) for d in dict.fromkeys(births)),
        birth_places=unique(
            ", ".join(p for p in (row.get("Town of birth"), row.get("Country of birth")) if p)
            for row in rows
        ),
        nationalities=country_codes(
            part
            for row in rows
            for part in re.split(r"[,;]|\(\d+\)", row.get("Nationality(/ies)") or "")
        ),
        countries=tuple(
            dict.fromkeys(
                [
                    *(a.country for a in addresses if a.country),
                    *country_codes(row.get("Current believed flag of ship") for row in rows),
                ]
            )
        ),
        addresses=addresses,
        identifiers=tuple(dict.fromkeys(identifiers)),
        programmes=unique(row.get("Regime Name") for row in rows),
        listed_on=dt.date.fromisoformat(designated)
        if designated and len(designated) == 10
        else None,
        gender=(first.get("Gender") or "").lower() or None,
        remarks=first.get("Other Information"),
        extra=_extra(
            ("ofsi_group_id", first.get("OFSI Group ID")),
            ("un_reference_number", first.get("UN Reference Number")),
            ("designation_source", first.get("Designation source")),
            ("sanctions_imposed", first.get("Sanctions Imposed")),
        ),
    )


def _from_xml(element: Element, source: str, position: str) -> ListedEntity:
    unique_id = child_text(element, "UniqueID")
    where = f"{position} (UniqueID {unique_id})"
    names = [
        ListedName(
            full, _name_type(child_text(name, "NameType"), child_text(name, "AliasStrength"))
        )
        for name in _items(element, "Names", "Name")
        if (full := _full_name(child_text(name, f"Name{i}") for i in range(1, 7)))
    ]
    names.extend(
        ListedName(
            text, NameType.ALIAS, script_of(text), child_text(item, "NonLatinScriptLanguage")
        )
        for item in _items(element, "NonLatinNames", "NonLatinName")
        if (text := child_text(item, "NameNonLatinScript"))
    )
    individuals = list(_items(element, "IndividualDetails", "Individual"))
    births = [
        date
        for person in individuals
        for dob in _items(person, "DOBs", "DOB")
        if (date := _uk_date(dob.text, source=source, position=where, field="DOB"))
    ]
    addresses = _unique_addresses(
        Address(
            _full_name(
                (
                    child_text(address, tag)
                    for tag in (
                        *(f"AddressLine{i}" for i in range(1, 7)),
                        "AddressPostalCode",
                        "AddressCountry",
                    )
                ),
                ", ",
            ),
            country_code(child_text(address, "AddressCountry")),
        )
        for address in _items(element, "Addresses", "Address")
    )
    ships = list(_items(element, "ShipDetails", "Ship"))
    identifiers = [
        Identifier("IMO", imo.text.strip())
        for ship in ships
        for imo in _items(ship, "IMONumbers", "IMONumber")
        if imo.text and imo.text.strip()
    ]
    flags = [
        code
        for ship in ships
        for flag in _items(ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip")
        if (code := country_code(flag.text))
    ]
    designated = _uk_date(
        child_text(element, "DateDesignated"), source=source, position=where, field="DateDesignated"
    )
    return _assemble(
        unique_id=unique_id,
        kind=child_text(element, "IndividualEntityShip"),
        names=names,
        source=source,
        position=where,
        birth_dates=tuple(BirthDate.exact(d) for d in dict.fromkeys(births)),
        birth_places=unique(
            ", ".join(
                p for p in (child_text(loc, "TownOfBirth"), child_text(loc, "CountryOfBirth")) if p
            )
            for person in individuals
            for loc in _items(person, "BirthDetails", "Location")
        ),
        nationalities=country_codes(
            n.text for person in individuals for n in _items(person, "Nationalities", "Nationality")
        ),
        countries=tuple(dict.fromkeys([*(a.country for a in addresses if a.country), *flags])),
        addresses=addresses,
        identifiers=tuple(dict.fromkeys(identifiers)),
        programmes=unique([child_text(element, "RegimeName")]),
        listed_on=dt.date.fromisoformat(designated)
        if designated and len(designated) == 10
        else None,
        gender=next(
            (g.lower() for person in individuals if (g := child_text(person, "Gender"))), None
        ),
        remarks=child_text(element, "OtherInformation"),
        extra=_extra(
            ("un_reference_number", child_text(element, "UNReferenceNumber")),
            ("designation_source", child_text(element, "DesignationSource")),
            ("sanctions_imposed", child_text(element, "SanctionsImposed")),
        ),
    )


def _items(element: Element, wrapper: str, tag: str) -> Iterator[Element]:
    for group in children(element, wrapper):
        yield from children(group, tag)


def _unique_addresses(addresses: Iterable[Address]) -> tuple[Address, ...]:
    return tuple(dict.fromkeys(a for a in addresses if a.full))


def _extra(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in pairs if value)
