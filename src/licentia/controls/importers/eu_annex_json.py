"""Importer for the structured JSON edition of Annex I to Regulation (EU) 2021/821.

The file carries one object per head entry; its `verbatim_text` has one provision per line,
each line starting with the dotted path it belongs to (`5A001.j.1 ...`). Lines whose text
starts with "Note", "Technical Note" or "N.B." are notes attached to that path. The file also
holds the definitions of terms and the Annex II general authorisations (EU001-EU008) with
the Section I list of items excluded from them.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from licentia.controls.cyber import is_cyber_surveillance
from licentia.controls.model import (
    HEAD_CODE,
    PATH,
    ControlEntry,
    ControlList,
    Definition,
    GeneralAuthorisation,
    Note,
    NoteKind,
    Regime,
    is_within,
    origin_regime,
)
from licentia.errors import ImportFailed

FORMAT = "eu-annex-i-json"

_LINE = re.compile(r"^(?P<path>\S+)\s+(?P<text>.*)$")
_NOTE_START = re.compile(r"^(?:(?P<tech>Technical Notes?)|(?P<nb>N\.\s?B\.)|(?P<note>Notes?\b))")
_NOTE_SPLIT = re.compile(
    r"(?<!Technical)\s(?=(?:Technical Notes?|Notes?(?: \d+)?|N\.\s?B\.(?:\s?\d+\.)?):)"
)
_DECONTROL = re.compile(r"\b(?:does|do) not (?:control|include|apply)\b")
_QUOTED_TERM = re.compile(r'"([^"]{2,80})"')
_DEFINITION = re.compile(r'^"(?P<term>[^"]+)"\s*(?:\((?P<cats>[0-9 ]+)\))?\s*(?P<text>.+)$')
_SECTION_I_CODE = re.compile(r"^(?:—\s*)?(?P<path>[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)\.?\s")

_REQUIRED = ("corpus_version", "valid_from", "source_url", "entries")


def sniff(head: bytes) -> bool:
    """True when the first bytes of a file look like this format."""
    return head.lstrip().startswith(b"{") and b'"corpus_version"' in head


def parse_eu_annex_json(path: Path, *, version: str | None = None) -> ControlList:
    """Read the file; `version` overrides the version label (the consolidation date)."""
    source = str(path)
    raw = _read(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"not valid UTF-8 ({exc.reason}); the EU Annex I JSON must be UTF-8",
            source=source,
            position=f"byte {exc.start}",
        ) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"malformed JSON: {exc.msg}",
            source=source,
            position=f"line {exc.lineno}, column {exc.colno}",
        ) from exc
    if not isinstance(document, dict):
        raise ImportFailed(
            "expected a JSON object at the top level", source=source, position="line 1"
        )
    for key in _REQUIRED:
        if key not in document:
            raise ImportFailed("required field is missing", source=source, field=key)

    valid_from = _date(document["valid_from"], source=source, field="valid_from")
    entries_raw = document["entries"]
    if not isinstance(entries_raw, list) or not entries_raw:
        raise ImportFailed("expected a non-empty list of entries", source=source, field="entries")

    section_i = _section_i_paths(document.get("gea_common_list", ""))
    entries: list[ControlEntry] = []
    seen: set[str] = set()
    for index, item in enumerate(entries_raw):
        for entry in _entries_of(item, index=index, source=source, section_i=section_i):
            if entry.path in seen:
                # The same path can head a note block twice; keep the first provision text.
                continue
            seen.add(entry.path)
            entries.append(entry)

    return ControlList(
        regime=Regime.EU_ANNEX_I,
        version=version or valid_from.isoformat(),
        valid_from=valid_from,
        source=f"EUR-Lex consolidated text {document['corpus_version']}",
        source_url=str(document["source_url"]),
        checksum=hashlib.sha256(raw).hexdigest(),
        entries=tuple(entries),
        title=f"Annex I to Regulation (EU) 2021/821, consolidated version of {valid_from:%d %B %Y}",
        definitions=_definitions(document.get("docs", [])),
        general_authorisations=tuple(
            GeneralAuthorisation(
                key=str(g["id"]), title=str(g["title"]), text=str(g["verbatim_text"])
            )
            for g in document.get("geas", [])
            if isinstance(g, dict) and {"id", "title", "verbatim_text"} <= g.keys()
        ),
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror}", source=str(path)) from exc


def _date(value: object, *, source: str, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ImportFailed(f"not an ISO date: {value!r}", source=source, field=field) from exc


def _entries_of(item: Any, *, index: int, source: str, section_i: set[str]) -> list[ControlEntry]:
    position = f"entries[{index}]"
    if not isinstance(item, dict):
        raise ImportFailed("expected an object", source=source, position=position)
    code = item.get("entry_code")
    if not isinstance(code, str) or not HEAD_CODE.match(code):
        raise ImportFailed(
            f"not a control entry code: {code!r}",
            source=source,
            position=position,
            field="entry_code",
        )
    verbatim = item.get("verbatim_text")
    if not isinstance(verbatim, str) or not verbatim.strip():
        raise ImportFailed(
            "missing provision text", source=source, position=position, field="verbatim_text"
        )

    texts: dict[str, str] = {}
    notes: dict[str, list[Note]] = {}
    open_note: tuple[str, Note] | None = None
    for line_number, line in enumerate(verbatim.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        path = match["path"].rstrip(".") if match else ""
        if match is None or not PATH.match(path) or not is_within(path, code):
            raise ImportFailed(
                f"line does not start with a path under {code}: {line[:60]!r}",
                source=source,
                position=f"{position}.verbatim_text line {line_number}",
                field="verbatim_text",
            )
        text = match["text"].strip()
        if _NOTE_START.match(text):
            # One line may carry several notes ("Technical Note: ... Note 1: ... Note 2: ...").
            for part in _NOTE_SPLIT.split(text):
                note = Note(kind=_note_kind(part), text=part.strip())
                notes.setdefault(path, []).append(note)
            open_note = (path, note) if text.endswith(":") else None
            continue
        if open_note is not None and path.startswith(open_note[0] + "."):
            # A lettered list continuing a note ("Note 2: ... does not include: a. ...").
            open_note = _extend_note(notes, open_note, text)
            continue
        open_note = None
        texts.setdefault(path, text)

    entries = []
    for path in sorted(set(texts) | set(notes), key=_path_key):
        text = texts.get(path, "")
        entries.append(
            ControlEntry(
                path=path,
                text=text,
                notes=tuple(notes.get(path, ())),
                defined_terms=tuple(dict.fromkeys(_QUOTED_TERM.findall(text))),
                cyber_surveillance=is_cyber_surveillance(path),
                excluded_from_general_authorisations=any(is_within(path, p) for p in section_i),
                origin=origin_regime(path),
            )
        )
    return entries


def _note_kind(text: str) -> NoteKind:
    match = _NOTE_START.match(text)
    if _DECONTROL.search(text):
        return NoteKind.DECONTROL
    if match and match["tech"]:
        return NoteKind.TECHNICAL_NOTE
    if match and match["nb"]:
        return NoteKind.NOTA_BENE
    return NoteKind.NOTE


def _extend_note(
    notes: dict[str, list[Note]], open_note: tuple[str, Note], text: str
) -> tuple[str, Note]:
    path, note = open_note
    extended = Note(kind=note.kind, text=f"{note.text} {text}")
    bucket = notes[path]
    bucket[bucket.index(note)] = extended
    return path, extended


def _path_key(path: str) -> tuple[tuple[int, int | str], ...]:
    parts = path.split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def _definitions(docs: object) -> tuple[Definition, ...]:
    if not isinstance(docs, list):
        return ()
    found: dict[str, Definition] = {}
    for doc in docs:
        if not isinstance(doc, dict) or doc.get("doc_type") != "definitions_annex":
            continue
        for line in str(doc.get("verbatim_text", "")).splitlines():
            match = _DEFINITION.match(line.strip())
            if match and match["term"] not in found:
                cats = tuple((match["cats"] or "").split())
                found[match["term"]] = Definition(match["term"], match["text"].strip(), cats)
    return tuple(found.values())


def _section_i_paths(text: object) -> set[str]:
    paths = set()
    for line in str(text).splitlines():
        match = _SECTION_I_CODE.match(line.strip())
        if match:
            paths.add(match["path"])
    return paths
