"""The portal in Chromium: pages, charts drawn by Chart.js, their tables, downloads, the feed,
the pages without JavaScript, and axe-core's WCAG 2.2 AA checks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from licentia.indicators.services import import_indicators
from licentia.portal import services
from tests.portal.fake_engine import SMALL_CELL, TABLES, FakeEngine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = (
    "/open/",
    "/open/2025/",
    "/open/2026/destinations/CN/",
    "/open/2026/member-states/DE/",
    "/open/2026/items/5A001.f/",
    "/open/2026/high-risk/",
    "/open/2026/tables/",
)


@pytest.fixture
def portal(fake: FakeEngine, live_server: Any) -> str:
    import_indicators(FIXTURES / "pts-portal.csv", "pts")
    import_indicators(FIXTURES / "fh-portal.csv", "fh-fiw")
    return str(live_server.url)


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} node(s), e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_its_charts_and_tables_and_passes_axe(
    page: Any, portal: str, path: str
) -> None:
    response = page.goto(portal + path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    charts = page.locator("[data-chart]")
    for index in range(charts.count()):
        box = charts.nth(index)
        assert box.is_visible()
        canvas = box.locator("canvas[role='img']")
        assert canvas.count() == 1
        assert canvas.bounding_box()["height"] > 100
        # The table alternative: a real table with a caption, right after the chart.
        section = box.locator("xpath=ancestor::section[1]")
        assert section.locator("table caption").count() == 1
    if path != "/open/2026/tables/":
        assert charts.count() >= 1
    assert _violations(page) == []


def test_charts_draw_the_published_figures(page: Any, portal: str) -> None:
    page.goto(portal + "/open/2026/destinations/CN/")
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-chart] canvas'))"
        ".map(c => { const chart = Chart.getChart(c);"
        " return {title: c.getAttribute('aria-label'), data: chart.data.datasets.map(d => d.data)}; })"
    )
    history = next(d for d in drawn if d["title"].startswith("Licences granted and refused"))
    assert history["data"] == [[9, 9], [4, 4]]
    by_state = next(d for d in drawn if d["title"].startswith("Decisions by destination and"))
    assert by_state["data"] == [[None, 7], [0, 4]]  # France's 2 grants: a gap, not a zero


def test_without_javascript_the_tables_carry_the_data(browser: Any, portal: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal + "/open/2026/")
    assert page.locator("canvas").count() == 0
    assert page.locator("[data-chart]").first.is_hidden()
    tables = page.locator("table")
    assert tables.count() == 4
    assert tables.first.is_visible()
    assert page.get_by_text(f"Suppressed: {services._reason(SMALL_CELL)}").first.is_visible()
    context.close()


def test_a_reader_follows_links_from_the_index(page: Any, portal: str) -> None:
    page.goto(portal + "/open/")
    page.get_by_role("link", name="China").first.click()
    assert page.locator("h1").inner_text() == "China: export-control decisions, 2026"
    page.get_by_role("link", name="2025").click()
    assert page.locator("h1").inner_text() == "China: export-control decisions, 2025"
    page.get_by_role("link", name="Check a licence").click()
    assert page.url.endswith("/verify/")


def test_downloads_and_feed_parse(page: Any, portal: str) -> None:
    page.goto(portal + "/open/2026/tables/")
    links = page.locator("a[download]")
    assert links.count() == len(TABLES) * 3
    csv_response = page.request.get(portal + "/open/2026/tables/by-destination.csv")
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(csv_response.text())))
    assert {r["destination"] for r in rows} == {"AE", "CN", "US"}
    json_response = page.request.get(portal + "/open/2026/tables/by-item-category.json")
    assert json_response.headers["content-type"] == "application/json"
    assert json.loads(json_response.body())["year"] == 2026
    parquet = page.request.get(portal + "/open/2026/tables/decisions.parquet")
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    assert parquet.body()[:4] == b"PAR1"
    feed = page.request.get(portal + "/open/feed.atom")
    assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(feed.body())
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 2


def test_the_accessibility_check_finds_a_planted_fault(page: Any, portal: str) -> None:
    """axe-core really runs: an image without a text alternative is reported."""
    page.goto(portal + "/open/")
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert any(v.startswith("image-alt:") for v in _violations(page))
