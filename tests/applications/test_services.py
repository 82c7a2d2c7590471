"""Exporter-side rules: drafts, completeness, submission, stale forms, documents, after-care."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from licentia.accounts.models import Organisation, OrganisationKind
from licentia.applications import services
from licentia.applications.models import (
    Application,
    ApplicationParty,
    GoodsLine,
    ReferenceCounter,
)
from licentia.audit.services import history
from licentia.cases import services as cases
from licentia.cases.models import Case, Decision
from licentia.errors import Conflict, IllegalTransition, InvalidInput, StaleObject
from tests.applications.conftest import PDF, MakeDraft

pytestmark = pytest.mark.django_db


def fields(application: Application) -> dict[str, str]:
    return {p.field: p.message for p in services.validate_for_submission(application)}


def test_an_empty_draft_lists_every_missing_piece(exporter_org, alice, control_list) -> None:
    draft = services.create_draft(
        organisation=exporter_org, kind="individual", title="X", user=alice
    )
    problems = services.validate_for_submission(draft)
    messages = " | ".join(p.message for p in problems)
    assert {p.field for p in problems} == {"destinations", "end_use", "goods_lines", "parties"}
    assert "add the end user" in messages
    assert "add the consignee" in messages
    assert "give at least one country of destination" in messages


def test_a_complete_draft_has_no_problems(make_draft: MakeDraft) -> None:
    assert services.validate_for_submission(make_draft()) == []


@pytest.mark.parametrize(
    ("kind", "field", "words"),
    [
        ("global", "internal_compliance_programme", "internal compliance programme"),
        ("large-project", "large_project", "name the large project"),
        ("brokering", "activity", "brokering"),
        ("technical-assistance", "activity", "technical-assistance"),
    ],
)
def test_kind_specific_rules(make_draft: MakeDraft, alice, kind, field, words) -> None:
    draft = make_draft()
    services.update_header(
        application=draft,
        version=draft.version,
        header=services.Header(
            kind=kind, title="X", destinations=["AE"], end_use="Interception", activity="export"
        ),
        user=alice,
    )
    assert words in fields(draft)[field]


def test_missing_end_use_statement_for_cyber_surveillance_items(make_draft: MakeDraft) -> None:
    assert "end-use statement" in fields(make_draft(statement=False))["documents"]
    # A global authorisation names no single end user: no statement is required.
    draft = make_draft(kind="global", statement=False)
    assert "documents" not in fields(draft)


def test_security_end_user_needs_a_statement_even_for_a_non_cyber_item(
    make_draft: MakeDraft, alice
) -> None:
    draft = make_draft(statement=False)
    GoodsLine.objects.filter(application=draft).update(control_entry="5A002.a")
    assert "documents" not in fields(draft)
    ApplicationParty.objects.filter(application=draft, role="end-user").update(type="police")
    assert "documents" in fields(draft)


def test_unknown_entry_non_listed_item_and_destination_checks(make_draft: MakeDraft) -> None:
    draft = make_draft()
    GoodsLine.objects.filter(application=draft).update(control_entry="5A001.zz")
    assert "5A001.zz" in fields(draft)["goods_lines[1].control_entry"]
    GoodsLine.objects.filter(application=draft).update(control_entry="")
    assert "no control entry" in fields(draft)["goods_lines[1].control_entry"]
    Application.objects.filter(pk=draft.pk).update(aware=["human-rights"])
    draft.refresh_from_db()
    assert "goods_lines[1].control_entry" not in fields(draft)
    Application.objects.filter(pk=draft.pk).update(destinations=["AE", "FR"])
    draft.refresh_from_db()
    assert "FR is in the Union" in fields(draft)["destinations"]
    Application.objects.filter(pk=draft.pk).update(destinations=["BR"])
    draft.refresh_from_db()
    assert "not among the destinations" in fields(draft)["parties"]


def test_submit_numbers_the_application_and_opens_the_case(
    make_draft: MakeDraft, authority: Organisation, alice
) -> None:
    draft = make_draft()
    submitted = services.submit(application=draft, version=draft.version, user=alice)
    year = timezone.localdate().year
    assert submitted.reference == f"DE-{year}-000001"
    assert submitted.state == "submitted"
    case = Case.objects.get(application=submitted)
    assert case.authority == authority
    assert case.dossiers.count() == 1
    assert [e.action for e in history(submitted)][-1] == "application.submit"
    second = make_draft()
    assert services.submit(application=second, version=second.version, user=alice).reference == (
        f"DE-{year}-000002"
    )


def test_an_incomplete_submission_changes_nothing(make_draft: MakeDraft, authority, alice) -> None:
    draft = make_draft(statement=False)
    with pytest.raises(services.Incomplete) as refused:
        services.submit(application=draft, version=draft.version, user=alice)
    assert refused.value.status == 422
    assert refused.value.details["problems"] == [
        {"field": "documents", "message": fields(draft)["documents"]}
    ]
    draft.refresh_from_db()
    assert (draft.state, draft.reference) == ("draft", None)
    assert not ReferenceCounter.objects.exists()


def test_a_failure_while_opening_the_case_leaves_nothing_half_saved(
    make_draft: MakeDraft, alice
) -> None:
    draft = make_draft()  # no competent authority is registered for DE
    with pytest.raises(cases.NoCompetentAuthority):
        services.submit(application=draft, version=draft.version, user=alice)
    draft.refresh_from_db()
    assert (draft.state, draft.reference, draft.submitted_at) == ("draft", None, None)
    assert not Case.objects.exists()
    assert not ReferenceCounter.objects.filter(last__gt=0).exists()


def test_stale_forms_are_refused(make_draft: MakeDraft, alice, authority) -> None:
    draft = make_draft()
    read_version = draft.version
    colleague = Application.objects.get(pk=draft.pk)
    services.update_header(
        application=colleague,
        version=read_version,
        header=services.Header(kind="individual", title="Renamed", destinations=["AE"]),
        user=alice,
    )
    with pytest.raises(StaleObject, match="changed since you opened it"):
        services.add_goods_line(
            application=draft,
            version=read_version,
            details=services.GoodsLineDetails(
                quantity=Decimal(1), value_eur=Decimal(1), description="x"
            ),
            user=alice,
        )
    draft.refresh_from_db()
    with pytest.raises(StaleObject):
        services.submit(application=draft, version=read_version, user=alice)
    assert draft.goods_lines.count() == 1


def test_only_drafts_change(make_draft: MakeDraft, alice, authority) -> None:
    draft = make_draft()
    services.submit(application=draft, version=draft.version, user=alice)
    with pytest.raises(Conflict, match="only a draft can be changed"):
        services.remove_goods_line(
            application=draft, version=draft.version, line_id=draft.goods_lines.get().pk, user=alice
        )


@pytest.mark.parametrize(
    ("quantity", "value", "field", "words"),
    [
        ("-1", "10", "quantity", "above 0"),
        ("0", "10", "quantity", "above 0"),
        ("5", "-0.01", "value_eur", "0 or more"),
        ("5", "99999999999", "value_eur", "typing error"),
        ("5000000000", "10", "quantity", "typing error"),
        ("1.2345", "10", "quantity", "decimal places"),
        ("5", "NaN", "value_eur", "must be a number"),
    ],
)
def test_goods_figures_are_bounded(make_draft, alice, quantity, value, field, words) -> None:
    draft = make_draft()
    with pytest.raises(InvalidInput, match=words) as refused:
        services.add_goods_line(
            application=draft,
            version=draft.version,
            details=services.GoodsLineDetails(
                quantity=Decimal(quantity), value_eur=Decimal(value), description="Probe"
            ),
            user=alice,
        )
    assert refused.value.details["field"] == field
    assert draft.goods_lines.count() == 1


def test_goods_line_from_the_catalogue_and_unknown_entries(make_draft, alice, exporter_org) -> None:
    from licentia.products import services as products

    draft = make_draft()
    product = products.create_product(
        organisation=exporter_org, name="Falcon", description="IMSI catcher"
    )
    from licentia.controllists import services as controls

    products.record_classification(
        product=product,
        list_version=controls.get_version(regime=controls.Regime.EU_ANNEX_I),
        entry_path="5A001.f.1",
        answers={},
        rationale="",
        user=alice,
    )
    line = services.add_goods_line(
        application=draft,
        version=draft.version,
        details=services.GoodsLineDetails(
            quantity=Decimal(1), value_eur=Decimal(5), product_id=product.pk
        ),
        user=alice,
    )
    assert (line.control_entry, line.description) == ("5A001.f.1", "Falcon: IMSI catcher")
    with pytest.raises(InvalidInput) as refused:
        services.add_goods_line(
            application=draft,
            version=draft.version,
            details=services.GoodsLineDetails(
                quantity=Decimal(1), value_eur=Decimal(5), description="x", control_entry="9Z999"
            ),
            user=alice,
        )
    assert refused.value.details["field"] == "control_entry"


def test_parties_need_known_countries_and_copies_stay(exporter_org, alice, make_draft) -> None:
    with pytest.raises(InvalidInput, match="Unknown country code") as refused:
        services.create_party(
            organisation=exporter_org,
            details=services.PartyDetails(name="X", country="ZZ", type="private"),
            user=alice,
        )
    assert refused.value.details["field"] == "country"
    party = services.create_party(
        organisation=exporter_org,
        details=services.PartyDetails(name="Gulf Telecom", country="ae", type="telecom-operator"),
        user=alice,
    )
    draft = make_draft()
    copied = services.add_party(
        application=draft,
        version=draft.version,
        details=services.ApplicationPartyDetails(role="intermediary", party_id=party.pk),
        user=alice,
    )
    services.delete_party(party=party, user=alice)
    copied.refresh_from_db()
    assert (copied.name, copied.country, copied.source) == ("Gulf Telecom", "AE", None)


def test_member_state_of_a_non_eu_exporter(alice) -> None:
    foreign = Organisation.objects.create(
        name="US Co", kind=OrganisationKind.EXPORTER, member_state="US"
    )
    with pytest.raises(InvalidInput, match="not established in a Member State") as refused:
        services.create_draft(organisation=foreign, kind="individual", title="X", user=alice)
    assert refused.value.details["field"] == "goods_located_in"
    draft = services.create_draft(
        organisation=foreign, kind="individual", title="X", user=alice, goods_located_in="fr"
    )
    assert draft.member_state == "FR"


# -- documents --------------------------------------------------------------------------------


def upload(draft: Application, user, name: str, content: bytes, kind: str = "supporting"):
    return services.upload_document(
        application=draft,
        version=draft.version,
        kind=kind,
        upload=services.Upload(name, [content]),
        user=user,
    )


def test_a_document_is_stored_privately_under_a_random_name(
    make_draft, alice, private_files
) -> None:
    draft = make_draft(statement=False)
    document = upload(draft, alice, "../../etc/passwd/Ende-Nutzung.pdf", PDF, "end-use-statement")
    assert document.original_name == "Ende-Nutzung.pdf"
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.content_type == "application/pdf"
    stored = private_files / document.file.name
    assert stored.read_bytes() == PDF
    assert "Ende" not in document.file.name
    assert ".." not in document.file.name


@pytest.mark.parametrize(
    ("name", "content", "kind", "words"),
    [
        (
            "statement.pdf",
            b"MZ\x90\x00 this program cannot be run",
            "supporting",
            "Windows program",
        ),
        ("tool.exe", b"\x7fELF\x02\x01", "supporting", "Linux program"),
        ("scan.pdf", b"\x89PNG\r\n\x1a\n....", "supporting", "named .pdf but its content"),
        ("notes.txt", b"plain words", "end-use-statement", "accepted here: PDF document"),
        ("archive.zip", b"PK\x03\x04zip", "supporting", "ZIP archive"),
        ("bad.pdf", b"%PDF-1.4 << /S /JavaScript /JS (app.alert(1)) >>", "supporting", "active"),
        ("empty.pdf", b"", "supporting", "empty"),
    ],
)
def test_wrong_types_are_refused_by_content(make_draft, alice, name, content, kind, words) -> None:
    draft = make_draft(statement=False)
    with pytest.raises(InvalidInput, match=words) as refused:
        upload(draft, alice, name, content, kind)
    assert refused.value.details["field"] == "file"
    assert draft.documents.count() == 0


def test_oversized_documents_are_refused(make_draft, alice, settings, private_files) -> None:
    settings.LICENTIA_UPLOAD_MAX_BYTES = 1024
    draft = make_draft(statement=False)
    with pytest.raises(InvalidInput, match="larger than the 1 KB allowed"):
        upload(draft, alice, "big.pdf", PDF + b"0" * 2048)
    assert draft.documents.count() == 0
    assert not [p for p in private_files.rglob("*") if p.is_file()]


def test_plain_text_is_a_supporting_document(make_draft, alice) -> None:
    draft = make_draft()
    document = upload(draft, alice, "parts list.csv", b"item;qty\nProbe;4\n")
    assert (document.content_type, document.original_name) == ("text/plain", "parts list.csv")


# -- after submission -------------------------------------------------------------------------


def test_withdrawing_closes_the_case(make_draft, alice, authority) -> None:
    draft = make_draft()
    services.submit(application=draft, version=draft.version, user=alice)
    services.withdraw(application=draft, version=draft.version, user=alice, reason="order lost")
    draft.refresh_from_db()
    assert draft.state == "withdrawn"
    assert Case.objects.get(application=draft).state == "closed"
    with pytest.raises(IllegalTransition):
        services.withdraw(application=draft, version=draft.version, user=alice)


def test_answering_a_request_for_information(make_draft, alice, authority, officer) -> None:
    draft = make_draft()
    services.submit(application=draft, version=draft.version, user=alice)
    case = Case.objects.get(application=draft)
    cases.assign(case, to=officer, actor=officer)
    cases.request_information(case, question="Who operates the probes?", actor=officer)
    draft.refresh_from_db()
    assert services.exporter_status(draft).open_request.question == "Who operates the probes?"
    with pytest.raises(InvalidInput):
        services.provide_information(
            application=draft, version=draft.version, answer=" ", user=alice
        )
    services.provide_information(
        application=draft,
        version=draft.version,
        answer="The operator's own security team.",
        user=alice,
        upload=services.Upload("licence.pdf", [PDF]),
    )
    assert draft.state == "submitted"
    case.refresh_from_db()
    assert case.state == "under-review"
    assert draft.documents.filter(kind="information").count() == 1
    assert services.exporter_status(draft).open_request is None
    with pytest.raises(Conflict):
        services.provide_information(
            application=draft, version=draft.version, answer="x", user=alice
        )


def _refused(draft: Application, *, days: int) -> None:
    case = Case.objects.get(application=draft)
    Case.objects.filter(pk=case.pk).update(state="decided")
    Application.objects.filter(pk=draft.pk).update(state="refused")
    Decision.objects.create(
        case=case,
        outcome="refuse",
        reasoning="Risk of use in internal repression.",
        refusal_criteria=["cp-2"],
        appeal_until=timezone.localdate() + timedelta(days=days),
    )
    draft.refresh_from_db()


def test_appeal_within_the_period_only(make_draft, alice, authority) -> None:
    draft = make_draft()
    services.submit(application=draft, version=draft.version, user=alice)
    _refused(draft, days=-1)
    with pytest.raises(Conflict, match="period for an appeal ended"):
        services.appeal(application=draft, version=draft.version, grounds="wrong", user=alice)
    Decision.objects.update(appeal_until=timezone.localdate() + timedelta(days=5))
    status = services.exporter_status(draft)
    assert status.decision.refusal_criteria[0][0] == "cp-2"
    services.appeal(
        application=draft, version=draft.version, grounds="The user changed.", user=alice
    )
    draft.refresh_from_db()
    assert draft.state == "appealed"
    assert Case.objects.get(application=draft).state == "under-review"


# -- reference numbers under concurrency ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reference_numbers_are_unique_under_concurrency() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every write)")
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def take() -> None:
        try:
            start.wait()
            for _ in range(5):
                results.append(services.next_reference(member_state="FR", year=2026))
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [f"FR-2026-{n:06d}" for n in range(1, 41)]


def test_greece_is_numbered_with_its_eu_code() -> None:
    assert services.next_reference(member_state="GR", year=2026) == "EL-2026-000001"
