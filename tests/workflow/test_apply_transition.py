"""The one transition function, on a real model: table, audit event, optimistic locking."""

from __future__ import annotations

import pytest

from licentia.accounts.models import Organisation
from licentia.applications.models import Application
from licentia.applications.states import APPLICATION, ApplicationState, ApplicationTransition
from licentia.audit import services
from licentia.cases.states import CASE
from licentia.errors import IllegalTransition, InvalidInput, StaleObject
from licentia.licences.states import LICENCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def application() -> Application:
    exporter = Organisation.objects.create(name="Acme", kind="exporter", member_state="DE")
    return Application.objects.create(
        organisation=exporter, kind="individual", title="Probes", member_state="DE"
    )


@pytest.mark.parametrize("machine", [APPLICATION, CASE, LICENCE], ids=lambda m: m.name)
def test_every_state_is_reachable_from_the_initial_state(machine) -> None:  # type: ignore[no-untyped-def]
    reached, frontier = {machine.initial}, [machine.initial]
    while frontier:
        state = frontier.pop()
        for name in machine.allowed(state):
            target = machine.target(state, name)
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == machine.states()


def test_a_transition_moves_the_object_and_is_audited(application: Application) -> None:
    target = services.apply_transition(
        application, APPLICATION, ApplicationTransition.SUBMIT, actor=None
    )
    assert target is ApplicationState.SUBMITTED
    application.refresh_from_db()
    assert (application.state, application.version) == ("submitted", 2)
    event = services.history(application)[-1]
    assert (event.action, event.from_state, event.to_state) == (
        "application.submit",
        "draft",
        "submitted",
    )
    assert services.verify().intact


def test_an_illegal_transition_is_a_conflict_and_changes_nothing(application: Application) -> None:
    with pytest.raises(IllegalTransition):
        services.apply_transition(application, APPLICATION, ApplicationTransition.GRANT, actor=None)
    application.refresh_from_db()
    assert (application.state, application.version) == ("draft", 1)
    assert services.history(application) == []


def test_two_people_at_once_one_wins(application: Application) -> None:
    mine = Application.objects.get(pk=application.pk)
    theirs = Application.objects.get(pk=application.pk)
    services.apply_transition(mine, APPLICATION, ApplicationTransition.SUBMIT, actor=None)
    with pytest.raises(StaleObject):
        services.apply_transition(theirs, APPLICATION, ApplicationTransition.WITHDRAW, actor=None)
    application.refresh_from_db()
    assert application.state == "submitted"
    assert len(services.history(application)) == 1


def test_a_refusal_needs_a_reason(application: Application) -> None:
    services.apply_transition(application, APPLICATION, ApplicationTransition.SUBMIT, actor=None)
    with pytest.raises(InvalidInput, match="needs a reason"):
        services.apply_transition(
            application, APPLICATION, ApplicationTransition.REFUSE, actor=None
        )
