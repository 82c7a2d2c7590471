"""Control list importers, one per publication format, behind one entry point.

Each importer is a function `Path -> ControlList` plus a `sniff(first_bytes) -> bool` used to
recognise its files. A parser for another publication (the EUR-Lex Formex or HTML edition of
Annex I, say) plugs in by adding one `Importer` to `IMPORTERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from licentia.controls.model import ControlList
from licentia.errors import ImportFailed

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Importer:
    format: str
    description: str
    module: str
    parser: str

    def parse(self, path: Path, *, version: str | None = None) -> ControlList:
        function: Callable[..., ControlList] = getattr(import_module(self.module), self.parser)
        return function(path, version=version)

    def sniff(self, head: bytes) -> bool:
        sniffer: Callable[[bytes], bool] = import_module(self.module).sniff
        return sniffer(head)


IMPORTERS: dict[str, Importer] = {
    importer.format: importer
    for importer in (
        Importer(
            "eu-annex-i-json",
            "Annex I to Regulation (EU) 2021/821, structured JSON (provisions under dotted paths)",
            "licentia.controls.importers.eu_annex_json",
            "parse_eu_annex_json",
        ),
        Importer(
            "us-ccl-ecfr-xml",
            "US Commerce Control List, eCFR XML of 15 CFR Part 774 Supplement No. 1",
            "licentia.controls.importers.us_ccl",
            "parse_us_ccl",
        ),
    )
}


def detect_format(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    for importer in IMPORTERS.values():
        if importer.sniff(head):
            return importer.format
    raise ImportFailed(
        f"cannot tell the format of this file; pass one of: {', '.join(IMPORTERS)}",
        source=str(path),
        position="start of file",
    )


def parse_control_list(
    path: Path, *, file_format: str | None = None, version: str | None = None
) -> ControlList:
    """Parse a list file; `version` names the version when the file does not (eCFR XML)."""
    if not path.is_file():
        raise ImportFailed("no such file", source=str(path))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFailed(
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", source=str(path)
        )
    chosen = file_format or detect_format(path)
    importer = IMPORTERS.get(chosen)
    if importer is None:
        raise ImportFailed(
            f"unknown format {chosen!r}; known formats: {', '.join(IMPORTERS)}", source=str(path)
        )
    return importer.parse(path, version=version)
