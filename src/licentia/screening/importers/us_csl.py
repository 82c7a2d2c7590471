"""US Consolidated Screening List (trade.gov): CSV (2019 and current headers) and JSON.

The CSL merges 13 lists of Commerce, State and Treasury; the `source` column names the list,
kept in `extra` as `csl_source` together with `license_requirement` and `license_policy`
(which the Entity List's export decisions depend on). CSV multi-values are joined by "; ".
Ids: the current CSV and the JSON carry `_id`/`id`; the 2019 CSV has only `entity_number`
(Treasury lists) and otherwise a stable digest of list, name and start date.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from licentia.errors import ImportFailed
from licentia.screening.importers._common import (
    Row,
    clean,
    country_code,
    country_codes,
    csv_rows,
    header_index,
    iso_date,
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

SOURCE = "us-csl"
TITLE = "US Consolidated Screening List"
_REQUIRED = ("source", "name", "type", "addresses", "alt_names", "license_requirement")
_SCHEMAS = {
    "individual": EntitySchema.PERSON,
    "entity": EntitySchema.LEGAL_ENTITY,
    "vessel": EntitySchema.VESSEL,
    "aircraft": EntitySchema.AIRPLANE,
}
_ABBREVIATION = re.compile(r"\(([A-Z-]{2,8})\)")
# Facts that the CSL writes among ids but that identify nobody.
_NOT_IDENTIFIERS = re.compile(
    r"(sanctions|directive|transactions prohibited|email|website|phone|gender|:)", re.I
)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_RANGE = re.compile(r"^(\d{4}) to (\d{4})$")
_CHUNK = 64 * 1024


class CslCsvReader:
    format = "us-csl-csv"

    def header(self, path: str) -> ListHeader:
        require_file(Path(path))
        return ListHeader(SOURCE, self.format, TITLE)

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        rows = csv_rows(file)
        first = next(rows, None)
        if first is None:
            raise ImportFailed("the file is empty", source=path, position="line 1")
        index = header_index(file, first[1], _REQUIRED)
        for line, values in rows:
            if any(value.strip() for value in values):
                yield _entity(_CsvRecord(Row(values, index, line)), source=path)


class CslJsonReader:
    format = "us-csl-json"

    def header(self, path: str) -> ListHeader:
        require_file(Path(path))
        return ListHeader(SOURCE, self.format, TITLE)

    def entities(self, path: str) -> Iterator[ListedEntity]:
        file = Path(path)
        require_file(file)
        for ordinal, record in _json_results(file):
            if not isinstance(record, dict):
                raise ImportFailed(
                    "a result is not a JSON object", source=path, position=f"result #{ordinal}"
                )
            yield _entity(_JsonRecord(record, ordinal), source=path)


class _CsvRecord:
    def __init__(self, row: Row) -> None:
        self.row = row
        self.position = f"line {row.line}"

    def text(self, key: str) -> str | None:
        return self.row.get(key)

    def many(self, key: str) -> list[str]:
        return [part for part in (clean(p) for p in (self.row.get(key) or "").split(";")) if part]

    def ids(self) -> list[Identifier]:
        found = []
        for item in self.many("ids"):
            parts = [part.strip() for part in item.split(",")]
            if len(parts) < 2:
                continue
            # 2019: "COUNTRY, NUMBER, TYPE"; since then: "TYPE, NUMBER[, COUNTRY]".
            country: str | None
            if len(parts) >= 3 and len(parts[0]) == 2 and parts[0].isupper():
                kind, number, country = ", ".join(parts[2:]), parts[1], parts[0]
            else:
                kind, number = parts[0], parts[1]
                country = parts[2] if len(parts) > 2 else None
            found.append(Identifier(kind, number, country_code(country)))
        return found

    def addresses(self) -> list[Address]:
        # A CSL address ends with its country code: "..., Hong Kong, HK".
        return [
            Address(item, country_code(item.rsplit(",", 1)[-1]) if "," in item else None)
            for item in self.many("addresses")
        ]


class _JsonRecord:
    def __init__(self, record: Mapping[str, Any], ordinal: int) -> None:
        self.record = record
        self.position = f"result #{ordinal}"

    def text(self, key: str) -> str | None:
        value = self.record.get("id" if key == "_id" else key)
        if isinstance(value, list):
            return clean("; ".join(str(v) for v in value if v))
        return clean(str(value)) if value is not None else None

    def many(self, key: str) -> list[str]:
        value = self.record.get(key)
        if isinstance(value, list):
            return [text for v in value if isinstance(v, str | int) and (text := clean(str(v)))]
        return [part for part in (clean(p) for p in str(value or "").split(";")) if part]

    def ids(self) -> list[Identifier]:
        return [
            Identifier(
                clean(item.get("type")) or "Identifier",
                number,
                country_code(item.get("country")),
            )
            for item in self.record.get("ids") or []
            if isinstance(item, dict) and (number := clean(item.get("number")))
        ]

    def addresses(self) -> list[Address]:
        found = []
        for item in self.record.get("addresses") or []:
            if not isinstance(item, dict):
                continue
            parts = [
                clean(item.get(key))
                for key in ("address", "city", "state", "postal_code", "country")
            ]
            full = ", ".join(part for part in parts if part)
            if full:
                found.append(Address(full, country_code(item.get("country"))))
        return found


def _entity(record: _CsvRecord | _JsonRecord, *, source: str) -> ListedEntity:
    position = record.position
    name = record.text("name")
    csl_source = record.text("source")
    if name is None:
        raise ImportFailed("the entry has no name", source=source, position=position, field="name")
    if csl_source is None:
        raise ImportFailed(
            "the entry has no source list", source=source, position=position, field="source"
        )
    start = iso_date(
        record.text("start_date"),
        ("%Y-%m-%d",),
        source=source,
        position=position,
        field="start_date",
    )
    abbreviation = _ABBREVIATION.search(csl_source)
    list_code = abbreviation.group(1) if abbreviation else csl_source
    identifier = record.text("_id") or (
        f"{list_code}-{number}" if (number := record.text("entity_number")) else None
    )
    if identifier is None:
        identifier = hashlib.sha256(f"{list_code}|{name.casefold()}|{start}".encode()).hexdigest()[
            :16
        ]
    kind = (record.text("type") or "").lower()
    schema = _SCHEMAS.get(kind, EntitySchema.LEGAL_ENTITY)
    addresses = record.addresses()
    ids = [i for i in record.ids() if not _NOT_IDENTIFIERS.search(i.type)]
    gender = next((i.value.lower() for i in record.ids() if i.type.lower() == "gender"), None)
    return ListedEntity(
        source=SOURCE,
        source_id=identifier,
        schema=schema,
        names=(
            ListedName(name),
            *(
                ListedName(alias, NameType.ALIAS)
                for alias in record.many("alt_names")
                if alias != name
            ),
        ),
        birth_dates=tuple(
            date for text in record.many("dates_of_birth") if (date := _birth_date(text))
        ),
        birth_places=tuple(record.many("places_of_birth")),
        nationalities=country_codes([*record.many("nationalities"), *record.many("citizenships")]),
        countries=tuple(
            dict.fromkeys(
                [
                    *(a.country for a in addresses if a.country),
                    *([flag] if (flag := country_code(record.text("vessel_flag"))) else []),
                ]
            )
        ),
        addresses=tuple(addresses),
        identifiers=tuple(dict.fromkeys(ids)),
        programmes=tuple(record.many("programs")),
        listed_on=start,
        gender=gender,
        remarks=record.text("remarks"),
        extra=tuple(
            (key, value)
            for key, value in (
                ("csl_source", csl_source),
                ("csl_list", list_code),
                ("license_requirement", record.text("license_requirement")),
                ("license_policy", record.text("license_policy")),
                ("federal_register_notice", record.text("federal_register_notice")),
                ("end_date", record.text("end_date")),
                ("title", record.text("title")),
                ("call_sign", record.text("call_sign")),
                ("vessel_type", record.text("vessel_type")),
                ("vessel_flag", record.text("vessel_flag")),
                ("vessel_owner", record.text("vessel_owner")),
                ("source_list_url", record.text("source_list_url")),
            )
            if value
        ),
    )


def _birth_date(text: str) -> BirthDate | None:
    if _DATE.match(text):
        return BirthDate.exact(text)
    if match := _RANGE.match(text):
        return BirthDate(match.group(1), match.group(2))
    return None


def _json_results(path: Path) -> Iterator[tuple[int, Any]]:
    """The objects of the file's `results` array (or of a top-level array), one at a time.

    The file is decoded strictly as UTF-8 and parsed incrementally, so a large download is
    never held whole; a malformed or truncated file fails at the line where it breaks.
    """
    decoder = json.JSONDecoder()
    source = str(path)
    with path.open("rb") as handle:
        text = codecs.getincrementaldecoder("utf-8-sig")()
        buffer = ""
        consumed_lines = 0
        read_bytes = 0
        offset = 0

        def more() -> bool:
            nonlocal buffer, read_bytes
            chunk = handle.read(_CHUNK)
            try:
                buffer += text.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise ImportFailed(
                    f"bytes that are not UTF-8 ({exc.reason}); save the file as UTF-8",
                    source=source,
                    position=f"byte {read_bytes + exc.start}",
                ) from exc
            read_bytes += len(chunk)
            return bool(chunk)

        def where() -> str:
            return f"line {consumed_lines + buffer.count(chr(10), 0, offset) + 1}"

        def skip_space() -> None:
            nonlocal offset
            while True:
                while offset < len(buffer) and buffer[offset] in " \t\r\n":
                    offset += 1
                if offset < len(buffer) or not more():
                    return

        def expect(token: str, field: str) -> None:
            nonlocal offset
            skip_space()
            if buffer[offset : offset + len(token)] != token:
                found = buffer[offset : offset + 20] or "end of file"
                raise ImportFailed(
                    f"expected {token!r}, found {found!r}",
                    source=source,
                    position=where(),
                    field=field,
                )
            offset += len(token)

        skip_space()
        if not buffer:
            raise ImportFailed("the file is empty", source=source, position="line 1")
        if buffer[offset] == "{":
            # Find the "results" key: a wrapper object's other keys are small values.
            while '"results"' not in buffer:
                if not more():
                    raise ImportFailed(
                        "no results array", source=source, position=where(), field="results"
                    )
            offset = buffer.index('"results"') + len('"results"')
            expect(":", "results")
        expect("[", "results")
        ordinal = 0
        while True:
            skip_space()
            if buffer[offset : offset + 1] == "]":
                return
            if ordinal:
                expect(",", "results")
                skip_space()
            while True:
                try:
                    value, end = decoder.raw_decode(buffer, offset)
                    break
                except json.JSONDecodeError as exc:
                    if not more():
                        raise ImportFailed(
                            f"malformed or truncated JSON: {exc.msg}",
                            source=source,
                            position=f"{where()}, result #{ordinal + 1}",
                        ) from exc
            ordinal += 1
            yield ordinal, value
            # Drop what has been read so the buffer holds about one result at a time.
            consumed_lines += buffer.count("\n", 0, end)
            buffer = buffer[end:]
            offset = 0
