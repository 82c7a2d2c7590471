"""Download current lists from their official publishers, then import them.

Each request is conditional (If-None-Match with the stored ETag, If-Modified-Since with the
stored Last-Modified): a 304 answer, or a body whose SHA-256 equals the active version's,
changes nothing. The body goes to a temporary file, and the import runs from there; any
failure (HTTP error, short body, bad file) leaves the active version in use and the stored
validators untouched, so the next run downloads again.
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
from licentia.partylists.models import DownloadState
from licentia.partylists.services import ImportResult, import_list

MAX_BYTES = 300 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Publication:
    source: str
    file_format: str
    url: str
    publisher: str


# The official publisher URLs (docs/screening-lists.md explains each).
PUBLICATIONS: dict[str, Publication] = {
    p.source: p
    for p in (
        Publication(
            "eu-fsf",
            "eu-fsf-xml",
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
            "content?token=dG9rZW4tMjAxNw",
            "European Commission (FPI), Financial Sanctions Files",
        ),
        Publication(
            "un-sc",
            "un-sc-xml",
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            "UN Security Council",
        ),
        Publication(
            "uk-sanctions",
            "uk-sanctions-xml",
            "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
            "UK Foreign, Commonwealth & Development Office",
        ),
        Publication(
            "us-csl",
            "us-csl-json",
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json",
            "US International Trade Administration (trade.gov)",
        ),
        Publication(
            "us-ofac-sdn",
            "us-ofac-sdn-xml",
            "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML",
            "US Treasury OFAC, Sanctions List Service",
        ),
        Publication(
            "us-bis-dpl",
            "us-bis-dpl",
            "https://www.bis.doc.gov/dpl/dpl.txt",
            "US Commerce BIS",
        ),
    )
}


class Outcome(StrEnum):
    IMPORTED = "imported"
    NOT_MODIFIED = "not-modified"
    UNCHANGED = "unchanged"

    @property
    def description(self) -> str:
        return {
            Outcome.IMPORTED: "A new version was downloaded and is now active",
            Outcome.NOT_MODIFIED: "The publisher answered 304 Not Modified",
            Outcome.UNCHANGED: "The file downloaded is the active version's file",
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


def update_list(*, source: str, url: str | None = None) -> UpdateResult:
    """Download one list from its publisher (or `url`) and import it if it changed."""
    publication = PUBLICATIONS.get(source)
    if publication is None:
        raise NotFound(
            f"no download is known for list {source!r}; lists: {', '.join(PUBLICATIONS)}"
        )
    address = url or publication.url
    state = DownloadState.objects.filter(source=source).first()
    request = urllib.request.Request(address, headers={"User-Agent": f"Licentia/{__version__}"})
    if state is not None and state.url == address:
        if state.etag:
            request.add_header("If-None-Match", state.etag)
        if state.last_modified:
            request.add_header("If-Modified-Since", state.last_modified)
    with tempfile.TemporaryDirectory(prefix="licentia-list-") as folder:
        target = Path(folder) / f"{source}.download"
        try:
            etag, last_modified = fetch(request, target, max_bytes=MAX_BYTES)
        except NotModified:
            _remember(source, address, state, None, None, touch_only=True)
            return UpdateResult(source, Outcome.NOT_MODIFIED)
        result = import_list(target, publication.file_format)
    _remember(source, address, state, etag, last_modified, checksum=result.version.checksum)
    return UpdateResult(
        source, Outcome.IMPORTED if result.created else Outcome.UNCHANGED, imported=result
    )


def _remember(
    source: str,
    url: str,
    state: DownloadState | None,
    etag: str | None,
    last_modified: str | None,
    *,
    checksum: str = "",
    touch_only: bool = False,
) -> None:
    state = state or DownloadState(source=source)
    state.url = url
    state.checked_at = timezone.now()
    if not touch_only:
        state.etag = etag or ""
        state.last_modified = last_modified or ""
        state.checksum = checksum
    state.save()
