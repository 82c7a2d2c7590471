"""Downloads against a local HTTP server serving the shared UN files, like a publisher would."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from licentia.errors import ImportFailed, NotFound
from licentia.partylists import services
from licentia.partylists.download import Outcome, update_list
from licentia.partylists.models import DownloadState, PartyListVersion
from tests.conftest import shared_file

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
            # A truncated body: the connection closes before Content-Length bytes arrive.
            self.wfile.write(state.body[: len(state.body) // 3] if state.truncate else state.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/consolidated.xml"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_first_download_imports_second_is_not_modified(publisher: tuple[Publisher, str]) -> None:
    server, url = publisher
    server.serve(shared_file("sanctions/un/un-consolidated-older.xml"))
    first = update_list(source="un-sc", url=url)
    assert first.outcome is Outcome.IMPORTED
    assert first.imported is not None
    assert first.imported.version.entity_count == 1093
    stored = DownloadState.objects.get(source="un-sc")
    assert stored.etag == server.etag
    assert stored.last_modified
    second = update_list(source="un-sc", url=url)
    assert second.outcome is Outcome.NOT_MODIFIED
    assert server.requests[-1]["If-None-Match"] == server.etag
    assert "If-Modified-Since" in server.requests[-1]
    assert PartyListVersion.objects.count() == 1


def test_changed_file_imports_a_new_version_with_differences(
    publisher: tuple[Publisher, str],
) -> None:
    server, url = publisher
    server.serve(shared_file("sanctions/un/un-consolidated-older.xml"))
    old = update_list(source="un-sc", url=url).imported
    server.serve(shared_file("sanctions/un/un-consolidated-2026-02-27.xml"))
    new = update_list(source="un-sc", url=url)
    assert new.outcome is Outcome.IMPORTED
    assert new.imported is not None
    assert old is not None
    version = new.imported.version
    assert version.previous_id == old.version.pk
    counts = services.change_counts(version)
    assert counts["added"] > 0
    assert counts["removed"] > 0
    assert services.active_versions() == {"un-sc": version}


@pytest.mark.parametrize("failure", ["server error", "truncated body"])
def test_failed_download_keeps_the_previous_version(
    publisher: tuple[Publisher, str], failure: str
) -> None:
    server, url = publisher
    server.serve(shared_file("sanctions/un/un-consolidated-older.xml"))
    good = update_list(source="un-sc", url=url).imported
    assert good is not None
    etag_before = DownloadState.objects.get(source="un-sc").etag
    server.serve(shared_file("sanctions/un/un-consolidated-2026-02-27.xml"))
    if failure == "server error":
        server.status = 500
    else:
        server.truncate = True
    with pytest.raises(ImportFailed) as caught:
        update_list(source="un-sc", url=url)
    assert caught.value.source == url
    assert services.active_versions() == {"un-sc": good.version}
    assert PartyListVersion.objects.filter(status="active").count() == 1
    # The validators stay those of the version in use, so the next run downloads again.
    assert DownloadState.objects.get(source="un-sc").etag == etag_before


def test_a_served_file_that_is_cut_short_fails_in_the_parser(
    publisher: tuple[Publisher, str], tmp_path: Path
) -> None:
    server, url = publisher
    server.serve(shared_file("sanctions/un/un-consolidated-older.xml"))
    good = update_list(source="un-sc", url=url).imported
    assert good is not None
    cut = tmp_path / "cut.xml"
    cut.write_bytes(shared_file("sanctions/un/un-consolidated-2026-02-27.xml").read_bytes()[:50000])
    server.serve(cut)
    with pytest.raises(ImportFailed, match="malformed XML"):
        update_list(source="un-sc", url=url)
    assert services.active_versions() == {"un-sc": good.version}


def test_unknown_source() -> None:
    with pytest.raises(NotFound, match="un-sc"):
        update_list(source="eu-annex")
