"""The dossier: each check cites its sources, versions are kept, and list updates re-run the
dossiers of open cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import override_settings

from licentia.cases import services
from licentia.cases.models import Case, RestrictiveKind
from licentia.cases.restrictive import record_restrictive_decision
from licentia.controllists import services as controls
from licentia.partylists import services as lists
from licentia.products.models import Product, ProductClassification
from licentia.screenings import services as screenings
from tests.cases.conftest import MakeCase
from tests.factories import next_version

FIXTURE = Path(__file__).parent.parent / "fixtures" / "screening" / "ftm-small.jsonl"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(DATA_DIR=tmp_path):
        screenings.rebuild_index()
        yield tmp_path


@pytest.mark.django_db
def test_without_lists_nothing_is_called_clear(make_case: MakeCase) -> None:
    dossier = services.latest_dossier(make_case())
    assert dossier is not None
    assert dossier.screening["status"] == "not-screened"
    assert dossier.screening["reason"].startswith("not screened: no list loaded")
    assert [p["status"] for p in dossier.screening["parties"]] == ["not-screened"]
    assert dossier.classification["lines"][0]["status"] == "entry-not-found"
    assert dossier.determination["destinations"][0]["status"] == "not-determined"
    assert "coordination issue" in dossier.prior_denials["note"]
    # Insufficient data is never a rating.
    assert dossier.risk["highest_rating"] is None


@pytest.mark.django_db
def test_every_check_cites_its_sources(
    make_case: MakeCase,
    exporter_org,
    officer: AbstractBaseUser,  # type: ignore[no-untyped-def]
) -> None:
    version = controls.import_curated().list_version
    lists.import_list(FIXTURE, "ftm-json")
    product = Product.objects.create(organisation=exporter_org, name="Probe", description="x")
    ProductClassification.objects.create(
        product=product, list_version=version, entry_path="5A001.j"
    )
    case = make_case(entry="5A001.j", end_user="Beispiel Technik GmbH", destinations=("CH",))
    line = case.application.goods_lines.get()
    line.product = product
    line.control_entry = "5A002.a"
    line.save()
    dossier = services.run_dossier(case, trigger="on demand", actor=officer)
    assert dossier.number == 2
    assert case.dossiers.count() == 2
    checked = dossier.classification["lines"][0]
    assert checked["status"] == "differs-from-product"
    assert "5A001.j" in checked["detail"]
    determined = dossier.determination["destinations"][0]
    assert determined["status"] == "determined", determined
    assert determined["document"]["list_versions"]
    assert dossier.sources["control_lists"]
    party = dossier.screening["parties"][0]
    assert party["status"] == "hits"
    assert party["hits"][0]["source_id"] == "lic-test-ef34gh"
    assert party["hits"][0]["explanation"]
    assert dossier.sources["party_lists"][0]["checksum"]


@pytest.mark.django_db
def test_prior_restrictive_decisions_and_related_cases(
    make_case: MakeCase, officer: AbstractBaseUser
) -> None:
    refused = make_case(end_user="Gulf Telecom Operations")
    record_restrictive_decision(
        kind=RestrictiveKind.REFUSAL,
        case=refused,
        reason="Clear risk.",
        criteria=["cp-2"],
        actor=officer,
    )
    later = make_case(end_user="gulf telecom operations")
    dossier = services.latest_dossier(later)
    assert dossier is not None
    assert dossier.prior_denials["denials"][0]["criteria"] == ["cp-2"]
    related = dossier.related_cases[0]
    assert related["case"] == refused.pk
    assert related["relation"] == ["same exporter", "same end user"]


@pytest.mark.django_db(transaction=True)
def test_a_list_update_reruns_the_open_dossiers(make_case: MakeCase) -> None:
    open_case = make_case(end_user="Beispiel Technik GmbH")
    closed = make_case()
    services.close_on_withdrawal(closed, actor=None)
    lists.import_list(FIXTURE, "ftm-json")
    latest = services.latest_dossier(open_case)
    assert latest is not None
    assert latest.number == 2
    assert latest.trigger.startswith("party list update")
    assert latest.screening["status"] == "hits"
    # The first version is kept as it was.
    assert open_case.dossiers.get(number=1).screening["status"] == "not-screened"
    assert closed.dossiers.count() == 1
    controls.import_curated()
    controls.import_control_list(control_list=next_version())
    assert services.latest_dossier(open_case).trigger.startswith("control list update")  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_the_rerun_is_bounded(make_case: MakeCase) -> None:
    cases = [make_case() for _ in range(3)]
    with override_settings(LICENTIA_DOSSIER_RERUN_LIMIT=2):
        assert services.rerun_open_dossiers(trigger="test") == 2
    counts = [Case.objects.get(pk=c.pk).dossiers.count() for c in cases]
    assert counts == [2, 2, 1]
