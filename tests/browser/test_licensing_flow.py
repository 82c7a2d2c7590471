"""End to end in Chromium: an exporter applies, an officer asks, the exporter answers, the
officer assesses and recommends, a senior officer countersigns, the officer decides, the
licence is issued, downloaded and verified by anyone; axe-core checks every page on the way."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from licentia.accounts import totp
from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role, TotpDevice
from licentia.applications.models import Application
from licentia.cases.models import CountersignKind, CountersignRule
from licentia.controllists import services as controls
from licentia.licences.models import Licence
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-password"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SECRETS = {"olga": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "sabine": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"}


def _person(organisation: Organisation, username: str, role: Role) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.test"
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if username in SECRETS:
        TotpDevice.objects.create(
            user=user, secret=SECRETS[username], confirmed_at=timezone.now(), last_step=1
        )
    return user


@pytest.fixture
def people(settings: Any, tmp_path: Path) -> dict[str, AbstractBaseUser]:
    settings.MEDIA_ROOT = tmp_path / "private"
    controls.import_curated()
    exporter = Organisation.objects.create(
        name="Acme Surveillance GmbH", kind=OrganisationKind.EXPORTER, member_state="DE"
    )
    authority = Organisation.objects.create(
        name="BAFA", kind=OrganisationKind.AUTHORITY, member_state="DE"
    )
    CountersignRule.objects.create(authority=authority, kind=CountersignKind.CYBER_SURVEILLANCE)
    return {
        "alice": _person(exporter, "alice", Role.EXPORTER_ADMINISTRATOR),
        "olga": _person(authority, "olga", Role.LICENSING_OFFICER),
        "sabine": _person(authority, "sabine", Role.SENIOR_OFFICER),
    }


class Visit:
    """A signed-in (or anonymous) person's tab: every page it lands on is checked by axe."""

    def __init__(self, context: Any, base: str, axe: AxeChecker) -> None:
        self.page = context.new_page()
        self.base = base
        self.axe = axe

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.checked()

    def checked(self) -> Any:
        self.page.wait_for_load_state("load")
        self.axe.check(self.page)
        return self.page

    def submit(self, form: str, button: str, **fields: str) -> Any:
        """Fill `fields` (name -> text, a select's or a radio button's value) inside the form
        matched by `form`, press `button`, and check the page that follows."""
        scope = self.page.locator(form)
        for name, value in fields.items():
            field = scope.locator(f"[name='{name}']")
            if field.count() > 1:  # radio buttons or checkboxes: the one with the value
                scope.locator(f"[name='{name}'][value='{value}']").check()
            elif field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        with self.page.expect_navigation():
            scope.get_by_role("button", name=button).click()
        return self.checked()

    def sign_in(self, username: str) -> None:
        self.go("/accounts/login/")
        self.submit("main form", "Sign in", username=username, password=PASSWORD)
        if "/accounts/mfa/" in self.page.url:
            code = totp.code_for(SECRETS[username], totp.step_at(time.time()))
            self.submit("main form", "Continue", code=code)
        assert "/accounts/" not in self.page.url, self.page.content()[:2000]

    def text(self) -> str:
        return str(self.page.inner_text("main"))


