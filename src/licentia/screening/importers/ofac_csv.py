"""OFAC legacy CSV set: `sdn.csv` (or the non-SDN `cons_prim.csv`) with its side files.

No header row; `-0-` is empty. The main file has ent_num, name ("LAST, First" for
individuals), type, programme, title, call sign, vessel type, tonnage, GRT, flag, owner and
remarks. Beside it: `alt.csv` (aliases), `add.csv` (addresses), `sdn_comments.csv` (the rest
of remarks too long for the main file); the non-SDN set names them `cons_alt.csv`,
`cons_add.csv`, `cons_comments.csv`. Missing side files mean no aliases/addresses.

Birth dates, places of birth, nationality, citizenship, gender and identity documents exist
only inside the remarks ("DOB 10 Dec 1948; POB Giza, Egypt; Passport 1084010 (Egypt)"); the
parser reads the forms OFAC uses consistently and leaves everything else in the remarks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from licentia.errors import ImportFailed
from licentia.screening.importers._common import (
    clean,
    country_code,
    csv_rows,
    require_file,
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

_SCHEMAS = {
    "individual": EntitySchema.PERSON,
    "vessel": EntitySchema.VESSEL,
    "aircraft": EntitySchema.AIRPLANE,
    "": EntitySchema.LEGAL_ENTITY,  # OFAC leaves the type empty for entities
}
_ALIAS_TYPES = {"aka": NameType.ALIAS, "fka": NameType.PREVIOUS, "nka": NameType.ALIAS}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
DOB_PATTERN = re.compile(
    r"^(?:alt\. )?DOB (?:(?P<circa>circa) )?(?P<date>(?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4})"
    r"(?:(?: to |-)(?P<to>(?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4}))?$"
)
_POB = re.compile(r"^(?:alt\. )?POB (?P<place>.+)$")
_NATIONALITY = re.compile(r"^(?:alt\. )?(?:nationality|citizen) (?P<country>.+)$")
# Low-quality aliases live only in the remarks, quoted: "a.k.a. 'BNC'".
_WEAK_ALIAS = re.compile(r"^[af]\.k\.a\. '(?P<name>.+)'$")
_GENDER = re.compile(r"^Gender (?P<gender>Male|Female)$")
_ID_TYPES = (
    "Passport",
    "National ID No.",
    "Cedula No.",
    "Tax ID No.",
    "Registration Number",
    "Registration ID",
    "Identification Number",
    "SSN",
    "D-U-N-S Number",
    "RFC",
    "NIT #",
    "C.U.I.T.",
    "C.U.R.P.",
    "Driver's License No.",
    "Business Registration Number",
    "Legal Entity Number",
    "Vessel Registration Identification",
    "Aircraft Serial Identification",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "MMSI",
    "SWIFT/BIC",
    "Public Security and Immigration No.",
    "Residency Number",
    "Stateless Person ID Card",
    "Refugee ID Card",
    "Diplomatic Passport",
    "Birth Certificate Number",
    "Personal ID Card",
    "Electoral Registry No.",
    "Company Number",
    "Trade License No.",
    "Commercial Registry Number",
    "Government Gazette Number",
    "Matricula Mercantil No",
    "Chinese Commercial Code",
    "Kenyan ID No.",
    "Afghan Money Service Provider License Number",
)
_IDENTIFIER = re.compile(
    r"^(?:alt\. )?(?P<type>"
    + "|".join(re.escape(kind) for kind in sorted(_ID_TYPES, key=len, reverse=True))
    + r") (?P<value>[^()]+?)(?: \((?P<country>[^)]+)\))?(?: (?:issued|expires) .*)?$"
)


class OfacCsvReader:
    format = "us-ofac-sdn-csv"

    def header(self, path: str) -> ListHeader:
        file = Path(path)
        require_file(file)
        prefix = _prefix(file)
        if prefix == "cons":
            return ListHeader("us-ofac-cons", self.format, "OFAC Consolidated (non-SDN) List")
        return ListHeader(
            "us-ofac-sdn", self.format, "OFAC Specially Designated Nationals and Blocked Persons"
        )

    def companions(self, file: Path) -> list[Path]:
        """The side files read with the main file: aliases, addresses, remark overflow."""
        side = "cons_" if _prefix(file) == "cons" else ""
        return [
            file.with_name(f"{side}alt.csv"),
            file.with_name(f"{side}add.csv"),
            file.with_name(f"{side}comments.csv" if side else "sdn_comments.csv"),
        ]

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        source = self.header(path).source
        alt, add, comment = self.companions(file)
        aliases = _side_file(alt, columns=5)
        addresses = _side_file(add, columns=6)
        comments = _side_file(comment, columns=2)
        for line, row in csv_rows(file):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != 12:
                raise ImportFailed(
                    f"expected the 12 columns of the OFAC layout, found {len(row)}",
                    source=path,
                    position=f"line {line}",
                )
            yield _entity(
                row,
                source=source,
                file=path,
                line=line,
                aliases=aliases.get(row[0].strip(), []),
                addresses=addresses.get(row[0].strip(), []),
                comments=comments.get(row[0].strip(), []),
            )


def _prefix(file: Path) -> str:
    return "cons" if file.name.lower().startswith("cons") else "sdn"


def _side_file(path: Path, *, columns: int) -> dict[str, list[list[str]]]:
    """A side file's rows grouped by ent_num (these files are a few MB at most)."""
    grouped: dict[str, list[list[str]]] = defaultdict(list)
    if not path.is_file():
        return grouped
    for line, row in csv_rows(path):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != columns:
            raise ImportFailed(
                f"expected {columns} columns, found {len(row)}",
                source=str(path),
                position=f"line {line}",
            )
        grouped[row[0].strip()].append(row)
    return grouped


