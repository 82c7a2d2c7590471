"""Downloads against a local HTTP server serving the shared files, like a publisher would."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from licentia.errors import ImportFailed, NotFound
from licentia.indicators import services
from licentia.indicators.download import Outcome, update_indicators
from licentia.indicators.models import IndicatorDownload, IndicatorEdition
from tests.conftest import shared_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "risk"

pytestmark = pytest.mark.django_db


class Publisher:
    """What the fake publisher serves now; tests swap the file or make it misbehave."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.truncate = False
        self.requests: list[dict[str, str]] = []

    def serve(self, path: Path) -> None:
        self.body = path.read_bytes()

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


@pytest.fixture
def publisher() -> Iterator[tuple[Publisher, str]]:
    state = Publisher()
    modified = formatdate(usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(dict(self.headers.items()))
            if state.status != 200:
                self.send_error(state.status)
                return
            if self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(state.body)))
            self.send_header("ETag", state.etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            self.wfile.write(state.body[: len(state.body) // 3] if state.truncate else state.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/data"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_download_imports_then_not_modified_then_unchanged(
    publisher: tuple[Publisher, str],
) -> None:
    server, url = publisher
    path = shared_file("human-rights/fariss-human-rights-protection-1946-2019.csv")
    server.serve(path)
    first = update_indicators(source="fariss", url=url)
    assert first.outcome is Outcome.IMPORTED
    assert first.imported is not None
    edition = first.imported.edition
    assert edition.value_count == 11180
    assert edition.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    state = IndicatorDownload.objects.get(source="fariss")
    assert (state.etag, state.checksum) == (server.etag, edition.checksum)
    second = update_indicators(source="fariss", url=url)
    assert second.outcome is Outcome.NOT_MODIFIED
    assert server.requests[-1]["If-None-Match"] == server.etag
    assert "If-Modified-Since" in server.requests[-1]
    state.etag = '"stale"'  # the server no longer recognises it: the same body comes again
    state.save()
    third = update_indicators(source="fariss", url=url)
    assert third.outcome is Outcome.UNCHANGED
    assert IndicatorEdition.objects.count() == 1


def test_wgi_api_json_download(publisher: tuple[Publisher, str]) -> None:
    server, url = publisher
    server.serve(FIXTURES / "wgi-api.json")
    result = update_indicators(source="wgi", url=url)
    assert result.outcome is Outcome.IMPORTED
    assert [o.value for o in services.store().series("wgi.va", "CN")] == [
        pytest.approx(-1.5045541524887085)
    ]


@pytest.mark.parametrize("failure", ["server error", "truncated body", "malformed file"])
def test_failed_download_keeps_the_previous_edition(
    publisher: tuple[Publisher, str], failure: str
) -> None:
    server, url = publisher
    server.serve(shared_file("human-rights/fariss-human-rights-protection-1946-2019.csv"))
    good = update_indicators(source="fariss", url=url)
    assert good.imported is not None
    before = IndicatorDownload.objects.get(source="fariss")
    server.body = b"country_name,year,human_rights_protection\nNorway,2020,4.1\nSweden,2020,x\n"
    if failure == "server error":
        server.status = 500
    elif failure == "truncated body":
        server.truncate = True
    with pytest.raises(ImportFailed) as error:
        update_indicators(source="fariss", url=url)
    if failure == "malformed file":
        assert (error.value.position, error.value.field) == ("line 3", "human_rights_protection")
    assert services.active_editions() == {"fariss": good.imported.edition}
    assert IndicatorEdition.objects.count() == 1
    state = IndicatorDownload.objects.get(source="fariss")
    assert (state.etag, state.checksum) == (before.etag, before.checksum)


def test_sources_without_automatic_download() -> None:
    with pytest.raises(NotFound, match="not downloaded automatically"):
        update_indicators(source="fh")
    with pytest.raises(NotFound, match="give the file's address with --url"):
        update_indicators(source="vdem")
    with pytest.raises(NotFound, match="no download is known"):
        update_indicators(source="cirights")
