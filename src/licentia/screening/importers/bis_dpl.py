"""US BIS Denied Persons List, the official tab-separated text file (quoted fields, header row).

Columns: Name, Street_Address, City, State, Country, Postal_Code, Effective_Date,
Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation. The file has no ids: a
denial is identified by its name and effective date, and consecutive rows for the same
denial (one per address) become one entity.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from licentia.errors import ImportFailed
from licentia.screening.importers._common import (
    Row,
    country_code,
    csv_rows,
    header_index,
    iso_date,
    require_file,
)
from licentia.screening.model import Address, EntitySchema, ListedEntity, ListedName, ListHeader

SOURCE = "us-bis-dpl"
_REQUIRED = ("Name", "Street_Address", "City", "Country", "Effective_Date", "FR_Citation")


class BisDplReader:
    format = "us-bis-dpl"

    def header(self, path: str) -> ListHeader:
        require_file(Path(path))
        return ListHeader(SOURCE, self.format, "US BIS Denied Persons List")

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        rows = csv_rows(file, delimiter="\t")
        first = next(rows, None)
        if first is None:
            raise ImportFailed("the file is empty", source=path, position="line 1")
        index = header_index(file, first[1], _REQUIRED)
        group: list[Row] = []
        for line, values in rows:
            if not any(value.strip() for value in values):
                continue
            row = Row(values, index, line)
            if group and _key(row) != _key(group[0]):
                yield _entity(group, path)
                group = []
            group.append(row)
        if group:
            yield _entity(group, path)


def _key(row: Row) -> tuple[str | None, str | None]:
    return (row.get("Name"), row.get("Effective_Date"))


def _entity(rows: list[Row], path: str) -> ListedEntity:
    first = rows[0]
    position = f"line {first.line}"
    name = first.get("Name")
    if name is None:
        raise ImportFailed("the row has no name", source=path, position=position, field="Name")
    effective = iso_date(
        first.get("Effective_Date"),
        ("%m/%d/%Y", "%Y-%m-%d"),
        source=path,
        position=position,
        field="Effective_Date",
    )
    addresses = tuple(
        Address(
            ", ".join(
                part
                for part in (
                    row.get(column)
                    for column in ("Street_Address", "City", "State", "Postal_Code", "Country")
                )
                if part
            ),
            country_code(row.get("Country")),
        )
        for row in rows
    )
    # Stable across editions: the same denial keeps its name and effective date.
    digest = hashlib.sha256(f"{name.casefold()}|{effective}".encode()).hexdigest()[:16]
    return ListedEntity(
        source=SOURCE,
        source_id=digest,
        # The list does not say whether a party is a person or a company.
        schema=EntitySchema.LEGAL_ENTITY,
        names=(ListedName(name),),
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        addresses=tuple(dict.fromkeys(a for a in addresses if a.full)),
        listed_on=effective,
        remarks=first.get("Action"),
        extra=tuple(
            (key, value)
            for key, value in (
                ("federal_register_citation", first.get("FR_Citation")),
                ("expiration_date", first.get("Expiration_Date")),
                ("standard_order", first.get("Standard_Order")),
                ("last_update", first.get("Last_Update")),
            )
            if value
        ),
    )
