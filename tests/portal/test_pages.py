"""Public portal pages over a stand-in report engine: no sign-in, suppression shown with its
reason, the destination's indicators and rating with their sources, caching per data version."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client

from licentia.indicators.services import import_indicators
from licentia.portal import services
from tests.portal.fake_engine import SMALL_CELL, FakeEngine

REASON = services._reason(SMALL_CELL)

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def indicators() -> None:
    import_indicators(FIXTURES / "pts-portal.csv", "pts")
    import_indicators(FIXTURES / "fh-portal.csv", "fh-fiw")


def _charts(html: str) -> list[dict[str, object]]:
    """The chart data embedded in a page (json_script blocks)."""
    found = []
    for chunk in html.split('<script id="grid-')[1:]:
        body = chunk.split(">", 1)[1].split("</script>", 1)[0]
        found.append(json.loads(body))
    return found


def test_index_needs_no_sign_in_and_shows_every_breakdown(fake: FakeEngine) -> None:
    response = Client().get("/open/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Export-control decisions, 2026</h1>" in html
    for caption in (
        "Licences granted and refused per year, all destinations: table",
        "Decisions by destination, 2026: table",
        "Decisions by issuing Member State, 2026: table",
        "Decisions by item category, 2026: table",
    ):
        assert "<caption" in html
        assert caption in html
    assert 'href="/open/2026/destinations/CN/">China</a>' in html
    assert 'href="/open/2026/member-states/DE/">Germany</a>' in html
    assert 'href="/open/2026/items/5A001.f/">5A001.f</a>' in html
    assert 'href="/verify/"' in html
    assert 'href="/open/feed.atom"' in html
    assert 'href="/open/2025/" ' not in html
    assert 'href="/open/2025/"' in html
    assert "portal/vendor/chart.umd.min.js" in html


def test_suppressed_cells_say_so_with_the_reason_and_are_gaps_in_the_charts(
    fake: FakeEngine,
) -> None:
    html = Client().get("/open/2026/").content.decode()
    # 2 licences granted for 5A001.j: below the minimum of 3.
    assert f'<td class="suppressed">Suppressed: {REASON}</td>' in html
    by_state = next(
        c for c in _charts(html) if c["title"] == "Decisions by issuing Member State, 2026"
    )
    assert by_state["labels"] == ["France", "Germany", "Netherlands"]
    granted = by_state["datasets"][0]  # type: ignore[index]
    assert granted == {"label": "Granted", "data": [11, 7, 5]}
    by_destination = next(
        c for c in _charts(html) if c["title"] == "Decisions by destination, 2026"
    )
    assert by_destination["labels"] == ["China", "United Arab Emirates", "United States"]
    by_item = next(c for c in _charts(html) if c["title"] == "Decisions by item category, 2026")
    assert by_item["labels"] == ["4A005", "5A001.f", "5A001.j", "5D001.e"]
    assert by_item["datasets"][0] == {"label": "Granted", "data": [0, 12, None, 9]}  # type: ignore[index]


def test_summary_reads_the_published_values_only(fake: FakeEngine) -> None:
    page = services.index(year=2026)
    by_item = next(g for g in page.grids if g.id == "by-item-category")
    assert by_item.summary == (
        "Decisions by item category, 2026: 4 item category value(s). "
        "Most granted: 5A001.f (12). Most refused: 4A005 (4). "
        "1 cell(s) suppressed to protect confidentiality."
    )


def test_destination_page_shows_history_breakdowns_and_indicators_with_sources(
    fake: FakeEngine, indicators: None
) -> None:
    response = Client().get("/open/2026/destinations/cn/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>China: export-control decisions, 2026</h1>" in html
    history = next(c for c in _charts(html) if str(c["title"]).startswith("Licences granted"))
    assert history["labels"] == ["2025", "2026"]
    assert history["datasets"] == [
        {"label": "Granted", "data": [9, 9]},
        {"label": "Refused", "data": [4, 4]},
    ]
    # Only tables the engine publishes for a destination: never a cut it did not publish.
    assert "Decisions by destination and member state, China, 2026: table" in html
    assert "item category, China" not in html
    by_state = next(c for c in _charts(html) if "member state, China" in str(c["title"]))
    assert by_state["labels"] == ["France", "Germany"]
    assert by_state["datasets"] == [
        {"label": "Granted", "data": [None, 7]},
        {"label": "Refused", "data": [0, 4]},
    ]
    assert "Human-rights indicators of China, latest values, with their sources" in html
    assert "Political Terror Scale" in html
    assert "Freedom House" in html
    assert 'class="rating rating-very-high">very high</span>' in html
    assert 'href="/countries/CN/"' in html


def test_member_state_and_item_category_pages(fake: FakeEngine) -> None:
    germany = Client().get("/open/2026/member-states/DE/").content.decode()
    assert "<h1>Germany: export-control decisions, 2026</h1>" in germany
    assert "Decisions by destination and member state, Germany, 2026: table" in germany
    assert "Decisions s4 item category, Germany, 2026: table" in germany
    item = Client().get("/open/2025/items/5A001.f/").content.decode()
    assert "<h1>5A001.f: export-control decisions, 2025</h1>" in item
    # A table with the decision fixed (granted) has one column.
    granted = next(c for c in _charts(item) if "s4 item category, 5A001.f" in str(c["title"]))
    assert granted["labels"] == ["Germany", "Netherlands"]
    assert granted["datasets"] == [{"label": "Granted", "data": [7, 5]}]


def test_high_risk_view_lists_rated_destinations_with_their_sources(
    fake: FakeEngine, indicators: None
) -> None:
    html = Client().get("/open/2026/high-risk/").content.decode()
    assert "Licences granted to destinations rated high risk, 2026: table" in html
    chart = next(c for c in _charts(html) if str(c["title"]).startswith("Licences granted to"))
    assert chart["labels"] == ["China"]  # the United States is rated low
    assert chart["datasets"] == [
        {"label": "Granted", "data": [9]},
        {"label": "Refused", "data": [4]},
    ]
    assert "Political Terror Scale 2022-2024 (pts-portal.csv)" in html
    # No indicator for the United Arab Emirates: listed as not rated, never as low risk.
    assert "<li>United Arab Emirates (AE)</li>" in html


def test_unknown_year_country_and_nothing_published(
    fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Client().get("/open/2019/").status_code == 404
    assert Client().get("/open/2026/destinations/ZZ/").status_code == 404
    fake.published.clear()
    monkeypatch.setattr(fake, "release_date", lambda: dt.date(2099, 1, 1))  # a new release
    response = Client().get("/open/")
    assert response.status_code == 404
    assert "Nothing is published yet." in response.content.decode()


def test_pages_are_cached_per_data_version(
    fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    Client().get("/open/2026/")
    calls = fake.calls["report"]
    Client().get("/open/2026/")
    assert fake.calls["report"] == calls
    fake.published[-1] = fake.published[-1].__class__(
        **{**fake.published[-1].__dict__, "data_version": "v2026-b"}
    )
    monkeypatch.setattr(fake, "release_date", lambda: dt.date(2099, 1, 1))  # the next release
    Client().get("/open/2026/")
    assert fake.calls["report"] > calls
