"""The licence PDF and the public verification (page and API): what it shows, the same
answer for a wrong number and a wrong code, and the limit against enumeration."""

from __future__ import annotations

import contextlib
import re
import zlib

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.accounts.models import Organisation, Role
from licentia.licences import verification
from licentia.licences.models import Licence
from licentia.licences.pdf import _latin, licence_pdf, verification_url
from tests.accounts.support import signed_in
from tests.licences.conftest import person

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text drawn by the page content streams (Tj operands), decompressed where needed."""
    shown = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        data = match.group(1)
        with contextlib.suppress(zlib.error):  # the uncompressed test output
            data = zlib.decompress(data)
        shown += [m.decode("latin-1") for m in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", data, re.S)]
    return re.sub(r"\\([()\\])", r"\1", " ".join(shown))


def test_the_pdf_is_a_pdf_with_number_code_and_address(licence: Licence) -> None:
    holder = licence.holder
    holder.name, holder.eori = "Łódź Sensors sp. z o.o.", "PL1234567890"
    holder.save()
    for content in (
        licence_pdf(licence, base_url="https://licentia.example.eu/"),
        licence_pdf(licence, base_url="https://licentia.example.eu", compress=False),
    ):
        assert content.startswith(b"%PDF-1.")
        assert content.rstrip().endswith(b"%%EOF")
        text = pdf_text(content)
        for expected in (
            licence.number,
            licence.verification_code,
            "https://licentia.example.eu/verify/",
            "Article 12 of Regulation (EU) 2021/821",
            "Lódz Sensors sp. z o.o.",
            "PL1234567890",
            "5A001.j",
            "Brazil (BR)",
            "Operadora Exemplo",
            "No re-export without prior consent.",
        ):
            assert expected in text, expected


def test_the_qr_code_holds_the_verification_address(licence: Licence) -> None:
    url = verification_url("https://licentia.example.eu/", licence)
    assert url.startswith("https://licentia.example.eu/verify/?number=DE-IEA-")
    assert f"code={licence.verification_code}" in url


def test_text_outside_latin1_is_written_in_its_nearest_form() -> None:
    assert _latin("Škoda Ćevapi Łukasz 東京") == "Skoda Cevapi Lukasz ??"


def test_the_holder_downloads_the_pdf(licence: Licence, exporter_user: AbstractBaseUser) -> None:
    response = signed_in(exporter_user).get(f"/licences/{licence.pk}/licence.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert licence.number in response["Content-Disposition"]
    assert licence.number in pdf_text(response.content)
    rival = Organisation.objects.create(name="Rival", kind="exporter", member_state="DE")
    stranger = person(rival, "rita", Role.EXPORTER_MEMBER)
    assert signed_in(stranger).get(f"/licences/{licence.pk}/licence.pdf").status_code == 404


def test_the_verification_page_shows_only_what_is_safe(licence: Licence) -> None:
    client = Client()
    page = client.get("/verify/")
    assert page.status_code == 200
    assert "Check a licence" in page.content.decode()
    code = licence.verification_code.lower().replace("-", " ")
    response = client.post("/verify/", {"number": licence.number.lower(), "code": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Licence {licence.number}: in force" in html
    assert "Acme Surveillance" in html
    assert "BAFA" in html
    for secret in ("Operadora Exemplo", "50000", "5A001.j", "re-export"):
        assert secret not in html
    scanned = client.get(verification_url("http://testserver/", licence).split("testserver")[1])
    assert f"Licence {licence.number}: in force" in scanned.content.decode()


def test_a_wrong_number_and_a_wrong_code_get_the_same_answer(licence: Licence) -> None:
    client = Client()
    wrong_code = client.post("/verify/", {"number": licence.number, "code": "AAAA-AAAA-AAAA"})
    wrong_number = client.post(
        "/verify/", {"number": "DE-IEA-2020-999999", "code": licence.verification_code}
    )
    assert wrong_code.status_code == wrong_number.status_code == 200

    def answer(html: bytes) -> str:
        return html.decode().split('role="status"')[1]

    assert answer(wrong_code.content) == answer(wrong_number.content)
    assert verification.NO_MATCH in answer(wrong_code.content)


def test_the_verification_api(licence: Licence) -> None:
    client = Client()
    found = client.get(
        "/api/v1/licences/verify", {"number": licence.number, "code": licence.verification_code}
    ).json()
    assert found["match"] is True
    assert set(found["licence"]) == {
        "number",
        "kind",
        "state",
        "state_description",
        "in_force",
        "valid_from",
        "valid_until",
        "amendment",
        "authority",
        "member_state",
        "holder",
    }
    wrong_code = client.get("/api/v1/licences/verify", {"number": licence.number, "code": "X"})
    wrong_number = client.get(
        "/api/v1/licences/verify", {"number": "NOPE", "code": licence.verification_code}
    )
    assert wrong_code.status_code == wrong_number.status_code == 200
    assert (
        wrong_code.json()
        == wrong_number.json()
        == {
            "match": False,
            "message": verification.NO_MATCH,
            "licence": None,
        }
    )


def test_checks_are_rate_limited_per_address(licence: Licence) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(verification.ATTEMPTS):
        assert client.post("/verify/", {"number": "X", "code": "Y"}).status_code == 200
    limited = client.post("/verify/", {"number": licence.number, "code": licence.verification_code})
    assert limited.status_code == 429
    assert limited["Retry-After"] == "900"
    assert "Acme Surveillance" not in limited.content.decode()
    api = client.get(
        "/api/v1/licences/verify", {"number": licence.number, "code": licence.verification_code}
    )
    assert (api.status_code, api.json()["code"]) == (429, "too_many_attempts")
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert (
        other.post(
            "/verify/", {"number": licence.number, "code": licence.verification_code}
        ).status_code
        == 200
    )
    assert "203.0.113" not in "".join(
        verification.VerificationAttempt.objects.values_list("client", flat=True)
    )
