"""The portal over the real report engine (licentia.transparency) and decisions as stored."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from defusedxml import ElementTree
from django.test import Client

from licentia.accounts.models import OrganisationKind
from licentia.portal import services
from tests.transparency.factories import many, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions() -> None:
    bafa = organisation("BAFA", OrganisationKind.AUTHORITY, "DE")
    sbdu = organisation("SBDU", OrganisationKind.AUTHORITY, "FR")
    acme = organisation("Acme Networks", state="DE")
    probe = organisation("Probe SA", state="FR")
    many(4, exporter=acme, authority=bafa, destinations=("CN",))
    many(1, exporter=acme, authority=bafa, outcome="refuse", destinations=("CN",))
    many(3, exporter=probe, authority=sbdu, destinations=("US",), lines=(("4A005", "5000"),))


def test_pages_over_the_report_engine(decisions: None) -> None:
    html = Client().get("/open/").content.decode()
    assert "<h1>Export-control decisions, 2026</h1>" in html
    assert "Acme" not in html
    china = Client().get("/open/2026/destinations/CN/").content.decode()
    assert "<h1>China: export-control decisions, 2026</h1>" in china
    # One refusal: below the minimum count, published as suppressed with the reason.
    assert (
        '<td class="suppressed">Suppressed: Fewer confidential decisions than the minimum count'
        in china
    )
    assert "Decisions by destination, issuing Member State and decision, China, 2026" in china
    germany = Client().get("/open/2026/member-states/DE/")
    assert germany.status_code == 200
    item = Client().get("/open/2026/items/5A001/")
    assert item.status_code == 200
    assert Client().get("/open/2026/high-risk/").status_code == 200


def test_downloads_and_feed_over_the_report_engine(decisions: None) -> None:
    page = Client().get("/open/2026/tables/").content.decode()
    for info in services.engine().tables():
        assert f'href="/open/2026/tables/{info.id}.parquet"' in page
    text = Client().get("/open/2026/tables/by-destination.csv").content.decode()
    assert text.startswith("# ")  # provenance and data dictionary on leading comment lines
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert {"CN", "US"} <= {r["destination"] for r in rows}
    document = json.loads(Client().get("/open/2026/tables/by-destination.json").content)
    assert document
    parquet = Client().get("/open/2026/tables/by-destination.parquet")
    assert parquet["Content-Type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(parquet.content))
    assert "destination" in table.column_names
    feed = ElementTree.fromstring(Client().get("/open/feed.atom").content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries
    assert all("2026" in (e.findtext("{http://www.w3.org/2005/Atom}title") or "") for e in entries)
