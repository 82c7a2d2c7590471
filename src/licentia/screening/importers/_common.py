"""Helpers every list importer shares: safe streaming XML, strict CSV, countries, dates, scripts.

Every helper reports bad input as `ImportFailed` naming the file, the position (line or
element) and the field, so an operator can open the file at that place.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from rigour.territories import lookup_territory
from rigour.text.scripts import text_scripts

from licentia.errors import ImportFailed, InvalidInput
from licentia.reference.countries import country, country_by_name

# Unicode script names (as rigour reports them) to ISO 15924 codes, for the scripts that
# sanctions lists use. A script missing here is left unset rather than guessed.
_ISO_15924 = {
    "Arabic": "Arab",
    "Armenian": "Armn",
    "Bengali": "Beng",
    "Cyrillic": "Cyrl",
    "Devanagari": "Deva",
    "Ethiopic": "Ethi",
    "Georgian": "Geor",
    "Greek": "Grek",
    "Han": "Hani",
    "Hangul": "Hang",
    "Hebrew": "Hebr",
    "Hiragana": "Jpan",
    "Katakana": "Jpan",
    "Khmer": "Khmr",
    "Myanmar": "Mymr",
    "Tamil": "Taml",
    "Thai": "Thai",
}
_SPACES = re.compile(r"\s+")


def clean(value: str | None) -> str | None:
    """Text with runs of whitespace collapsed; None for empty values and OFAC's `-0-`."""
    if value is None:
        return None
    text = _SPACES.sub(" ", value).strip()
    return text if text and text != "-0-" else None


def script_of(text: str) -> str | None:
    """The ISO 15924 code of a name written in one non-Latin script; None for Latin or mixed."""
    scripts = text_scripts(text)
    if len(scripts) != 1:
        return None
    return _ISO_15924.get(next(iter(scripts)))


def country_code(value: str | None) -> str | None:
    """The ISO alpha-2 code for a country code or name as a publisher writes it, else None.

    Codes are taken only when written in capitals (a lone "na" means "not available", not
    Namibia). Names go through the ISO names first, then rigour's gazetteer of the spellings
    publishers use ("Iran (Islamic Republic of)", "Korea, North", "Burma"). A value that maps
    to nothing stays out of the code fields.
    """
    text = clean(value)
    if text is None:
        return None
    try:
        if len(text) in (2, 3) and text.isalpha() and text.isupper():
            return country(text).alpha2
        return country_by_name(text).alpha2
    except InvalidInput:
        pass
    if len(text) <= 3:
        return None
    territory = lookup_territory(text)
    if territory is None:
        return None
    try:
        return country(territory.code.upper()).alpha2
    except InvalidInput:
        return None  # territories without an ISO 3166-1 code, e.g. Kosovo


def country_codes(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for code in map(country_code, values) if code))


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text for text in map(clean, values) if text))


def iso_date(
    value: str | None, formats: tuple[str, ...], *, source: str, position: str, field: str
) -> dt.date | None:
    """A date in one of the publisher's formats; a value in none of them is an import error."""
    text = clean(value)
    if text is None:
        return None
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ImportFailed(
        f"{text!r} is not a date (expected {' or '.join(formats)})",
        source=source,
        position=position,
        field=field,
    )


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def child_text(element: Element, name: str) -> str | None:
    """The cleaned text of the first child with this local name."""
    for child in element:
        if local(child.tag) == name:
            return clean(child.text)
    return None


def children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if local(child.tag) == name)