def test_exporter_to_verified_licence(
    people: dict[str, AbstractBaseUser], live_server: Any, browser: Any, axe: AxeChecker
) -> None:
    base = live_server.url
    contexts = [browser.new_context(locale="en-GB") for _ in range(4)]
    try:
        exporter, officer, senior, public = (Visit(c, base, axe) for c in contexts)
        _exporter_applies(exporter)
        application = Application.objects.get()
        assert application.reference
        assert application.state == "submitted"

        officer.sign_in("olga")
        officer.go("/cases/")
        with officer.page.expect_navigation():
            officer.page.get_by_role("link", name=application.reference).click()
        officer.checked()
        case_path = officer.page.url.removeprefix(base)
        officer.submit("form[action$='/assign/']", "Assign to me")
        officer.submit(
            "form[action$='/request-information/']",
            "Ask the exporter",
            question="Who will operate the probes after installation?",
        )
        assert "awaiting" in officer.text().lower()

        exporter.go(f"/applications/{application.pk}/")
        assert "Who will operate the probes" in exporter.text()
        exporter.submit(
            "form[action$='/answer/']",
            "Send the answer",
            answer="The operator's own network staff, trained by us.",
        )
        assert "Your answer was sent" in exporter.text()

        officer.go(case_path)
        assert "The operator's own network staff" in officer.text()
        for criterion in ("art15-1-a", "art15-1-b", "art15-1-c", "art15-1-d"):
            officer.submit(
                "form[action$='/assess/']",
                "Record assessment",
                criterion=criterion,
                finding="no-concern",
                reasoning=f"No concern under {criterion}.",
            )
        officer.submit(
            "form[action$='/recommend/']",
            "Record recommendation",
            outcome="grant",
            reasoning="No ground for refusal.",
            conditions="No re-export without prior consent.",
            validity_months="12",
        )
        assert "countersignature" in officer.text()

        senior.sign_in("sabine")
        senior.go(case_path)
        senior.submit("form[action$='/countersign/']", "Countersign", comment="Agreed.")
        assert "Countersigned" in senior.text()

        officer.go(case_path)
        officer.submit("form[action$='/decide/']", "Decide as recommended: Grant")
        licence = Licence.objects.get()
        assert licence.holder.name == "Acme Surveillance GmbH"
        assert licence.state == "active"

        exporter.go(f"/applications/{application.pk}/")
        assert licence.number in exporter.text()
        with exporter.page.expect_navigation():
            exporter.page.get_by_role("link", name="see and download the licence").click()
        exporter.checked()
        link = exporter.page.get_by_role("link", name="Download the licence (PDF)")
        pdf = exporter.page.request.get(base + str(link.get_attribute("href")))
        assert pdf.ok
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")

        public.go("/verify/")
        public.submit("main form", "Check", number=licence.number, code=licence.verification_code)
        result = public.text()
        assert f"Licence {licence.number}: in force" in result
        assert "Acme Surveillance GmbH" in result
    finally:
        for made in contexts:
            made.close()
    axe.assert_clean()


def _exporter_applies(exporter: Visit) -> None:
    exporter.sign_in("alice")
    exporter.go("/applications/new/")
    exporter.submit(
        "main form", "Create the draft", kind="individual", title="Probes for Gulf Telecom"
    )
    assert re.search(r"/applications/\d+/$", exporter.page.url)
    exporter.submit(
        "form:has(input[name='action'][value='header'])",
        "Save the details",
        **{
            "header-destinations": "AE",
            "header-end_use": "Lawful interception at a telecom operator in Abu Dhabi",
            "header-requested_validity_months": "12",
        },
    )
    exporter.submit(
        "form:has(input[name='action'][value='goods'])",
        "Add the line",
        **{
            "goods-description": "IP network monitoring probe",
            "goods-control_entry": "5A001.j",
            "goods-quantity": "4",
            "goods-value_eur": "120000",
        },
    )
    for role in ("end-user", "consignee"):
        exporter.submit(
            "form:has(input[name='action'][value='party'])",
            "Add the party",
            **{
                "party-role": role,
                "party-name": "Gulf Telecom Operations",
                "party-country": "AE",
                "party-type": "telecom-operator",
            },
        )
    form = exporter.page.locator("form:has(input[name='action'][value='document'])")
    form.locator("[name='document-kind']").select_option("end-use-statement")
    form.locator("[name='document-file']").set_input_files(
        files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with exporter.page.expect_navigation():
        form.get_by_role("button", name="Upload").click()
    exporter.checked()
    assert "statement.pdf" in exporter.text()
    with exporter.page.expect_navigation():
        exporter.page.get_by_role("link", name="Review and submit").click()
    exporter.checked()
    exporter.submit("main form", "Submit the application")
    assert "was submitted to the competent authority" in exporter.text()
