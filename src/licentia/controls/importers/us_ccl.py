"""Importer for the US Commerce Control List in eCFR XML (15 CFR Part 774, Supplement No. 1).

The eCFR serves the supplement as one flat `<DIV9>` whose children are, in reading order:
`<HD1>` category and product-group headings, one ECCN heading per entry (a paragraph that
opens in bold with the ECCN: `<FP-2><B>5A001 Telecommunications systems…</B>`), the
"License Requirements" block (`<I>Reason for Control:</I> NS, SL, AT` and a table), the
"List of Items Controlled" block (`Related Controls:`, `Related Definitions:`, `Items:`),
the item paragraphs (`<P>a. …</P>`, `<P>a.1. …</P>`, `<P>j.1.a. …</P>`) and `<NOTE>`s.
A bold `EAR99` paragraph or a `Category N` heading closes the entry before it.

What the importer builds:

* One head `ControlEntry` per ECCN (path `5A001`, text = the heading without the code, plus
  any unlabelled text of its "Items" part, such as a definition given after `Items:`), with
  `reasons_for_control` read from the first "Reason for Control:" line.
* One entry per labelled item paragraph of the "Items" part; the label written by the eCFR
  (`a.`, `a.1.`, `j.1.a.`, also the variants `b.1 ` and `b.2.a..`) is absolute within the
  ECCN, so the path is the ECCN plus the label (`5A001.j.1.a`). A paragraph without a label
  continues the provision before it. A reserved range (`f. through w. [Reserved]`) becomes
  one entry at its first label, keeping the whole range as its text. When an ECCN has no
  `Items:` line, its items start after "List of Items Controlled"; labelled paragraphs seen
  there are dropped again if an `Items:` line follows (they were part of "Related Controls").
* Notes: each `<NOTE>` and each paragraph set wholly in italics or opening with "Note…:",
  "Technical Note…:" or "N.B.…:" is a note (kind from its heading: N.B. → NOTA_BENE,
  "Technical Note" → TECHNICAL_NOTE, otherwise NOTE). Italic paragraphs right after a note
  continue it (the eCFR sets the lettered lists of notes as separate italic paragraphs). A
  note is attached to the provision it follows, unless its text names, first, the ECCN or a
  provision already read under the same lettered item, which it then joins ("5A001.j does
  not apply…" after 5A001.j.2.b goes to 5A001.j; "For the purposes of 5A001.b.5.b…" after
  5A001.b.5.d goes to 5A001.b.5.b). Notes before the items go to the head entry.
* Duplicate paths: a label already used in the same ECCN (the CCL can repeat a letter under
  different sub-headings) gets an occurrence suffix on its last segment, a digit after a
  letter (`a` → `a2`) and a letter after a number (`1` → `1b`), and the labels below it follow
  (`a.1` → `a2.1`). Labels never contain such mixed segments, so renamed paths stay apart.
  A repeated ECCN heading reopens the entry read before.
* `related_codes` (head entries only): the EU Annex I code an ECCN corresponds to. ECCNs
  whose three-digit block is 0xx-4xx implement the multilateral regimes that Annex I also
  implements, with the same numbering, so the EU code is taken to be the same code
  (5A001 ↔ 5A001). The x5xx, x6xx ("600 series") and x9xx blocks (9x515, x98x, x99x) are
  US-unilateral and get none. This is an approximation per head entry: the two lists
  diverge in some sub-items, and a few US 0xx-4xx entries (e.g. x018 pointers, Category 0
  nuclear entries) have no EU counterpart of the same content.

Version: the eCFR writes the point-in-time date into `hierarchy_metadata`
(`"path":"/on/2026-07-23/title-15/…"`); some exports leave the placeholder
`_SUBSTITUTE_DATE_` there, and the file then carries no issue date (its only other dates are
the 1998 source note and editorial notes), so the caller must pass `version`. `source_url`
is the eCFR versioner address that serves this supplement for that date.

Parsing is streaming: `defusedxml`'s parser (document type declarations, entities and
external references refused) feeds one child of the root at a time into a small tree,
which is read and dropped, so memory stays proportional to the output.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from licentia.controls.model import (
    HEAD_CODE,
    ControlEntry,
    ControlList,
    Note,
    NoteKind,
    Regime,
    is_within,
    origin_regime,
)
from licentia.errors import ImportFailed

SOURCE = "eCFR 15 CFR Part 774 Supplement No. 1"
SUPPLEMENT = "Supplement No. 1 to Part 774"
SOURCE_URL = (
    "https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml"
    "?part=774&appendix=Supplement%20No.%201%20to%20Part%20774"
)

_CHUNK = 1 << 16
_ROOT_TAG = "DIV9"
_PARAGRAPHS = frozenset({"P", "FP", "FP-1", "FP-2"})
_MULTILATERAL_BLOCKS = "01234"

_ISSUE_DATE = re.compile(r"/on/(\d{4}-\d{2}-\d{2})/")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_CATEGORY_HEADING = re.compile(r"^(?:Category \d|Annex\b)")
_REASONS = re.compile(r"^Reasons? for Control\b:?\s*(?P<rest>.*)$")
_REASON_CODE = re.compile(r"\b([A-Z]{2})(?:\s?(\d))?\b")
# "Items:" opens the item list; one ECCN writes "Items a. …" without the colon.
_ITEMS = re.compile(r"^Items(?::|\s+(?=[a-z]\.\s))\s*(?P<rest>.*)$")
_ITEMS_LIST = re.compile(r"^List of Items Controlled\b:?\s*(?P<rest>.*)$")
_BOILERPLATE = re.compile(
    r"^The lists? of items controlled (?:is|are|in) contained in (?:the|this) ECCN headings?\.?$",
    re.IGNORECASE,
)
# An item label: a letter, then letter or one-/two-digit segments, then dots or a space
# ("a.1. ", "b.1 ", "b.2.a.. ", "c.'Sounding…", "b.-d. [Reserved]").
_LABEL = re.compile(
    r"^(?P<label>[a-z](?:\.(?:[a-z]|[0-9]{1,2}))*)(?:(?P<dot>\.+)\s*|\s+)(?P<text>\S.*)$"
)
_NOTE_START = re.compile(r"^(?:Technical Notes?|N\.\s?B\.|Notes?)\b[^:]{0,60}:")
_MENTION = re.compile(r"\b[0-9][A-E][0-9]{3}(?:\.(?:[a-z]|[0-9]{1,2})\b)*")
# GPO inline styles: 51/53 superscript, 52/54 subscript (plain and italic).
_SUPERSCRIPT_STYLES = frozenset({"51", "53"})
_SUBSCRIPT_STYLES = frozenset({"52", "54"})
_TRUNCATION_ERRORS = frozenset(
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
    )
)


def sniff(head: bytes) -> bool:
    """True when the first bytes of a file look like the eCFR supplement of Part 774."""
    return b"<DIV9" in head and b"Supplement No. 1 to Part 774" in head


def parse_us_ccl(
    path: Path, *, version: str | None = None, valid_from: date | None = None
) -> ControlList:
    """Read an eCFR XML file of the Commerce Control List into a `Regime.US_CCL` list.

    `version` defaults to the eCFR date written in the file; when the file carries none the
    caller must pass it. `valid_from` defaults to that date, or to `version` when it is an
    ISO date. Every failure raises `ImportFailed` naming the file, and where known the
    line/column and the field at fault.
    """
    source = str(path)
    reader = _Reader(source, version=version, valid_from=valid_from)
    parser = DefusedXMLParser(target=reader, forbid_dtd=True)
    reader.parser = parser
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(chunk)
                parser.feed(chunk)
        parser.close()
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror}", source=source) from exc
    except ParseError as exc:
        raise _syntax_error(path, exc) from exc
    except DefusedXmlException as exc:
        raise ImportFailed(
            f"refused a document type declaration or entity ({exc}); the eCFR uses none, and "
            "they allow entity-expansion and external-entity attacks",
            source=source,
            position=reader.position(),
            field="DOCTYPE",
        ) from exc
    return reader.control_list(digest.hexdigest())


@dataclass
class _Provision:
    text: str
    notes: list[Note] = field(default_factory=list)


@dataclass
class _Eccn:
    """What has been read of one ECCN; `provisions` holds the head (its code) and the items."""

    code: str
    provisions: dict[str, _Provision]
    reasons: tuple[str, ...] | None = None
    items_open: bool = False  # after "List of Items Controlled"
    items_confirmed: bool = False  # after "Items:"
    tentative: list[str] = field(default_factory=list)
    current: str = ""
    open_note: tuple[str, int] | None = None  # (path, index) of the note italics continue
    alias: tuple[str, str] | None = None  # (label path, renamed path) of the last duplicate

    def add_text(self, path: str, text: str) -> None:
        provision = self.provisions[path]
        provision.text = f"{provision.text} {text}" if provision.text else text

    def add_item(self, path: str, text: str) -> bool:
        """Add an item; False when its label repeats too often to be renamed."""
        unique = self._unique(path)
        if unique is None:
            return False
        self.provisions[unique] = _Provision(text)
        if not self.items_confirmed:
            self.tentative.append(unique)
        self.current = unique
        return True

    def add_note(self, text: str, kind: NoteKind, *, continues: bool = False) -> None:
        if continues and self.open_note is not None:
            path, index = self.open_note
            note = self.provisions[path].notes[index]
            extended = Note(note.kind, f"{note.text} {text}")
            if _MENTION.search(note.text) is None:
                # The note was only a heading ("Technical Notes:"); its body says where it goes.
                del self.provisions[path].notes[index]
                self._place(extended)
            else:
                self.provisions[path].notes[index] = extended
            return
        self._place(Note(kind, text))

    def _place(self, note: Note) -> None:
        path = self._note_target(note.text)
        notes = self.provisions[path].notes
        notes.append(note)
        self.open_note = (path, len(notes) - 1)

    def confirm_items(self) -> None:
        # Labelled paragraphs before "Items:" belonged to "Related Controls"; drop them but
        # keep their notes on the head entry.
        for path in self.tentative:
            self.provisions[self.code].notes.extend(self.provisions.pop(path).notes)
        self.tentative.clear()
        self.items_open = self.items_confirmed = True
        self.current = self.code
        self.open_note = self.alias = None

    def _note_target(self, text: str) -> str:
        # Only within the lettered item the note follows (or the ECCN itself): a note naming
        # another item is a cross-reference ("N.B.: For radio receivers see 5A001.b.5.").
        scope = ".".join(self.current.split(".")[:2])
        for mention in _MENTION.findall(text):
            if mention in self.provisions and (mention == self.code or is_within(mention, scope)):
                return str(mention)
        return self.current

    def _unique(self, path: str) -> str | None:
        if self.alias is not None:
            label, renamed = self.alias
            if is_within(path, label) and path != label:
                path = renamed + path[len(label) :]
            else:
                self.alias = None
        if path not in self.provisions:
            return path
        parent, _, last = path.rpartition(".")
        # Labels have one letter or up to two digits, so a suffix keeps segments within 3.
        suffixes = (
            [str(n) for n in range(2, 100)] if last.isalpha() else "bcdefghijklmnopqrstuvwxyz"
        )
        for suffix in suffixes:
            renamed = f"{parent}.{last}{suffix}"
            if renamed not in self.provisions:
                self.alias = (path, renamed)
                return renamed
        return None


class _Reader:
    """Parser target: builds each child of the root as a small tree, reads it, drops it."""

    def __init__(self, source: str, *, version: str | None, valid_from: date | None) -> None:
        self.source = source
        self.parser: DefusedXMLParser | None = None
        self.version = version
        self.valid_from = valid_from
        self.eccns: dict[str, _Eccn] = {}
        self.eccn: _Eccn | None = None
        self._depth = 0
        self._builder: TreeBuilder | None = None
        self._block_line = 0

    # Parser target protocol -------------------------------------------------------------

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._depth += 1
        if self._depth == 1:
            self._root(tag, attrib)
            return
        if self._depth == 2:
            self._builder = TreeBuilder()
            self._block_line = self._line()
        assert self._builder is not None
        self._builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        if self._builder is not None:
            self._builder.end(tag)
            if self._depth == 2:
                self._block(self._builder.close(), self._block_line)
                self._builder = None
        self._depth -= 1

    def data(self, data: str) -> None:
        if self._builder is not None:
            self._builder.data(data)

    # Reading ----------------------------------------------------------------------------

    def _line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser is not None else 0

    def position(self) -> str | None:
        if self.parser is None:
            return None
        expat = self.parser.parser
        # Expat counts columns from 0; people count from 1.
        return f"line {expat.CurrentLineNumber}, column {expat.CurrentColumnNumber + 1}"

    def _root(self, tag: str, attrib: dict[str, str]) -> None:
        name = " ".join(attrib.get("N", "").split())
        if tag != _ROOT_TAG or name.casefold() != SUPPLEMENT.casefold():
            raise ImportFailed(
                f'root element is <{tag} N="{name}">, not the CCL supplement '
                f'<{_ROOT_TAG} N="{SUPPLEMENT}">',
                source=self.source,
                position=self.position(),
                field="root",
            )
        issued = _ISSUE_DATE.search(attrib.get("hierarchy_metadata", ""))
        issue_date = _iso_date(issued[1]) if issued else None
        if self.version is None:
            if issue_date is None:
                raise ImportFailed(
                    "the file carries no eCFR date (hierarchy_metadata has no '/on/<date>/'); "
                    "name the version, e.g. the eCFR issue date (CLI: --version 2026-07-23)",
                    source=self.source,
                    field="version",
                )
            self.version = issue_date.isoformat()
        if self.valid_from is None:
            self.valid_from = issue_date or _iso_date(self.version)
        if self.valid_from is None:
            raise ImportFailed(
                f"version {self.version!r} is not an ISO date and the file carries none; "
                "pass valid_from=",
                source=self.source,
                field="valid_from",
            )

    def _block(self, block: Element, line: int) -> None:
        text = _text(block)
        if _is_heading(block) and self._heading(block.tag, text, line):
            return
        if block.tag == "HD1" and _CATEGORY_HEADING.match(text):
            self.eccn = None
            return
        eccn = self.eccn
        if eccn is None:
            return
        if block.tag == "NOTE":
            self._note_block(eccn, block)
            return
        if block.tag not in _PARAGRAPHS and block.tag != "HD1":
            eccn.open_note = None
            return
        if reasons := _REASONS.match(text):
            if eccn.reasons is None:
                eccn.reasons = _reason_codes(reasons["rest"])
            return
        if items := _ITEMS.match(text):
            eccn.confirm_items()
            text = items["rest"]
        elif items_list := _ITEMS_LIST.match(text):
            eccn.items_open = True
            text = items_list["rest"]
        elif block.tag not in ("P", "FP") or not eccn.items_open:
            return
        if text:
            self._item_paragraph(eccn, text, italic=_is_italic(block), line=line)

    def _heading(self, tag: str, text: str, line: int) -> bool:
        """Open (or reopen) the ECCN a heading names; False when the paragraph is none."""
        code, _, heading = text.partition(" ")
        if HEAD_CODE.match(code):
            if code in self.eccns:
                self.eccn = self.eccns[code]
                self.eccn.add_text(code, heading)
                self.eccn.current = code
            else:
                self.eccn = self.eccns[code] = _Eccn(
                    code, {code: _Provision(heading)}, current=code
                )
            return True
        if code == "EAR99":
            self.eccn = None  # the catch-all line closes the category's last ECCN
            return True
        if tag != "FP-2":
            return False  # bold openings in other paragraphs are ordinary text
        raise ImportFailed(
            f"ECCN heading does not open with an ECCN (digit, letter A-E, three digits): {code!r}",
            source=self.source,
            position=f"line {line}",
            field="eccn",
        )

    def _note_block(self, eccn: _Eccn, block: Element) -> None:
        # A <NOTE> can hold several notes: after some body text, a paragraph opening
        # "Note 2:" starts the next one.
        notes: list[tuple[NoteKind, list[str]]] = []
        has_body = False
        for child in block:
            piece = _text(child)
            if not piece:
                continue
            heading = piece if child.tag == "HED" else _note_heading(piece)
            if heading is not None and (not notes or has_body):
                notes.append((_note_kind(heading), [piece]))
                has_body = child.tag != "HED"
                continue
            if not notes:
                notes.append((NoteKind.NOTE, []))
            notes[-1][1].append(piece)
            has_body = True
        eccn.open_note = None
        for kind, parts in notes:
            eccn.add_note(" ".join(parts), kind)

    def _item_paragraph(self, eccn: _Eccn, text: str, *, italic: bool, line: int) -> None:
        heading = _note_heading(text)
        if heading is not None:
            eccn.add_note(text, _note_kind(heading))
            return
        if italic:
            eccn.add_note(text, NoteKind.NOTE, continues=True)
            return
        eccn.open_note = None
        label = _label(text)
        if label is None:
            if eccn.items_confirmed and not _BOILERPLATE.match(text):
                eccn.add_text(eccn.current, text)
            return
        path, item_text = label
        if not eccn.add_item(f"{eccn.code}.{path}", item_text):
            raise ImportFailed(
                f"item label {path!r} repeats too often in {eccn.code} to be made unique",
                source=self.source,
                position=f"line {line}",
                field="item",
            )

    # Result -----------------------------------------------------------------------------

    def control_list(self, checksum: str) -> ControlList:
        if not self.eccns:
            raise ImportFailed(
                "no ECCN headings found (bold paragraphs opening with an ECCN such as 5A001)",
                source=self.source,
                field="eccn",
            )
        # Both are set when the root element is read.
        assert self.version is not None
        assert self.valid_from is not None
        entries: list[ControlEntry] = []
        for eccn in self.eccns.values():
            origin = origin_regime(eccn.code, Regime.US_CCL)
            for path, provision in eccn.provisions.items():
                is_head = path == eccn.code
                entries.append(
                    ControlEntry(
                        path=path,
                        text=provision.text,
                        notes=tuple(provision.notes),
                        origin=origin,
                        related_codes=_eu_codes(eccn.code) if is_head else (),
                        reasons_for_control=(eccn.reasons or ()) if is_head else (),
                    )
                )
        return ControlList(
            regime=Regime.US_CCL,
            version=self.version,
            valid_from=self.valid_from,
            source=SOURCE,
            source_url=SOURCE_URL.format(date=self.valid_from.isoformat()),
            checksum=checksum,
            entries=tuple(entries),
            title=f"Commerce Control List (15 CFR 774 Supp. No. 1), version {self.version}",
        )


def _text(element: Element) -> str:
    pieces: list[str] = []
    _collect(element, pieces)
    return " ".join("".join(pieces).split())


def _collect(element: Element, pieces: list[str]) -> None:
    if element.text:
        pieces.append(element.text)
    for child in element:
        style = child.get("T", "")
        if child.tag in ("SU", "sup") or style in _SUPERSCRIPT_STYLES:
            _glue(pieces, "^" + _text(child))
        elif style in _SUBSCRIPT_STYLES:
            _glue(pieces, _text(child))
        else:
            _collect(child, pieces)
        if child.tail:
            pieces.append(child.tail)


def _glue(pieces: list[str], script: str) -> None:
    # Keep exponents and subscripts on their base ("10^9 N/m^2", "H2"), not "10 9".
    while pieces and not pieces[-1].strip():
        pieces.pop()
    if pieces:
        pieces[-1] = pieces[-1].rstrip()
    pieces.append(script)


def _is_heading(block: Element) -> bool:
    """An ECCN heading paragraph opens with bold text (`<FP-2><B>5A001 …`)."""
    return (
        block.tag in _PARAGRAPHS
        and not (block.text or "").strip()
        and len(block) > 0
        and block[0].tag == "B"
    )


def _is_italic(block: Element) -> bool:
    """Notes' paragraphs are set wholly in italics; provisions are not."""
    return (
        not (block.text or "").strip()
        and len(block) > 0
        and all(child.tag == "I" and not (child.tail or "").strip() for child in block)
    )


