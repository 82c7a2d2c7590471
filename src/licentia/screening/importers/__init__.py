"""Restricted-party list importers, one per publication format, behind one entry point.

`read_list(path, file_format)` reads a file's header and returns it with a lazy stream of
`ListedEntity` values; nothing is held beyond the entry being read (side files of the OFAC
CSV set excepted, which are small). Bad input raises `ImportFailed` naming the file, the
position and the field. A new format plugs in by adding one `Format` to `FORMATS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from licentia.errors import ImportFailed
from licentia.screening.model import ListedEntity, ListHeader, ListReader

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Format:
    code: str
    description: str
    module: str
    reader: str

    def load(self) -> ListReader:
        reader: ListReader = getattr(import_module(self.module), self.reader)()
        return reader


FORMATS: dict[str, Format] = {
    entry.code: entry
    for entry in (
        Format(
            "eu-fsf-xml",
            "EU Consolidated Financial Sanctions List, XML 1.1 (xmlFullSanctionsList_1_1)",
            "licentia.screening.importers.eu_fsf",
            "EuFsfReader",
        ),
        Format(
            "un-sc-xml",
            "UN Security Council Consolidated List, XML (CONSOLIDATED_LIST)",
            "licentia.screening.importers.un_sc",
            "UnScReader",
        ),
        Format(
            "uk-sanctions-csv",
            "UK Sanctions List (FCDO), CSV, one row per name",
            "licentia.screening.importers.uk",
            "UkCsvReader",
        ),
        Format(
            "uk-sanctions-xml",
            "UK Sanctions List (FCDO), XML (Designations)",
            "licentia.screening.importers.uk",
            "UkXmlReader",
        ),
        Format(
            "us-csl-csv",
            "US Consolidated Screening List (trade.gov), CSV, 2019 and current headers",
            "licentia.screening.importers.us_csl",
            "CslCsvReader",
        ),
        Format(
            "us-csl-json",
            "US Consolidated Screening List (trade.gov), JSON (results array)",
            "licentia.screening.importers.us_csl",
            "CslJsonReader",
        ),
        Format(
            "us-ofac-sdn-csv",
            "OFAC legacy CSV set: sdn.csv with alt/add/sdn_comments.csv beside it, "
            "or the non-SDN cons_prim.csv with cons_alt/cons_add/cons_comments.csv",
            "licentia.screening.importers.ofac_csv",
            "OfacCsvReader",
        ),
        Format(
            "us-ofac-sdn-xml",
            "OFAC SDN.XML (Sanctions List Service and older tempuri.org namespace)",
            "licentia.screening.importers.ofac_xml",
            "OfacXmlReader",
        ),
        Format(
            "us-bis-dpl",
            "US BIS Denied Persons List, tab-separated text",
            "licentia.screening.importers.bis_dpl",
            "BisDplReader",
        ),
        Format(
            "ftm-json",
            "FollowTheMoney entities, one JSON object per line (OpenSanctions exports)",
            "licentia.screening.importers.ftm",
            "FtmReader",
        ),
    )
}


def reader_for(path: str | Path, file_format: str) -> ListReader:
    entry = FORMATS.get(file_format)
    if entry is None:
        raise ImportFailed(
            f"unknown format {file_format!r}; known formats: {', '.join(FORMATS)}",
            source=str(path),
            field="format",
        )
    return entry.load()


def read_list(path: str | Path, file_format: str) -> tuple[ListHeader, Iterator[ListedEntity]]:
    """The list's header, read now, and its entries, streamed as the caller iterates.

    The header is read first so a file of the wrong kind fails before any entry is used.
    """
    reader = reader_for(path, file_format)
    header = reader.header(str(path))
    return header, reader.entities(str(path))


def list_checksum(path: str | Path, file_format: str) -> str:
    """The SHA-256 of a list file, or, for a set of files (OFAC CSV), of the set's checksums."""
    reader = reader_for(path, file_format)
    companions: list[Path] = list(getattr(reader, "companions", lambda _: [])(Path(path)))
    if not companions:
        return file_sha256(path)
    combined = "\n".join(
        f"{file.name}:{file_sha256(file)}" for file in (Path(path), *companions) if file.is_file()
    )
    return hashlib.sha256(combined.encode()).hexdigest()


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file, read in 1 MB chunks."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise ImportFailed(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    return digest.hexdigest()
