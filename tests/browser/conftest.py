"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

No browser is downloaded: the tests use `/usr/bin/chromium` (`apt-get install chromium
chromium-driver`, as `.ci/run` does) and are skipped, saying so, where it is absent. Every page
a test visits is checked with axe-core for WCAG 2.2 A and AA violations.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# axe-core rule tags for WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = ""
    if sync_playwright is None:
        reason = "Playwright for Python is not installed (pip install -e '.[dev]')"
    elif not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is absent: install Debian's Chromium "
            "(apt-get install chromium chromium-driver) to run the browser tests"
        )
    for item in items:
        if item.get_closest_marker("browser") is None:
            continue
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def live_server(transactional_db: None) -> Iterator[Any]:
    """A live server for one test, started after the test database and stopped before it."""
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def browser(
    live_server: Any, transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Browser]:
    """Chromium for one test, started after the database and the live server and stopped
    before them. Playwright's sync API runs an event loop in the test's thread while the test
    builds and reads its data with the ORM there, which Django refuses unless told."""
    from django.db import connections

    assert sync_playwright is not None
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()
            # The ORM calls made while Playwright ran opened their own connection (Django's
            # connections follow the context, and Playwright switches it); close it here, or
            # PostgreSQL refuses to drop the test database at the end.
            connections.close_all()


class AxeChecker:
    """Runs axe-core on a page and keeps the WCAG A/AA violations per address."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.checked: list[str] = []
        self.rules_passed: set[str] = set()
        self.violations: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: Page) -> None:
        result = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        path = page.url.split("//", 1)[-1].split("/", 1)[-1]
        self.checked.append("/" + path)
        self.rules_passed.update(rule["id"] for rule in result.response.get("passes", []))
        found = result.response.get("violations", [])
        if found:
            self.violations["/" + path] = found

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        # axe really ran the WCAG rules (a page where it could not would pass nothing).
        assert {"color-contrast", "label", "html-has-lang"} <= self.rules_passed
        assert not self.violations, "WCAG 2.2 A/AA violations (axe-core):\n" + self.report()

    def report(self) -> str:
        lines = []
        for path, found in self.violations.items():
            for violation in found:
                targets = [", ".join(n["target"]) for n in violation["nodes"][:5]]
                lines.append(
                    f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} "
                    f"-- {'; '.join(targets)}"
                )
        return "\n".join(lines)


@pytest.fixture
def axe() -> AxeChecker:
    return AxeChecker()