def _label(text: str) -> tuple[str, str] | None:
    match = _LABEL.match(text)
    if match is None:
        return None
    label, rest = match["label"], match["text"]
    segments = label.split(".")
    if not match["dot"] and len(segments) == 1:
        return None  # a lone letter needs its dot: "a. …", never "a …"
    if any(a.isalpha() and b.isalpha() for a, b in pairwise(segments)):
        return None  # "i.e. …" is prose, not a label
    if rest.startswith(("through ", "-", "–")):
        return label, text  # "f. through w. [Reserved]" keeps its range
    return label, rest


def _note_heading(text: str) -> str | None:
    match = _NOTE_START.match(text)
    return match[0] if match else None


def _note_kind(heading: str) -> NoteKind:
    if re.match(r"N\.\s?B\b", heading):
        return NoteKind.NOTA_BENE
    if "technical note" in heading.casefold():
        return NoteKind.TECHNICAL_NOTE
    return NoteKind.NOTE


def _reason_codes(text: str) -> tuple[str, ...]:
    codes = (letters + digit for letters, digit in _REASON_CODE.findall(text))
    return tuple(dict.fromkeys(codes))


def _eu_codes(code: str) -> tuple[str, ...]:
    return (code,) if code[2] in _MULTILATERAL_BLOCKS else ()


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _syntax_error(path: Path, error: ParseError) -> ImportFailed:
    """Explain an expat error; re-reading the file is fine on this path only."""
    source = str(path)
    line, column = error.position
    position = f"line {line}, column {column + 1}"
    raw = path.read_bytes()
    if not raw.strip():
        return ImportFailed("the file is empty", source=source, position=position)
    declared = _DECLARED_ENCODING.match(raw)
    encoding = (declared[1] if declared else b"utf-8").decode("ascii").lower().replace("_", "-")
    if encoding in ("utf-8", "utf8"):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            bad_line = raw.count(b"\n", 0, bad.start) + 1
            bad_column = bad.start - (raw.rfind(b"\n", 0, bad.start) + 1) + 1
            return ImportFailed(
                f"byte 0x{raw[bad.start]:02x} is not valid UTF-8, the encoding the file "
                "declares (wrong encoding or damaged file)",
                source=source,
                position=f"line {bad_line}, column {bad_column}",
                field="encoding",
            )
    reason = str(error).rsplit(": line", 1)[0]
    if error.code in _TRUNCATION_ERRORS:
        reason += "; the file ends before its root element is closed (truncated?)"
    return ImportFailed(f"not well-formed XML: {reason}", source=source, position=position)


__all__ = ["SOURCE", "SOURCE_URL", "parse_us_ccl"]