def iter_xml(path: Path, *records: str, root: str | None) -> Iterator[tuple[str, Element]]:
    """Stream the elements with one of the local names `records`, each with its position
    ("INDIVIDUAL #12"), and free each once the caller has read it.

    The parser refuses DTDs with entities and external references (defusedxml). The root
    element must have the local name `root` (when given); a file that ends before its root closes (a
    truncated download) is an error at the line where it stopped.
    """
    source = str(path)
    count = 0
    open_elements: list[Element] = []
    try:
        with path.open("rb") as handle:
            for event, element in iterparse(handle, events=("start", "end")):
                if event == "start":
                    if not open_elements and root and local(element.tag) != root:
                        raise ImportFailed(
                            f"the root element is <{local(element.tag)}>, expected <{root}>",
                            source=source,
                            position="element 1",
                        )
                    open_elements.append(element)
                    continue
                open_elements.pop()
                if local(element.tag) in records:
                    count += 1
                    yield f"{local(element.tag)} #{count}", element
                    # Free the finished record so memory stays bounded on 25 MB lists.
                    if open_elements:
                        open_elements[-1].remove(element)
    except ParseError as exc:
        line, column = exc.position
        hint = " (is the file in the encoding it declares?)" if "invalid token" in str(exc) else ""
        raise ImportFailed(
            f"malformed XML: {exc}{hint}",
            source=source,
            position=f"line {line}, column {column}, after record #{count}",
        ) from exc
    except DefusedXmlException as exc:
        raise ImportFailed(
            f"unsafe XML refused ({type(exc).__name__}): lists never need entities or DTDs",
            source=source,
            position=f"after record #{count}",
        ) from exc


def xml_root_attributes(path: Path, *, root: str) -> dict[str, str]:
    """The attributes of the root element, read without parsing the rest of the file."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            for _, element in iterparse(handle, events=("start",)):
                if local(element.tag) != root:
                    raise ImportFailed(
                        f"the root element is <{local(element.tag)}>, expected <{root}>",
                        source=source,
                        position="element 1",
                        field=root,
                    )
                return dict(element.attrib)
    except ParseError as exc:
        line, column = exc.position
        raise ImportFailed(
            f"malformed XML: {exc}", source=source, position=f"line {line}, column {column}"
        ) from exc
    except DefusedXmlException as exc:
        raise ImportFailed(
            f"unsafe XML refused ({type(exc).__name__})", source=source, position="start of file"
        ) from exc
    raise ImportFailed("the file is empty", source=source, position="line 1")


def text_lines(path: Path, handle: IO[bytes], *, encoding: str = "utf-8") -> Iterator[str]:
    """Decoded lines of a text file, failing on the exact line whose bytes do not decode.

    A byte-order mark is dropped; OFAC's legacy end-of-file marker (Ctrl-Z) is ignored.
    """
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"bytes that are not {encoding} ({exc.reason} at byte {exc.start} of the line); "
                f"save the file as {encoding}",
                source=str(path),
                position=f"line {number}",
            ) from exc
        if number == 1:
            line = line.removeprefix("\ufeff")
        if line.strip() == "\x1a":
            continue
        yield line


def csv_rows(
    path: Path, *, delimiter: str = ",", skip_lines: int = 0
) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file with the line each starts on, decoded strictly as UTF-8."""
    with path.open("rb") as handle:
        lines = text_lines(path, handle)
        for _ in range(skip_lines):
            next(lines, None)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        start = skip_lines + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFailed(
                    f"malformed CSV: {exc}",
                    source=str(path),
                    position=f"line {skip_lines + reader.line_num}",
                ) from exc
            yield start, row
            start = skip_lines + reader.line_num + 1


def header_index(
    path: Path, header: list[str], required: Iterable[str], *, line: int = 1
) -> dict[str, int]:
    """Column positions by normalised header name; a missing required column is an error."""
    index = {_column_key(name): position for position, name in enumerate(header)}
    for name in required:
        if _column_key(name) not in index:
            raise ImportFailed(
                "a required column is missing from the header",
                source=str(path),
                position=f"line {line}",
                field=name,
            )
    return index


def _column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


class Row:
    """One CSV row read by column name, tolerant of header spelling (case, spaces, dots)."""

    __slots__ = ("index", "line", "values")

    def __init__(self, values: list[str], index: dict[str, int], line: int) -> None:
        self.values = values
        self.index = index
        self.line = line

    def get(self, name: str) -> str | None:
        position = self.index.get(_column_key(name))
        if position is None or position >= len(self.values):
            return None
        return clean(self.values[position])


def require_file(path: Path) -> None:
    if not path.is_file():
        raise ImportFailed("no such file", source=str(path))
    if path.stat().st_size == 0:
        raise ImportFailed("the file is empty", source=str(path), position="line 1")
