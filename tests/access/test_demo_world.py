"""The demo the access matrix runs on: cases in every state of the three machines, built
through the services, with an intact audit chain."""

from __future__ import annotations

import pytest

from licentia.accounts.models import Organisation, OrganisationKind
from licentia.applications.models import Application, Party
from licentia.applications.states import ApplicationState
from licentia.audit.services import history, verify
from licentia.cases.models import Case, DossierVersion, Recommendation
from licentia.cases.states import CaseState
from licentia.licences.models import Licence, Shipment
from licentia.licences.states import LicenceState
from licentia.products.models import Product
from tests.access.conftest import World

pytestmark = pytest.mark.django_db


def test_exporters_in_several_member_states(world: World) -> None:
    exporters = Organisation.objects.filter(kind=OrganisationKind.EXPORTER)
    assert {e.member_state for e in exporters} >= {"DE", "FR", "NL"}
    for exporter in exporters:
        assert Product.objects.filter(organisation=exporter).exists(), exporter
        assert Party.objects.filter(organisation=exporter).exists(), exporter


def test_every_state_of_every_machine(world: World) -> None:
    assert set(Application.objects.values_list("state", flat=True)) == {
        s.value for s in ApplicationState
    }
    # A recommendation moves on at once, to countersigning or to the decision, in the same
    # transaction: no case rests in RECOMMENDED.
    assert set(Case.objects.values_list("state", flat=True)) == {
        s.value for s in CaseState if s is not CaseState.RECOMMENDED
    }
    assert set(Licence.objects.values_list("state", flat=True)) == {s.value for s in LicenceState}
    assert Shipment.objects.count() >= 3
    assert Case.objects.filter(authority__member_state="DE").count() >= 25


def test_built_through_the_services(world: World) -> None:
    for case in Case.objects.all():
        assert DossierVersion.objects.filter(case=case).exists(), case
        assert history(case), case
    countersigned = Recommendation.objects.filter(countersigned_at__isnull=False)
    assert countersigned.exists()
    assert verify().problems == ()
