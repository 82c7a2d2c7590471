"""The licence's life: the transition table through the services, who may do what, audit,
restrictive decisions recorded for the other Member States, expiry and stale forms."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from licentia.accounts.access import Forbidden
from licentia.accounts.models import Organisation, Role
from licentia.audit.services import history, verify
from licentia.cases.models import RestrictiveDecision
from licentia.errors import Conflict, IllegalTransition, InvalidInput, NotFound, StaleObject
from licentia.licences import services
from licentia.licences.models import Licence
from licentia.licences.states import LICENCE, LicenceState
from tests.licences.conftest import person

pytestmark = pytest.mark.django_db
REASON = "New information on the end user"


def _reload(licence: Licence) -> Licence:
    return Licence.objects.get(pk=licence.pk)


def _apply(
    name: str, licence: Licence, officer: AbstractBaseUser, holder: AbstractBaseUser
) -> None:
    if name == "amend":
        services.amend_licence(licence, actor=officer, reason=REASON, conditions="Report yearly.")
    elif name == "surrender":
        services.surrender_licence(licence, actor=holder)
    elif name == "expire":
        services.expire_licences(today=licence.valid_until + timedelta(days=1))
    elif name == "exhaust":
        for usage in services.line_usage(licence):
            services.record_shipment(
                licence,
                actor=holder,
                position=usage.line.position,
                quantity=usage.remaining_quantity,
                value_eur=usage.remaining_value,
                shipped_on=licence.valid_from,
                consignee="Import Ltda",
                destination="BR",
            )
    else:
        getattr(services, f"{name}_licence")(licence, actor=officer, reason=REASON)


def _bring_to(state: LicenceState, licence: Licence, officer: Any, holder: Any) -> None:
    path = {
        LicenceState.ACTIVE: [],
        LicenceState.SUSPENDED: ["suspend"],
        LicenceState.ANNULLED: ["annul"],
        LicenceState.REVOKED: ["revoke"],
        LicenceState.SURRENDERED: ["surrender"],
        LicenceState.EXPIRED: ["expire"],
        LicenceState.EXHAUSTED: ["exhaust"],
    }[state]
    for name in path:
        _apply(name, licence, officer, holder)


ROWS = [(s, t) for s in LicenceState for t in LICENCE.transitions]


@pytest.mark.parametrize(("state", "transition"), ROWS, ids=[f"{s}-{t}" for s, t in ROWS])
def test_transition_table(
    make_grant: Any,
    officer: AbstractBaseUser,
    exporter_user: AbstractBaseUser,
    state: LicenceState,
    transition: str,
) -> None:
    licence = services.issue_licence(
        make_grant(), actor=officer, valid_from=date.today() - timedelta(days=30)
    )
    _bring_to(state, licence, officer, exporter_user)
    licence = _reload(licence)
    assert licence.status is state
    allowed = transition in LICENCE.allowed(state)
    if allowed:
        _apply(transition, licence, officer, exporter_user)
        assert _reload(licence).status is LICENCE.transition(transition).target  # type: ignore[arg-type]
    elif transition == "expire":  # the job passes over licences not in force
        _apply(transition, licence, officer, exporter_user)
        assert _reload(licence).status is state
    else:  # shipments under a licence not in force are refused, so it cannot be exhausted
        refusal = Conflict if transition == "exhaust" else IllegalTransition
        with pytest.raises(refusal):
            _apply(transition, licence, officer, exporter_user)
        assert _reload(licence).status is state
    assert verify().intact


@pytest.mark.parametrize("name", ["suspend", "annul", "revoke"])
def test_restrictive_decisions_are_recorded_for_the_other_member_states(
    licence: Licence, officer: AbstractBaseUser, name: str
) -> None:
    getattr(services, f"{name}_licence")(licence, actor=officer, reason=REASON, criteria=["cp-2"])
    recorded = RestrictiveDecision.objects.get(licence=licence)
    kinds = {"suspend": "suspension", "annul": "annulment", "revoke": "revocation"}
    assert (recorded.kind, recorded.reason, recorded.criteria) == (kinds[name], REASON, ["cp-2"])
    assert recorded.destinations == ["BR", "IN"]
    event = history(licence)[-1]
    assert (event.action, event.reason, event.to_state) == (
        f"licence.{name}",
        REASON,
        licence.state,
    )


def test_a_reason_is_required(licence: Licence, officer: AbstractBaseUser) -> None:
    with pytest.raises(InvalidInput, match="reason"):
        services.revoke_licence(licence, actor=officer, reason="  ")
    assert _reload(licence).state == "active"
    assert not RestrictiveDecision.objects.exists()


def test_who_may_do_what(
    licence: Licence, officer: AbstractBaseUser, exporter_user: AbstractBaseUser
) -> None:
    with pytest.raises(Forbidden):
        services.revoke_licence(licence, actor=exporter_user, reason=REASON)
    with pytest.raises(Forbidden):
        services.surrender_licence(licence, actor=officer)
    admin = person(licence.authority, "adam", Role.AUTHORITY_ADMINISTRATOR)
    with pytest.raises(Forbidden):
        services.suspend_licence(licence, actor=admin, reason=REASON)
    other = Organisation.objects.create(name="Other authority", kind="authority", member_state="FR")
    with pytest.raises(NotFound):
        services.suspend_licence(
            licence, actor=person(other, "pierre", Role.LICENSING_OFFICER), reason=REASON
        )
    rival = Organisation.objects.create(name="Rival", kind="exporter", member_state="DE")
    with pytest.raises(NotFound):
        services.surrender_licence(licence, actor=person(rival, "rita", Role.EXPORTER_MEMBER))
    assert _reload(licence).state == "active"


def test_an_amendment_counts_and_says_what_changed(
    licence: Licence, officer: AbstractBaseUser
) -> None:
    services.amend_licence(
        licence,
        actor=officer,
        reason="Quantity raised on request",
        conditions="Report each shipment.",
        lines=[services.LineChange(1, Decimal("12"), Decimal("60000.00"))],
    )
    licence = _reload(licence)
    assert (licence.amendment, licence.conditions) == (1, "Report each shipment.")
    assert licence.lines.get(position=1).quantity == Decimal("12")
    event = history(licence)[-1]
    assert event.action == "licence.amend"
    assert event.payload["amendment"] == 1
    assert set(event.payload["changes"]) == {"conditions", "line 1"}
    with pytest.raises(InvalidInput, match="changes nothing"):
        services.amend_licence(
            licence, actor=officer, reason="again", conditions=licence.conditions
        )


def test_amendments_stay_within_limits(licence: Licence, officer: AbstractBaseUser) -> None:
    too_late = services.add_months(licence.valid_from, 24)
    with pytest.raises(InvalidInput, match="at most"):
        services.amend_licence(licence, actor=officer, reason="longer", valid_until=too_late)
    services.amend_licence(
        licence,
        actor=officer,
        reason="shorter",
        valid_until=licence.valid_from + timedelta(days=90),
    )
    with pytest.raises(InvalidInput, match="no line 9"):
        services.amend_licence(
            licence,
            actor=officer,
            reason="x",
            lines=[services.LineChange(9, Decimal(1), Decimal(1))],
        )


def test_a_substantial_limitation_is_recorded(licence: Licence, officer: AbstractBaseUser) -> None:
    services.amend_licence(
        licence,
        actor=officer,
        reason="Line 2 withdrawn in part",
        lines=[services.LineChange(2, Decimal("1"), Decimal("4000.00"))],
        substantial_limitation=True,
        criteria=["art15-1-d"],
    )
    assert RestrictiveDecision.objects.get(licence=licence).kind == "substantial-limitation"


def test_a_stale_form_is_a_conflict(licence: Licence, officer: AbstractBaseUser) -> None:
    seen = licence.version
    services.suspend_licence(_reload(licence), actor=officer, reason=REASON)
    with pytest.raises(StaleObject):
        services.revoke_licence(
            services.as_seen(_reload(licence), seen), actor=officer, reason=REASON
        )
    assert _reload(licence).state == "suspended"
    assert RestrictiveDecision.objects.filter(licence=licence).count() == 1


def test_expiry_is_idempotent_and_leaves_valid_licences(
    make_grant: Any, officer: AbstractBaseUser
) -> None:
    old = services.issue_licence(make_grant(), actor=officer, valid_from=date(2024, 1, 1))
    current = services.issue_licence(make_grant(), actor=officer)
    suspended = services.issue_licence(make_grant(), actor=officer, valid_from=date(2024, 1, 1))
    services.suspend_licence(suspended, actor=officer, reason=REASON)
    expired = services.expire_licences(today=date(2026, 6, 1))
    assert {licence.pk for licence in expired} == {old.pk, suspended.pk}
    assert services.expire_licences(today=date(2026, 6, 1)) == []
    assert _reload(current).state == "active"
    assert [e.actor for e in history(old)][-1] == "system"