def _entity(
    row: list[str],
    *,
    source: str,
    file: str,
    line: int,
    aliases: list[list[str]],
    addresses: list[list[str]],
    comments: list[list[str]],
) -> ListedEntity:
    position = f"line {line}"
    ent_num = row[0].strip()
    if not ent_num.isdigit():
        raise ImportFailed(
            f"{ent_num!r} is not an entry number", source=file, position=position, field="ent_num"
        )
    name = clean(row[1])
    if name is None:
        raise ImportFailed(
            "the entry has no name", source=file, position=position, field="SDN_Name"
        )
    kind = (clean(row[2]) or "").lower()
    schema = _SCHEMAS.get(kind)
    if schema is None:
        raise ImportFailed(
            f"unknown entry type {kind!r}", source=file, position=position, field="SDN_Type"
        )
    person = schema is EntitySchema.PERSON
    # The side file continues the remark text exactly where the main file cut it.
    remarks = (clean(row[11]) or "") + "".join(comment[1] for comment in comments)
    parsed = _Remarks(remarks.strip().rstrip("."), file=file, position=position)
    names = [ListedName(_display(name, person))]
    for alias in aliases:
        alias_name = clean(alias[3])
        if alias_name:
            alias_kind = (clean(alias[2]) or "aka").lower().replace(".", "")
            names.append(
                ListedName(
                    _display(alias_name, person), _ALIAS_TYPES.get(alias_kind, NameType.ALIAS)
                )
            )
    names.extend(ListedName(weak, NameType.WEAK_ALIAS) for weak in parsed.weak_aliases)
    found_addresses = tuple(
        Address(
            ", ".join(part for part in map(clean, address[2:5]) if part), country_code(address[4])
        )
        for address in addresses
        if any(clean(part) for part in address[2:5])
    )
    flag = country_code(row[9])
    extra = [
        (key, value)
        for key, value in (
            ("title", clean(row[4])),
            ("call_sign", clean(row[5])),
            ("vessel_type", clean(row[6])),
            ("tonnage", clean(row[7])),
            ("gross_registered_tonnage", clean(row[8])),
            ("vessel_flag", clean(row[9])),
            ("vessel_owner", clean(row[10])),
        )
        if value
    ]
    return ListedEntity(
        source=source,
        source_id=ent_num,
        schema=schema,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(parsed.birth_dates),
        birth_places=tuple(dict.fromkeys(parsed.birth_places)),
        nationalities=tuple(dict.fromkeys(parsed.nationalities)),
        countries=tuple(
            dict.fromkeys(
                [*(a.country for a in found_addresses if a.country), *([flag] if flag else [])]
            )
        ),
        addresses=found_addresses,
        identifiers=tuple(dict.fromkeys(parsed.identifiers)),
        programmes=tuple(p for p in (clean(part) for part in row[3].split(";")) if p),
        gender=parsed.gender,
        remarks=clean(remarks),
        extra=tuple(extra),
    )


def _display(name: str, person: bool) -> str:
    """OFAC writes people "LAST, First"; screening reads "First LAST"."""
    if person and name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name


class _Remarks:
    """What the remark text says in OFAC's consistent forms; the rest stays in the text."""

    def __init__(self, text: str, *, file: str, position: str) -> None:
        self.birth_dates: list[BirthDate] = []
        self.birth_places: list[str] = []
        self.nationalities: list[str] = []
        self.identifiers: list[Identifier] = []
        self.gender: str | None = None
        self.weak_aliases: list[str] = []
        for item in (part.strip() for part in text.split(";")):
            if match := DOB_PATTERN.match(item):
                self.birth_dates.append(birth_date_from(match, file=file, position=position))
            elif match := _POB.match(item):
                self.birth_places.append(match["place"].strip())
            elif (match := _NATIONALITY.match(item)) and (code := country_code(match["country"])):
                self.nationalities.append(code)
            elif match := _WEAK_ALIAS.match(item):
                self.weak_aliases.append(match["name"].strip())
            elif match := _GENDER.match(item):
                self.gender = match["gender"].lower()
            elif match := _IDENTIFIER.match(item):
                self.identifiers.append(
                    Identifier(
                        match["type"],
                        match["value"].strip(),
                        country_code(match["country"]) if match["country"] else None,
                    )
                )


def birth_date_from(match: re.Match[str], *, file: str, position: str) -> BirthDate:
    start = _partial_date(match["date"], file=file, position=position)
    end = _partial_date(match["to"], file=file, position=position) if match["to"] else start
    return BirthDate(start, end, circa=match["circa"] is not None)


def _partial_date(text: str, *, file: str, position: str) -> str:
    """ "10 Dec 1948" -> "1948-12-10", "Dec 1948" -> "1948-12", "1948" -> "1948"."""
    parts = text.split()
    year = parts[-1]
    month = _MONTHS.get(parts[-2]) if len(parts) >= 2 else None
    if len(parts) >= 2 and month is None:
        raise ImportFailed(
            f"{text!r} has no month OFAC uses",
            source=file,
            position=position,
            field="Remarks (DOB)",
        )
    if month is None:
        return year
    if len(parts) == 3:
        day = int(parts[0])
        if not 1 <= day <= 31:
            raise ImportFailed(
                f"{text!r} has no such day", source=file, position=position, field="Remarks (DOB)"
            )
        return f"{year}-{month:02d}-{day:02d}"
    return f"{year}-{month:02d}"
