"""Importers of country-year human-rights indicators, one per publisher format, behind one call.

`read_indicators(path, file_format)` reads a whole file and returns an `IndicatorFile`: the
edition (publisher, licence, URL, retrieval date, SHA-256), the indicators with the best and
worst ends of their scales, the observations keyed by ISO alpha-2 code, and the rows whose
country could not be mapped (reported, never guessed). A malformed file raises `ImportFailed`
naming the file, the line and the field. Pure Python: no Django, no network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from licentia.errors import ImportFailed
from licentia.risk.indicators import publishers
from licentia.risk.indicators._table import Source
from licentia.risk.indicators.generic import ColumnMapping, read_generic
from licentia.risk.model import IndicatorFile

__all__ = ["FORMATS", "ColumnMapping", "Format", "read_indicators"]


@dataclass(frozen=True, slots=True)
class Format:
    code: str
    source: str  # the publisher code its editions carry ("" when the mapping names it)
    description: str
    read: Callable[[Source], IndicatorFile]


FORMATS: dict[str, Format] = {
    entry.code: entry
    for entry in (
        Format(
            "pts",
            "pts",
            "Political Terror Scale CSV (Country, Year, PTS_A, PTS_H, PTS_S): pts.amnesty, "
            "pts.hrw, pts.state, 1 best .. 5 worst",
            publishers.read_pts,
        ),
        Format(
            "vdem",
            "vdem",
            "V-Dem country-year CSV (country_text_id, year, v2x_* indices 1 best .. 0 worst, "
            "Digital Society v2sm* variables when present)",
            publishers.read_vdem,
        ),
        Format(
            "fh-fiw",
            "fh",
            "Freedom House Freedom in the World ratings CSV: fh.pr, fh.cl 1 best .. 7 worst; "
            "fh.total 100 best .. 0 worst when the file has the 0..100 total",
            publishers.read_fh,
        ),
        Format(
            "wgi-va",
            "wgi",
            "World Bank WGI Voice and Accountability CSV (wide, or long with an indicator "
            "column): wgi.va, 2.5 best .. -2.5 worst",
            publishers.read_wgi,
        ),
        Format(
            "wgi-api-json",
            "wgi",
            "World Bank API v2 JSON for VA.EST (what `licentia indicators update --source wgi` "
            "downloads): wgi.va, 2.5 best .. -2.5 worst",
            publishers.read_wgi_json,
        ),
        Format(
            "rsf",
            "rsf",
            "RSF World Press Freedom Index CSV (semicolons, decimal commas): rsf.score_2013 "
            "(2013-2021, 0 best .. 100 worst), rsf.score (2022 on, 100 best .. 0 worst)",
            publishers.read_rsf,
        ),
        Format(
            "fariss",
            "fariss",
            "Fariss et al. latent human rights protection scores CSV: fariss.hrp, higher is "
            "better (+4 best .. -2 worst)",
            publishers.read_fariss,
        ),
        Format(
            "generic-csv",
            "",
            "Any country-year CSV with a column mapping (JSON) naming the country, year and "
            "value columns and each indicator's key, title, best and worst",
            read_generic,
        ),
    )
}


def read_indicators(
    path: str | Path,
    file_format: str,
    *,
    retrieved_on: dt.date | None = None,
    column_mapping: Mapping[str, object] | None = None,
) -> IndicatorFile:
    """Read one indicator file in one of `FORMATS`.

    `retrieved_on` is when the file was downloaded (default: the file's modification date).
    `column_mapping` is required by `generic-csv` and refused by the publisher formats, whose
    columns are known.
    """
    entry = FORMATS.get(file_format)
    if entry is None:
        raise ImportFailed(
            f"unknown format {file_format!r}; known formats: {', '.join(FORMATS)}",
            source=str(path),
            field="format",
        )
    if column_mapping is not None and entry.code != "generic-csv":
        raise ImportFailed(
            f"a column mapping is only used by the generic-csv format, not {file_format!r}",
            source=str(path),
            field="mapping",
        )
    path = Path(path)
    if not path.is_file():
        raise ImportFailed("no such file", source=str(path))
    return entry.read(Source(path, retrieved_on, column_mapping))
