"""Downloads at stable addresses, the data dictionary, and the Atom feed (RFC 4287)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from defusedxml import ElementTree
from django.test import Client

from tests.portal.fake_engine import FakeEngine, Publication

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_table_downloads_in_every_format_at_a_stable_address(fake: FakeEngine) -> None:
    page = Client().get("/open/2026/tables/").content.decode()
    for table in ("decisions", "by-destination", "by-member-state", "by-item-category"):
        for fmt in ("csv", "json", "parquet"):
            assert f'href="/open/2026/tables/{table}.{fmt}"' in page
    response = Client().get("/open/2026/tables/by-destination.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="licentia-2026-by-destination.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    china = next(r for r in rows if r["destination"] == "CN" and r["decision"] == "granted")
    assert china["decisions"] == "9"
    document = json.loads(Client().get("/open/2025/tables/by-item-category.json").content)
    assert document["year"] == 2025
    assert [r for r in document["rows"] if r["suppressed"]] == [
        {
            "item_category": "5A001.j",
            "decision": "granted",
            "decisions": None,
            "suppressed": True,
            "reason": "min-count",
        }
    ]
    parquet = Client().get("/open/2026/tables/decisions.parquet")
    assert parquet["Content-Type"] == "application/vnd.apache.parquet"
    assert parquet.content.startswith(b"PAR1")


def test_downloads_are_cached_per_data_version(fake: FakeEngine) -> None:
    Client().get("/open/2026/tables/decisions.csv")
    Client().get("/open/2026/tables/decisions.csv")
    assert fake.calls["export"] == 1


def test_unknown_table_format_or_year_is_404(fake: FakeEngine) -> None:
    assert Client().get("/open/2026/tables/nothing.csv").status_code == 404
    assert Client().get("/open/2026/tables/decisions.xlsx").status_code == 404
    assert Client().get("/open/2017/tables/decisions.csv").status_code == 404


def test_tables_page_has_the_dictionary_and_provenance(fake: FakeEngine) -> None:
    html = Client().get("/open/2026/tables/").content.decode()
    assert '<caption id="dictionary-caption">Fields of the published tables</caption>' in html
    assert "<code>reason</code>" in html
    assert "data version <code>v2026</code>" in html
    assert "published 14 days after each decision" in html


def _feed(client: Client) -> ElementTree:
    response = client.get("/open/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def test_feed_is_valid_atom_with_one_entry_per_publication(fake: FakeEngine) -> None:
    root = _feed(Client())
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/open/feed.atom"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Decisions 2026", "Decisions 2025"]
    for entry in entries:
        for required in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    assert (
        entries[0].findtext(f"{ATOM}id") == "http://testserver/open/2026/tables/#decisions-2026-q3"
    )
    assert entries[0].find(f"{ATOM}link").get("href") == "http://testserver/open/2026/"
    assert entries[0].findtext(f"{ATOM}updated") == "2026-10-01T09:00:00+00:00"


def test_a_publication_not_yet_due_is_nowhere(fake: FakeEngine) -> None:
    """The engine dates a publication after the delay; the portal shows none before its date."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    fake.published.append(
        Publication("decisions-2027-q1", 2027, "Decisions 2027", "Early", later, "v2027")
    )
    fake.decisions.append((2027, "DE", "CN", "5A001.f", "police", "granted"))
    titles = [e.findtext(f"{ATOM}title") for e in _feed(Client()).findall(f"{ATOM}entry")]
    assert "Decisions 2027" not in titles
    assert Client().get("/open/2027/").status_code == 404
    assert Client().get("/open/2027/tables/decisions.csv").status_code == 404
    assert "<h1>Export-control decisions, 2026</h1>" in Client().get("/open/").content.decode()
