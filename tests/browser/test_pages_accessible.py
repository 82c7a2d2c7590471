"""axe-core over the pages of the demo, as each kind of user sees them: every application,
case and licence state, forms with errors, error pages. WCAG 2.2 A and AA."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from licentia import demo
from licentia.accounts import totp
from licentia.applications.models import Application
from licentia.cases.models import Case
from licentia.controllists import services as controls
from licentia.licences.models import Licence
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"


@pytest.fixture
def demo_data(settings: Any, tmp_path: Path) -> None:
    settings.DEMO = True
    settings.MEDIA_ROOT = tmp_path / "private"
    controls.import_curated()
    demo.load_demo_data(password=PASSWORD)


def _one_per_state(queryset: Any, **filters: Any) -> list[int]:
    chosen: dict[str, int] = {}
    for pk, state in queryset.filter(**filters).order_by("pk").values_list("pk", "state"):
        chosen.setdefault(state, pk)
    return sorted(chosen.values())


class Tab:
    def __init__(self, browser: Any, base: str, axe: AxeChecker) -> None:
        self.context = browser.new_context(locale="en-GB")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.base, self.axe = base, axe

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.axe.check(self.page)

    def press(self, form: str, button: str, **fields: str) -> None:
        scope = self.page.locator(form)
        for name, value in fields.items():
            scope.locator(f"[name='{name}']").fill(value)
        with self.page.expect_navigation():
            scope.get_by_role("button", name=button).first.click()
        self.axe.check(self.page)

    def sign_in(self, username: str) -> None:
        self.go("/accounts/login/")
        self.press("main form", "Sign in", username=username, password=PASSWORD)
        if "/accounts/mfa/" in self.page.url:
            code = totp.code_for(demo.DEMO_TOTP_SECRET, totp.step_at(time.time()))
            self.press("main form", "Continue", code=code)
        assert "/accounts/" not in self.page.url


def test_demo_pages_meet_wcag_aa(
    demo_data: None, live_server: Any, browser: Any, axe: AxeChecker
) -> None:
    base = live_server.url
    de_exporter = Application.objects.get(title="Probes for Gulf Telecom").organisation
    applications = _one_per_state(Application.objects, organisation=de_exporter)
    cases = _one_per_state(Case.objects, authority__member_state="DE")
    licences = _one_per_state(Licence.objects, holder=de_exporter)
    draft = Application.objects.filter(organisation=de_exporter, state="draft").first()
    assert draft is not None

    anonymous = Tab(browser, base, axe)
    for path in ("/", "/verify/", "/accounts/password/reset/", "/no-such-page/"):
        anonymous.go(path)
    anonymous.go("/verify/")
    anonymous.press("main form", "Check", number="DE-IEA-2026-999999", code="ACDE-FGHJ-KMNP")
    anonymous.go("/accounts/login/")
    anonymous.press("main form", "Sign in", username="exporter-admin", password="wrong")

    exporter = Tab(browser, base, axe)
    exporter.sign_in("exporter-admin")
    for path in (
        "/applications/",
        "/applications/new/",
        "/applications/parties/",
        "/applications/parties/new/",
        "/applications/registrations/",
        "/licences/",
        "/notifications/",
        "/accounts/security/",
        "/accounts/tokens/",
        "/products/",
        *(f"/applications/{pk}/" for pk in applications),
        *(f"/licences/{pk}/" for pk in licences),
        f"/applications/{draft.pk}/review/",
    ):
        exporter.go(path)
    exporter.go("/applications/new/")
    exporter.press("main form", "Create the draft", title="")  # errors on the fields
    exporter.go(f"/applications/{draft.pk}/")
    exporter.press(
        "form:has(input[name='action'][value='goods'])",
        "Add the line",
        **{"goods-quantity": "-4", "goods-value_eur": "-1"},
    )
    exporter.go("/applications/parties/new/")
    exporter.press("main form", "Save", name="", country="XX")

    officer = Tab(browser, base, axe)
    officer.sign_in("officer-de")
    for path in (
        "/cases/",
        "/cases/?state=under-review&assigned=me",
        "/cases/?older_than_days=-1",
        "/licences/",
        *(f"/cases/{pk}/" for pk in cases),
        *(f"/licences/{pk}/" for pk in licences),
    ):
        officer.go(path)
    under_review = Case.objects.filter(authority__member_state="DE", state="under-review").first()
    assert under_review is not None
    officer.go(f"/cases/{under_review.pk}/")
    officer.page.locator("form[action$='/recommend/'] [name='outcome'][value='grant']").check()
    # Not assessed yet: refused by the service (422), shown on the case page.
    officer.press("form[action$='/recommend/']", "Record recommendation", reasoning="Fine.")

    coordination = Tab(browser, base, axe)
    coordination.sign_in("coordination-de")
    coordination.go("/cases/")  # not theirs: the not-found page

    for tab in (anonymous, exporter, officer, coordination):
        tab.context.close()
    assert len(axe.checked) > 60
    axe.assert_clean()
