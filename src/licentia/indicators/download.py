"""Download indicator files from publishers whose terms allow it, then import them.

Only the World Bank's WGI (CC BY 4.0) has a stable machine-readable address: its API's JSON
for VA.EST. Fariss et al. (CC0, Harvard Dataverse) and V-Dem (CC BY-SA 4.0) may be
downloaded too, but their files sit behind per-file Dataverse ids or a download form, so the
operator gives the file's address (`--url`). PTS, Freedom House and RSF publish under terms
that are non-commercial or unclear and without redistribution: Licentia never fetches them;
an operator downloads the file and runs `licentia indicators import` (docs/indicators.md).

Requests are conditional (If-None-Match, If-Modified-Since): a 304 answer, or a body with the
active edition's checksum, changes nothing. The body goes to a temporary file and is imported
from there; any failure (HTTP error, short body, malformed file) leaves the active edition in
use and the stored validators untouched.
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.utils import timezone

from licentia import __version__
from licentia.errors import NotFound
from licentia.fetch import NotModified, fetch
from licentia.indicators.models import IndicatorDownload
from licentia.indicators.services import ImportResult, import_indicators

MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Publication:
    source: str
    file_format: str
    url: str  # "" when the publisher has no stable address: the operator gives one
    publisher: str
    terms: str


PUBLICATIONS: dict[str, Publication] = {
    p.source: p
    for p in (
        Publication(
            "wgi",
            "wgi-api-json",
            "https://api.worldbank.org/v2/country/all/indicator/VA.EST"
            "?source=3&format=json&per_page=20000",
            "World Bank, Worldwide Governance Indicators (API v2, source 3)",
            "CC BY 4.0",
        ),
        Publication(
            "fariss",
            "fariss",
            "",
            "Fariss et al., Human Rights Protection Scores, Harvard Dataverse "
            "doi:10.7910/DVN/RQ85GK (give the CSV file's access URL)",
            "CC0 1.0",
        ),
        Publication(
            "vdem",
            "vdem",
            "",
            "V-Dem Institute, country-year CSV (give the address of the CSV, unzipped)",
            "CC BY-SA 4.0",
        ),
    )
}
# Sources whose terms keep Licentia from downloading them: the operator imports the file.
MANUAL_ONLY = {
    "pts": "Political Terror Scale: terms unclear (academic use, reported as CC BY-NC 4.0)",
    "fh": "Freedom House: non-commercial use, no redistribution without permission",
    "rsf": "RSF: no open licence published",
}


class Outcome(StrEnum):
    IMPORTED = "imported"
    NOT_MODIFIED = "not-modified"
    UNCHANGED = "unchanged"

    @property
    def description(self) -> str:
        return {
            Outcome.IMPORTED: "A new edition was downloaded and is now active",
            Outcome.NOT_MODIFIED: "The publisher answered 304 Not Modified",
            Outcome.UNCHANGED: "The file downloaded is the active edition's file",
        }[self]


@dataclass(frozen=True, slots=True)
class UpdateResult:
    source: str
    outcome: Outcome
    imported: ImportResult | None = None

    def summary(self) -> str:
        if self.imported is not None and self.outcome is Outcome.IMPORTED:
            return self.imported.summary()
        return f"{self.source}: {self.outcome.description}."


def update_indicators(*, source: str, url: str | None = None) -> UpdateResult:
    """Download one source from its publisher (or `url`) and import it if it changed."""
    publication = PUBLICATIONS.get(source)
    if publication is None:
        reason = MANUAL_ONLY.get(source)
        if reason is not None:
            raise NotFound(
                f"{source} is not downloaded automatically ({reason}); download the file "
                "from the publisher and run `licentia indicators import FILE --format ...`"
            )
        raise NotFound(
            f"no download is known for {source!r}; downloadable: {', '.join(PUBLICATIONS)}"
        )
    address = url or publication.url
    if not address:
        raise NotFound(
            f"{source} has no stable download address ({publication.publisher}); "
            "give the file's address with --url"
        )
    state = IndicatorDownload.objects.filter(source=source).first()
    request = urllib.request.Request(address, headers={"User-Agent": f"Licentia/{__version__}"})
    if state is not None and state.url == address:
        if state.etag:
            request.add_header("If-None-Match", state.etag)
        if state.last_modified:
            request.add_header("If-Modified-Since", state.last_modified)
    retrieved_on = timezone.localdate()
    with tempfile.TemporaryDirectory(prefix="licentia-indicators-") as folder:
        target = Path(folder) / f"{source}-{retrieved_on.isoformat()}.download"
        try:
            etag, last_modified = fetch(request, target, max_bytes=MAX_BYTES)
        except NotModified:
            _remember(source, address, state, touch_only=True)
            return UpdateResult(source, Outcome.NOT_MODIFIED)
        result = import_indicators(target, publication.file_format, retrieved_on=retrieved_on)
    _remember(
        source,
        address,
        state,
        etag=etag,
        last_modified=last_modified,
        checksum=result.edition.checksum,
    )
    return UpdateResult(
        source, Outcome.IMPORTED if result.created else Outcome.UNCHANGED, imported=result
    )


def _remember(
    source: str,
    url: str,
    state: IndicatorDownload | None,
    *,
    etag: str = "",
    last_modified: str = "",
    checksum: str = "",
    touch_only: bool = False,
) -> None:
    state = state or IndicatorDownload(source=source)
    state.url = url
    state.checked_at = timezone.now()
    if not touch_only:
        state.etag = etag
        state.last_modified = last_modified
        state.checksum = checksum
    state.save()
