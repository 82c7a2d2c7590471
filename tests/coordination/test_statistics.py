"""Monthly decision statistics between deployments: counted and sent once per whole month,
received, and read by the consistency analytics for the states counted elsewhere."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from licentia.accounts.models import Organisation, Role
from licentia.cases.models import Case, Decision, Outcome, RestrictiveKind
from licentia.coordination import analytics, tick
from licentia.coordination.incoming import apply_incoming
from licentia.coordination.models import DecisionStatistics, DenialNotice, OutgoingMessage
from licentia.errors import InvalidInput
from tests.cases.conftest import person
from tests.coordination.conftest import MakeCase

pytestmark = pytest.mark.django_db


def decided(case: Case, officer: AbstractBaseUser, outcome: str, on: date) -> None:
    made = Decision.objects.create(case=case, outcome=outcome, reasoning="x", decided_by=officer)
    noon = timezone.make_aware(datetime(on.year, on.month, on.day, 12))
    Decision.objects.filter(pk=made.pk).update(decided_at=noon)


def sent() -> list[dict[str, Any]]:
    messages = OutgoingMessage.objects.filter(kind="decision-statistics").order_by("pk")
    return [json.loads(json.dumps(m.payload)) for m in messages]


def from_fr(month: str, cells: list[dict[str, Any]], **head: Any) -> dict[str, Any]:
    return {
        "schema": "licentia.coordination/1",
        "message_id": str(uuid.uuid4()),
        "type": "decision-statistics",
        "sent_at": "2026-03-01T06:00:00+00:00",
        "member_state": "FR",
        "statistics": {"id": str(uuid.uuid4()), "month": month, "cells": cells},
    } | head


def test_whole_months_are_counted_and_sent_once(
    make_case: MakeCase, officer_de: AbstractBaseUser
) -> None:
    decided(make_case("DE"), officer_de, Outcome.GRANT, date(2026, 1, 5))
    decided(make_case("DE"), officer_de, Outcome.GRANT, date(2026, 1, 31))
    not_listed = make_case("DE", entry="", destinations=("QA",))
    decided(not_listed, officer_de, Outcome.REFUSE, date(2026, 1, 9))
    later = make_case("DE", entry="3A001.a.1", destinations=("CN",))
    decided(later, officer_de, Outcome.GRANT, date(2026, 3, 2))

    done = tick.tick(today=date(2026, 3, 15))
    assert done.statistics_sent == 2
    assert "2 month(s) of decision statistics sent" in done.summary()
    january, february = sent()
    assert (january["member_state"], january["statistics"]["month"]) == ("DE", "2026-01")
    assert january["statistics"]["cells"] == [
        {"destination": "AE", "category": "5", "granted": 2, "refused": 0},
        {"destination": "QA", "category": "not listed", "granted": 0, "refused": 1},
    ]
    assert february["statistics"]["month"] == "2026-02"
    assert february["statistics"]["cells"] == []  # a month without decisions says so
    # Once per month: later runs send only what has become a whole month.
    assert analytics.send_statistics(today=date(2026, 3, 31)) == []
    [march] = analytics.send_statistics(today=date(2026, 4, 1))
    assert march.cells == [{"destination": "CN", "category": "3", "granted": 1, "refused": 0}]
    assert len(sent()) == 3
    assert OutgoingMessage.objects.filter(kind="decision-statistics").last().recipients == []  # type: ignore[union-attr]


def test_received_months_complete_a_remote_states_rates() -> None:
    """FR is on another deployment: its counted January is read as it is; its refusal notices
    of January are in those counts, the one of February is all that is known of February."""
    by_fr = {"member_state": "FR", "authority_name": "SBDU", "kind": RestrictiveKind.REFUSAL}
    for day, destination in ((date(2026, 1, 20), "AE"), (date(2026, 2, 10), "OM")):
        DenialNotice.objects.create(
            **by_fr,
            decided_on=day,
            notified_on=day,
            review_due=day + timedelta(days=3 * 365),
            items=[{"entry": "5A001.j", "description": "probe"}],
            end_users=[{"name": "Gulf Telecom Operations", "country": destination}],
            destinations=[destination],
        )
    counts = [{"destination": "AE", "category": "5", "granted": 3, "refused": 1}]
    message = from_fr("2026-01", counts)
    applied = apply_incoming("decision-statistics", message, sender="FR")
    assert not applied.duplicate
    assert apply_incoming("decision-statistics", message, sender="FR").duplicate

    rows = {(r["destination"], r["member_state"]): r for r in analytics.report().rates}
    january = rows[("AE", "FR")]
    assert (january["granted"], january["refused"], january["partial"]) == (3, 1, False)
    february = rows[("OM", "FR")]
    assert (february["granted"], february["refused"], february["partial"]) == (0, 1, True)
    assert analytics.report(since=date(2026, 2, 1)).rates == [
        r for r in analytics.report().rates if r["destination"] == "OM"
    ]

    # A corrected month sent again replaces the counts.
    corrected = [{"destination": "AE", "category": "5", "granted": 4, "refused": 1}]
    apply_incoming("decision-statistics", from_fr("2026-01", corrected), sender="FR")
    assert DecisionStatistics.objects.get().cells == corrected


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"statistics": {"id": str(uuid.uuid4()), "month": "2026-13", "cells": []}}, "month"),
        ({"statistics": {"id": str(uuid.uuid4()), "month": "January", "cells": []}}, "month"),
        (
            {
                "statistics": {
                    "id": str(uuid.uuid4()),
                    "month": "2026-01",
                    "cells": [{"destination": "AE", "category": "5", "granted": -1, "refused": 0}],
                }
            },
            "granted",
        ),
        (
            {
                "statistics": {
                    "id": str(uuid.uuid4()),
                    "month": "2026-01",
                    "cells": [{"destination": "AE", "category": "X", "granted": 1, "refused": 0}],
                }
            },
            "category",
        ),
        ({"member_state": "DE"}, "member_state"),
    ],
)
def test_a_bad_statistics_message_changes_nothing(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        apply_incoming("decision-statistics", from_fr("2026-01", []) | change, sender="FR")
    assert field in refused.value.message
    assert not DecisionStatistics.objects.exists()


def test_a_state_counted_here_is_not_overwritten_from_outside(
    make_case: MakeCase, officer_de: AbstractBaseUser, fr: Organisation
) -> None:
    """FR's authority is here: its counts are made here, and a message claiming them is
    refused."""

    officer = person(fr, "fabien", Role.LICENSING_OFFICER)
    decided(make_case("FR"), officer, Outcome.GRANT, date(2026, 1, 5))
    analytics.send_statistics(today=date(2026, 2, 1))
    with pytest.raises(InvalidInput, match="counted on this deployment"):
        apply_incoming("decision-statistics", from_fr("2026-01", []), sender="FR")
    assert DecisionStatistics.objects.get(member_state="FR").cells[0]["granted"] == 1
