"""One message of every coordination type, as `licentia.coordination.outbox` builds them, in an
order that applies: DE notifies a denial and amends it, FR consults DE about it, DE extends and
replies, DE notifies a catch-all requirement, FR reviews it, FR grants despite the denial."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

SCHEMA = "licentia.coordination/1"


def messages(today: date) -> list[tuple[str, str, dict[str, Any]]]:
    """(sending Member State, kind, payload) in order."""
    denial, consultation, catch_all, grant = (uuid.uuid4() for _ in range(4))

    def head(kind: str, state: str) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "message_id": str(uuid.uuid4()),
            "type": kind,
            "sent_at": f"{today.isoformat()}T10:00:00+00:00",
            "member_state": state,
        }

    party = {
        "name": "Okhrana Systems LLC",
        "country": "RU",
        "type": "end-user",
        "address": "Moscow",
    }
    item = {"entry": "5A001.j", "description": "IP network surveillance system", "parameters": {}}
    notice = {
        "id": str(denial),
        "kind": "refusal",
        "member_state": "DE",
        "authority": "BAFA",
        "decided_on": today.isoformat(),
        "notified_on": today.isoformat(),
        "review_due": (today + timedelta(days=3 * 365)).isoformat(),
        "criteria": ["art15-1-b"],
        "reasoning": "Risk of internal repression",
        "items": [item],
        "end_users": [party],
        "consignees": [],
        "destinations": ["RU"],
        "exporter": None,
        "withheld": [],
    }
    return [
        ("DE", "denial-notice", head("denial-notice", "DE") | {"notice": notice}),
        (
            "DE",
            "denial-update",
            head("denial-update", "DE")
            | {
                "transition": "amend",
                "reason": "end user's address corrected",
                "notice": notice | {"reasoning": "Amended"},
            },
        ),
        (
            "FR",
            "consultation-request",
            head("consultation-request", "FR")
            | {
                "consultation": {
                    "id": str(consultation),
                    "kind": "art16-5",
                    "binding": False,
                    "requesting_member_state": "FR",
                    "requesting_authority": "SBDU",
                    "consulted_member_state": "DE",
                    "requested_on": today.isoformat(),
                    "deadline": (today + timedelta(days=14)).isoformat(),
                    "question": "Is this essentially identical to your denial?",
                    "subject": {"end_users": [party], "items": [item]},
                    "denials": [str(denial)],
                }
            },
        ),
        (
            "DE",
            "consultation-extension",
            head("consultation-extension", "DE")
            | {
                "consultation_id": str(consultation),
                "extended_by": 5,
                "deadline": (today + timedelta(days=21)).isoformat(),
                "reason": "Technical assessment pending",
            },
        ),
        (
            "DE",
            "consultation-reply",
            head("consultation-reply", "DE")
            | {
                "consultation_id": str(consultation),
                "outcome": "objection",
                "reply": "Same end user; we object.",
                "replied_on": today.isoformat(),
            },
        ),
        (
            "DE",
            "catch-all-notice",
            head("catch-all-notice", "DE")
            | {
                "notice": {
                    "id": str(catch_all),
                    "basis": "art5-1",
                    "member_state": "DE",
                    "authority": "BAFA",
                    "notified_on": today.isoformat(),
                    "items": [item | {"entry": ""}],
                    "end_users": [party],
                    "destinations": ["RU"],
                    "reasoning": "Facial recognition for a security service",
                }
            },
        ),
        (
            "FR",
            "catch-all-review",
            head("catch-all-review", "FR")
            | {
                "notice_id": str(catch_all),
                "state": "agreed",
                "deadline": (today + timedelta(days=42)).isoformat(),
                "extended_by": 0,
                "comment": "Agreed.",
                "answered_on": today.isoformat(),
            },
        ),
        (
            "FR",
            "grant-despite-denial",
            head("grant-despite-denial", "FR")
            | {
                "grant": {
                    "id": str(grant),
                    "member_state": "FR",
                    "authority": "SBDU",
                    "granted_on": today.isoformat(),
                    "reasons": "Different end use, verified on site",
                    "denials": [str(denial)],
                    "consultations": [str(consultation)],
                }
            },
        ),
    ]
