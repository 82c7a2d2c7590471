"""The access matrix: for every object type and every role, what each may see or do, through
the API (token authentication) and through the pages (signed-in session, second factor
passed), with the status the design gives; and nothing of the authority's internal records
(notes, assessments, dossiers, countersigning) in any response an exporter receives.

One table, `MATRIX`: a row is an object type, a channel, an action and the request; its
expectations name a status per role, with shorthands for groups of roles:

    A           both people of exporter A (the applicant): administrator and member
    B           the administrator of exporter B (another company, in France)
    AUTH        the officer, the senior officer and the administrator of the competent
                authority (Germany)
    FOREIGN     a licensing officer of another authority (France)
    COORD       the coordination role of the competent authority (read-only)
    ANON        nobody signed in

and one key per role (e.g. `senior`, `authority_admin`, `exporter_member_A`) to differ from
its group. "login" means a redirect to the sign-in page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.access.conftest import EXPORTER_ROLES, INTERNAL_MARKERS, ROLES, World
from tests.accounts.support import sign_in

pytestmark = pytest.mark.django_db

_GROUPS = {
    "A": ("exporter-admin-A", "exporter-member-A"),
    "B": ("exporter-B",),
    "AUTH": ("officer", "senior", "authority-admin"),
    "FOREIGN": ("other-officer",),
    "COORD": ("coordination",),
    "ANON": ("anonymous",),
}


@dataclass(frozen=True)
class Row:
    object: str
    channel: str  # "api" (bearer token) or "page" (session)
    action: str
    method: str
    path: str  # with {names} of World.ids
    expected: dict[str, int | str]
    body: dict[str, Any] | None = None
    multipart: bool = False

    @property
    def id(self) -> str:
        return f"{self.object}-{self.channel}-{self.action}"


def row(
    object: str,
    channel: str,
    action: str,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    multipart: bool = False,
    **statuses: int | str,
) -> Row:
    expected: dict[str, int | str] = {}
    for key, status in statuses.items():
        for role in _GROUPS.get(key, ()):
            expected.setdefault(role, status)
    for key, status in statuses.items():
        if key not in _GROUPS:
            expected[key.replace("_", "-")] = status
    missing = set(ROLES) - set(expected)
    assert not missing, f"{object} {channel} {action}: no expectation for {sorted(missing)}"
    return Row(object, channel, action, method, path, expected, body, multipart)


TODAY = date.today().isoformat()
# The exporter's side: its own data only; authorities have no business on these endpoints.
EXPORTER_ONLY = {"A": 200, "B": 404, "AUTH": 403, "FOREIGN": 403, "COORD": 403}
# The authority's side: the competent authority's officers only; nobody else learns it exists.
AUTHORITY_READ = {"A": 404, "B": 404, "AUTH": 200, "FOREIGN": 404, "COORD": 404}
CASEWORK = {**AUTHORITY_READ, "authority_admin": 403}
# Both sides: the holder's people and the competent authority's officers.
BOTH = {"A": 200, "B": 404, "AUTH": 200, "FOREIGN": 404, "COORD": 404}

MATRIX = [
    # -- applications and their goods lines, parties and documents
    row(
        "application",
        "api",
        "read",
        "GET",
        "/api/v1/applications/{granted_app}",
        **EXPORTER_ONLY,
        ANON=401,
    ),
    row(
        "application",
        "page",
        "read",
        "GET",
        "/applications/{granted_app}/",
        **EXPORTER_ONLY,
        ANON="login",
    ),
    row(
        "application",
        "api",
        "answer-request",
        "POST",
        "/api/v1/applications/{waiting_app}/information",
        body={"answer": "Our staff operate it.", "version": "{waiting_version}"},
        multipart=True,
        **{**EXPORTER_ONLY, "A": 200},
        ANON=401,
    ),
    row(
        "goods-line",
        "api",
        "add",
        "POST",
        "/api/v1/applications/{draft_app}/goods-lines",
        body={
            "version": "{draft_version}",
            "control_entry": "5A002.a",
            "quantity": "1",
            "value_eur": "10",
            "description": "Encryption module",
        },
        **{**EXPORTER_ONLY, "A": 201},
        ANON=401,
    ),
    row(
        "goods-line",
        "page",
        "add",
        "POST",
        "/applications/{draft_app}/",
        body={
            "action": "goods",
            "goods-version": "{draft_version}",
            "goods-control_entry": "5A002.a",
            "goods-quantity": "1",
            "goods-value_eur": "10",
            "goods-description": "Encryption module",
            "goods-unit": "units",
        },
        **{**EXPORTER_ONLY, "A": 302},
        ANON="login",
    ),
    row("party", "api", "read", "GET", "/api/v1/parties/{party}", **EXPORTER_ONLY, ANON=401),
    row(
        "party",
        "page",
        "read",
        "GET",
        "/applications/parties/{party}/",
        **EXPORTER_ONLY,
        ANON="login",
    ),
    row(
        "document",
        "page",
        "download",
        "GET",
        "/applications/{granted_app}/documents/{document}/",
        **BOTH,
        ANON="login",
    ),
    # -- the authority's case, its dossier, notes, assessments, recommendation, decision
    row("case", "api", "read", "GET", "/api/v1/cases/{granted_case}", **AUTHORITY_READ, ANON=401),
    row("case", "page", "read", "GET", "/cases/{granted_case}/", **AUTHORITY_READ, ANON="login"),
    row(
        "case",
        "api",
        "queue",
        "GET",
        "/api/v1/cases/",
        **{**AUTHORITY_READ, "FOREIGN": 200},
        ANON=401,
    ),
    row(
        "case",
        "page",
        "queue",
        "GET",
        "/cases/",
        **{**AUTHORITY_READ, "FOREIGN": 200},
        ANON="login",
    ),
    row(
        "dossier",
        "api",
        "read",
        "GET",
        "/api/v1/cases/{granted_case}/dossiers",
        **AUTHORITY_READ,
        ANON=401,
    ),
    row(
        "dossier",
        "api",
        "rerun",
        "POST",
        "/api/v1/cases/{review_case}/dossiers",
        **{**CASEWORK, "AUTH": 201},
        ANON=401,
    ),
    row(
        "note",
        "api",
        "add",
        "POST",
        "/api/v1/cases/{granted_case}/notes",
        body={"text": "Checked."},
        **{**CASEWORK, "AUTH": 201},
        ANON=401,
    ),
    row(
        "note",
        "page",
        "add",
        "POST",
        "/cases/{granted_case}/note/",
        body={"text": "Checked."},
        **{**CASEWORK, "AUTH": 302},
        ANON="login",
    ),
    row(
        "assessment",
        "api",
        "assess",
        "PUT",
        "/api/v1/cases/{review_case}/assessments",
        body={"criterion": "cp-7", "finding": "no-concern", "reasoning": "Low risk."},
        **CASEWORK,
        ANON=401,
    ),
    row(
        "recommendation",
        "api",
        "recommend",
        "POST",
        "/api/v1/cases/{review_case}/recommendation",
        body={"outcome": "grant", "reasoning": "Fine.", "validity_months": 12},
        **{**CASEWORK, "AUTH": 201},
        ANON=401,
    ),
    row(
        "recommendation",
        "api",
        "countersign",
        "POST",
        "/api/v1/cases/{countersign_case}/countersign",
        body={"comment": "Agreed."},
        **{**CASEWORK, "officer": 403},
        ANON=401,
    ),
    row(
        "decision",
        "api",
        "decide",
        "POST",
        "/api/v1/cases/{ready_case}/decision",
        body={},
        **{**CASEWORK, "AUTH": 201},
        ANON=401,
    ),
    # -- licences and shipments
    row("licence", "api", "read", "GET", "/api/v1/licences/{shipped_licence}", **BOTH, ANON=401),
    row("licence", "page", "read", "GET", "/licences/{shipped_licence}/", **BOTH, ANON="login"),
    row(
        "licence",
        "page",
        "pdf",
        "GET",
        "/licences/{shipped_licence}/licence.pdf",
        **BOTH,
        ANON="login",
    ),
    row(
        "licence",
        "api",
        "suspend",
        "POST",
        "/api/v1/licences/{active_licence}/suspend",
        body={"reason": "Checking reports."},
        **{**BOTH, "A": 403, "authority_admin": 403},
        ANON=401,
    ),
    row(
        "shipment",
        "api",
        "read",
        "GET",
        "/api/v1/licences/{shipped_licence}/shipments",
        **BOTH,
        ANON=401,
    ),
    row(
        "shipment",
        "api",
        "record",
        "POST",
        "/api/v1/licences/{active_licence}/shipments",
        body={
            "line": 1,
            "quantity": "1",
            "value_eur": "100",
            "shipped_on": TODAY,
            "consignee": "Operadora Exemplo S.A.",
            "destination": "BR",
        },
        **{**BOTH, "A": 201, "AUTH": 403},
        ANON=401,
    ),
    # -- notifications, UGEA registrations and their usage reports, API tokens
    row(
        "notification",
        "page",
        "list",
        "GET",
        "/notifications/",
        A=200,
        B=200,
        AUTH=200,
        FOREIGN=200,
        COORD=200,
        ANON="login",
    ),
    row(
        "notification",
        "page",
        "mark-read",
        "POST",
        "/notifications/{notification}/read/",
        A=404,
        exporter_admin_A=302,
        B=404,
        AUTH=404,
        FOREIGN=404,
        COORD=404,
        ANON="login",
    ),
    row(
        "registration",
        "api",
        "read",
        "GET",
        "/api/v1/registrations/{registration}",
        **EXPORTER_ONLY,
        ANON=401,
    ),
    row(
        "registration",
        "page",
        "read",
        "GET",
        "/applications/registrations/{registration}/",
        **EXPORTER_ONLY,
        ANON="login",
    ),
    # Exporter A's report for today exists: its people get the overlap (409), nobody else
    # learns even that.
    row(
        "usage-report",
        "api",
        "submit",
        "POST",
        "/api/v1/registrations/{registration}/reports",
        body={"period_start": TODAY, "period_end": TODAY, "lines": []},
        **{**EXPORTER_ONLY, "A": 409},
        ANON=401,
    ),
    row(
        "api-token",
        "page",
        "revoke",
        "POST",
        "/accounts/tokens/{token}/revoke/",
        A=404,
        exporter_admin_A=302,
        B=404,
        AUTH=404,
        FOREIGN=404,
        COORD=404,
        ANON="login",
    ),
    row(
        "api-token",
        "api",
        "use",
        "GET",
        "/api/v1/licences/",
        A=200,
        B=200,
        AUTH=200,
        FOREIGN=200,
        COORD=200,
        ANON=401,
    ),
]

CELLS = [pytest.param(r, role, id=f"{r.id}-{role}") for r in MATRIX for role in ROLES]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _request(world: World, r: Row, role: str) -> Any:
    user = world.user(role)
    path = _fill(r.path, world.ids)
    body = _fill(r.body, world.ids) if r.body is not None else None
    client = Client()
    headers: dict[str, str] = {}
    if r.channel == "api":
        if user is not None:
            headers["Authorization"] = f"Bearer {world.tokens[user.get_username()]}"
    elif user is not None:
        sign_in(client, user)
    method = getattr(client, r.method.lower())
    if r.method == "GET":
        return method(path, headers=headers)
    if r.multipart or r.channel == "page":
        return method(path, body or {}, headers=headers)
    return method(path, body or {}, content_type="application/json", headers=headers)


def _content(response: Any) -> bytes:
    """The body; a file sent in a stream is read to the end, which closes it (the test
    client's wrapper does, without closing the database connection as `close()` would)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.parametrize(("r", "role"), CELLS)
def test_access(world: World, r: Row, role: str) -> None:
    response = _request(world, r, role)
    content = _content(response)
    expected = r.expected[role]
    if expected == "login":
        assert response.status_code == 302, content[:300]
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == expected, (
        f"{role} {r.method} {r.path}: {response.status_code} {content[:300]!r}"
    )
    if role in EXPORTER_ROLES:
        _no_internal_records(content)


# -- nothing internal in what exporters receive ------------------------------------------------

EXPORTER_VIEWS = [
    "/api/v1/applications/",
    "/api/v1/applications/{granted_app}",
    "/api/v1/applications/{waiting_app}",
    "/api/v1/licences/",
    "/api/v1/licences/{shipped_licence}",
    "/api/v1/licences/{shipped_licence}/shipments",
    "/applications/",
    "/applications/{granted_app}/",
    "/applications/{waiting_app}/",
    "/licences/",
    "/licences/{shipped_licence}/",
    "/notifications/",
]


def _no_internal_records(content: bytes) -> None:
    text = html.unescape(content.decode("utf-8", errors="replace"))
    leaked = [marker for marker in INTERNAL_MARKERS if marker.lower() in text.lower()]
    assert not leaked, f"internal records in an exporter's response: {leaked}"


@pytest.mark.parametrize("role", ["exporter-admin-A", "exporter-member-A"])
@pytest.mark.parametrize("path", EXPORTER_VIEWS)
def test_exporters_never_see_internal_records(world: World, path: str, role: str) -> None:
    user = world.user(role)
    assert user is not None
    if path.startswith("/api/"):
        token = world.tokens[user.get_username()]
        response = Client().get(
            _fill(path, world.ids), headers={"Authorization": f"Bearer {token}"}
        )
    else:
        response = sign_in(Client(), user).get(_fill(path, world.ids))
    assert response.status_code == 200
    _no_internal_records(response.content)


def test_the_authority_does_see_them(world: World) -> None:
    """The markers are there to be found: the officer's case page shows them all."""
    from tests.access.conftest import ASSESSMENT_MARKER, NOTE_MARKER

    officer = world.user("officer")
    assert officer is not None
    page = sign_in(Client(), officer).get(f"/cases/{world.ids['review_case']}/")
    text = html.unescape(page.content.decode())
    assert NOTE_MARKER in text
    assert ASSESSMENT_MARKER in text
    assert "dossier" in text.lower()


def test_exporter_b_lists_nothing_of_exporter_a(world: World) -> None:
    user = world.user("exporter-B")
    assert user is not None
    headers = {"Authorization": f"Bearer {world.tokens[user.get_username()]}"}
    client = Client()
    applications = client.get("/api/v1/applications/", headers=headers).json()
    licences = client.get("/api/v1/licences/", headers=headers).json()
    ids = world.ids
    assert ids["granted_app"] not in {a["id"] for a in applications}
    assert ids["shipped_licence"] not in {licence["id"] for licence in licences}
    assert applications  # B has its own
