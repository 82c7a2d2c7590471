"""The exporter's pages: editor, review, submission, status, documents, parties, access."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licentia.applications import services
from licentia.applications.models import Application
from licentia.cases import services as cases
from licentia.cases.models import Case, CriterionAssessment, Note
from tests.applications.conftest import PDF, MakeDraft

pytestmark = pytest.mark.django_db


def test_start_a_draft_and_edit_its_details(client, alice, control_list) -> None:
    client.force_login(alice)
    assert b"Applications</a>" in client.get("/applications/").content
    refused = client.post("/applications/new/", {"kind": "individual", "title": " "})
    assert refused.status_code == 422
    assert b"There is a problem" in refused.content
    created = client.post("/applications/new/", {"kind": "individual", "title": "Probes"})
    draft = Application.objects.get()
    assert created["Location"] == f"/applications/{draft.pk}/"
    editor = client.get(created["Location"])
    assert editor.status_code == 200
    assert b"About the application" in editor.content
    bad_country = client.post(
        f"/applications/{draft.pk}/",
        {
            "action": "header",
            "header-version": draft.version,
            "header-kind": "individual",
            "header-title": "Probes",
            "header-activity": "export",
            "header-purpose": "standard",
            "header-destinations": "AE, QQ",
        },
    )
    assert bad_country.status_code == 422
    assert b'href="#id_header-destinations"' in bad_country.content
    assert b"Unknown country code" in bad_country.content
    saved = client.post(
        f"/applications/{draft.pk}/",
        {
            "action": "header",
            "header-version": draft.version,
            "header-kind": "individual",
            "header-title": "Probes",
            "header-activity": "export",
            "header-purpose": "standard",
            "header-destinations": "ae br",
            "header-end_use": "Lawful interception",
            "header-aware": ["human-rights"],
        },
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.destinations, draft.aware, draft.version) == (["AE", "BR"], ["human-rights"], 2)


def test_a_stale_form_is_refused_with_a_clear_message(client, alice, make_draft: MakeDraft) -> None:
    draft = make_draft()
    client.force_login(alice)
    old = draft.version - 1
    response = client.post(
        f"/applications/{draft.pk}/",
        {
            "action": "goods",
            "goods-version": old,
            "goods-description": "Another probe",
            "goods-quantity": "1",
            "goods-unit": "units",
            "goods-value_eur": "10",
        },
    )
    assert response.status_code == 409
    assert b"was changed since you opened it" in response.content
    assert draft.goods_lines.count() == 1


def test_bad_figures_and_uploads_are_shown_on_their_fields(client, alice, make_draft) -> None:
    draft = make_draft()
    client.force_login(alice)
    negative = client.post(
        f"/applications/{draft.pk}/",
        {
            "action": "goods",
            "goods-version": draft.version,
            "goods-description": "Probe",
            "goods-quantity": "-3",
            "goods-unit": "units",
            "goods-value_eur": "10",
        },
    )
    assert negative.status_code == 422
    assert re.search(
        rb'href="#id_goods-quantity">Quantity: the quantity must be above 0', negative.content
    )
    executable = client.post(
        f"/applications/{draft.pk}/",
        {
            "action": "document",
            "document-version": draft.version,
            "document-kind": "supporting",
            "document-file": SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00"),
        },
    )
    assert executable.status_code == 422
    assert b"Windows program" in executable.content
    uploaded = client.post(
        f"/applications/{draft.pk}/",
        {
            "action": "document",
            "document-version": draft.version,
            "document-kind": "supporting",
            "document-file": SimpleUploadedFile("../../invoice.pdf", PDF),
        },
    )
    assert uploaded.status_code == 302
    assert draft.documents.filter(original_name="invoice.pdf").exists()


def test_review_lists_the_problems_then_submits(client, alice, make_draft, authority) -> None:
    draft = make_draft(statement=False)
    client.force_login(alice)
    review = client.get(f"/applications/{draft.pk}/review/")
    assert b"Before you can submit" in review.content
    assert b"Upload the end-use statement" in review.content
    refused = client.post(f"/applications/{draft.pk}/review/", {"version": draft.version})
    assert refused.status_code == 422
    services.upload_document(
        application=draft,
        version=draft.version,
        kind="end-use-statement",
        upload=services.Upload("s.pdf", [PDF]),
        user=alice,
    )
    submitted = client.post(f"/applications/{draft.pk}/review/", {"version": draft.version})
    assert submitted.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "submitted"
    page = client.get(f"/applications/{draft.pk}/")
    assert draft.reference.encode() in page.content
    assert b"Withdraw the application" in page.content


def test_the_exporter_never_sees_the_authoritys_work(
    client, alice, make_draft, authority, officer
) -> None:
    draft = make_draft()
    services.submit(application=draft, version=draft.version, user=alice)
    case = Case.objects.get(application=draft)
    cases.assign(case, to=officer, actor=officer)
    Note.objects.create(case=case, author=officer, text="SECRET-NOTE: check the reseller")
    CriterionAssessment.objects.create(
        case=case, criterion="cp-2", finding="concern", reasoning="SECRET-ASSESSMENT"
    )
    cases.request_information(case, question="Who operates the probes?", actor=officer)
    client.force_login(alice)
    page = client.get(f"/applications/{draft.pk}/")
    assert b"Who operates the probes?" in page.content
    assert b"Answer the authority" in page.content
    for secret in (b"SECRET-NOTE", b"SECRET-ASSESSMENT", b"olga", b"dossier"):
        assert secret not in page.content
    api = client.get(f"/api/v1/applications/{draft.pk}").content
    for secret in (b"SECRET-NOTE", b"SECRET-ASSESSMENT", b"olga", b"dossier", b"assigned"):
        assert secret not in api
    draft.refresh_from_db()
    answered = client.post(
        f"/applications/{draft.pk}/answer/",
        {"version": draft.version, "answer": "Their own security team."},
    )
    assert answered.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_documents_are_served_only_within_reach(client, alice, bob, make_draft) -> None:
    draft = make_draft()
    document = draft.documents.get()
    client.force_login(alice)
    mine = client.get(f"/applications/{draft.pk}/documents/{document.pk}/")
    assert mine.status_code == 200
    assert mine["Content-Disposition"].startswith("attachment")
    assert b"".join(mine.streaming_content) == PDF
    client.force_login(bob)
    assert client.get(f"/applications/{draft.pk}/documents/{document.pk}/").status_code == 404
    assert client.get(f"/applications/{draft.pk}/").status_code == 404
    assert client.get(f"/applications/{draft.pk}/review/").status_code == 404
    removed = client.post(
        f"/applications/{draft.pk}/",
        {"action": "remove-document", "version": draft.version, "item": document.pk},
    )
    assert removed.status_code == 404
    assert draft.documents.count() == 1


def test_authority_users_are_not_exporters(client, officer) -> None:
    client.force_login(officer)
    from licentia.accounts import mfa

    session = client.session
    mfa.mark_passed(session, officer)
    session.save()
    assert client.get("/applications/").status_code == 403


def test_parties_pages(client, alice, bob) -> None:
    client.force_login(alice)
    refused = client.post(
        "/applications/parties/new/", {"name": "Gulf Telecom", "type": "private", "country": "XX"}
    )
    assert refused.status_code == 422
    assert b'href="#id_country"' in refused.content
    client.post(
        "/applications/parties/new/", {"name": "Gulf Telecom", "type": "private", "country": "AE"}
    )
    party = alice.membership.organisation.parties.get()
    assert b"Gulf Telecom" in client.get("/applications/parties/").content
    client.force_login(bob)
    assert client.get(f"/applications/parties/{party.pk}/").status_code == 404
    assert client.post(f"/applications/parties/{party.pk}/delete/").status_code == 404
    client.force_login(alice)
    assert client.post(f"/applications/parties/{party.pk}/delete/").status_code == 302
    assert not alice.membership.organisation.parties.exists()


def test_registration_pages(client, alice, control_list) -> None:
    client.force_login(alice)
    registered = client.post("/applications/registrations/", {"code": "EU001"})
    assert registered.status_code == 302
    again = client.post("/applications/registrations/", {"code": "EU001"})
    assert again.status_code == 409
    assert b"already registered for EU001" in again.content
    detail = client.get(registered["Location"])
    assert b"Usage reports" in detail.content
    report = client.post(
        registered["Location"],
        {"period_start": "2020-01-01", "period_end": "2020-06-30", "lines": ""},
    )
    assert report.status_code == 422
    assert b"before the registration" in report.content
