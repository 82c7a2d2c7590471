"""The denial register: its filters, its pages, and the catch-all and grant lists' pages, in the
API and on the console. Exporters still see none of it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from licentia.coordination import views
from licentia.coordination.models import CatchAllNotice, DenialNotice, GrantDespiteDenial
from tests.cases.test_api import client_for
from tests.coordination.conftest import MakeCase, refuse

pytestmark = pytest.mark.django_db
API = "/api/v1/coordination"


def received(
    label: str,
    *,
    member_state: str = "FR",
    kind: str = "refusal",
    state: str = "valid",
    notified_on: date = date(2024, 5, 1),
    entries: tuple[str, ...] = ("5A001.j",),
    destinations: tuple[str, ...] = ("AE",),
    end_users: tuple[str, ...] = (),
    consignees: tuple[str, ...] = (),
) -> DenialNotice:
    """A notice as another deployment sends it; `label` is its reasoning, to tell them apart."""
    return DenialNotice.objects.create(
        kind=kind,
        state=state,
        member_state=member_state,
        authority_name=f"Authority of {member_state}",
        decided_on=notified_on - timedelta(days=2),
        notified_on=notified_on,
        review_due=notified_on + timedelta(days=3 * 365),
        reasoning=label,
        items=[{"entry": e, "description": "equipment"} for e in entries],
        end_users=[{"name": n, "country": destinations[0]} for n in end_users],
        consignees=[{"name": n, "country": destinations[0]} for n in consignees],
        destinations=list(destinations),
    )


@pytest.fixture
def register() -> dict[str, DenialNotice]:
    """Five notices of four Member States, each with something the others lack."""
    notices = [
        received(
            "a",
            notified_on=date(2024, 3, 1),
            entries=("5A001.j",),
            end_users=("Gulf Telecom Operations",),
            consignees=("Dubai Freight",),
        ),
        received(
            "b",
            member_state="DE",
            kind="annulment",
            state="amended",
            notified_on=date(2025, 1, 15),
            entries=("5A001.j.1", "4A005"),
            destinations=("RU", "BY"),
            end_users=("Okhrana Systems LLC",),
        ),
        received(
            "c",
            member_state="NL",
            kind="revocation",
            notified_on=date(2024, 9, 10),
            entries=("5A001.b.10",),
            destinations=("CN",),
            end_users=("Straße Vision GmbH",),
            consignees=("Gulf Logistics",),
        ),
        received(
            "d",
            member_state="GR",
            state="revoked",
            notified_on=date(2023, 6, 30),
            entries=("5A002.a", ""),
            end_users=("Hellenic Watch",),
        ),
        received(
            "e",
            kind="suspension",
            notified_on=date(2025, 6, 1),
            entries=("5A001.b.1",),
            destinations=("IR",),
            end_users=("Tehran Data Centre",),
        ),
    ]
    return {n.reasoning: n for n in notices}


def listed(client: Client, query: str, path: str = "denials") -> dict[str, Any]:
    response = client.get(f"{API}/{path}?{query}")
    assert response.status_code == 200, response.content
    return dict(response.json())


def labels(answer: dict[str, Any]) -> list[str]:
    return [d["reasoning"] for d in answer["denials"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["e", "b", "c", "a", "d"]),  # newest first
        ("member_state=FR", ["e", "a"]),
        ("member_state=fr", ["e", "a"]),
        ("member_state=EL", ["d"]),  # the EU's code for Greece; stored as GR
        ("destination=AE", ["a", "d"]),
        ("destination=by", ["b"]),  # the second destination of the notice
        ("destination=ARE", ["a", "d"]),  # alpha-3
        ("entry=5A001", ["e", "b", "c", "a"]),  # not 5A002.a
        ("entry=5A001.j", ["b", "a"]),  # 5A001.j.1 is below 5A001.j
        ("entry=5a001.J", ["b", "a"]),
        ("entry=5A001.b.1", ["e"]),  # not 5A001.b.10
        ("entry=4A", ["b"]),  # part of a code: every code that starts with it
        ("entry=5A002.", ["d"]),
        ("q=gulf", ["c", "a"]),  # a's end user, c's consignee
        ("q=DUBAI", ["a"]),
        ("q=strasse", ["c"]),  # case folded: ß is ss
        ("q=okhrana%20%20systems", ["b"]),
        ("q=Hellenic%20Telecom", []),
        ("kind=annulment", ["b"]),
        ("state=revoked", ["d"]),
        ("notified_since=2025-01-15", ["e", "b"]),  # inclusive
        ("notified_until=2024-03-01", ["a", "d"]),  # inclusive
        ("notified_since=2024-01-01&notified_until=2024-12-31", ["c", "a"]),
        ("destination=AE&entry=5A001", ["a"]),
        ("q=gulf&member_state=NL", ["c"]),
        ("q=gulf&entry=5A001.j&kind=refusal", ["a"]),
        ("scope=mine", ["b"]),
        ("scope=others&state=valid", ["e", "c", "a"]),
    ],
)
def test_each_filter_finds_its_notices_and_not_the_others(
    register: dict[str, DenialNotice], officer_de: AbstractBaseUser, query: str, expected: list[str]
) -> None:
    answer = listed(client_for(officer_de), query)
    assert labels(answer) == expected
    assert answer["count"] == len(expected)


def test_a_notified_refusal_is_found_by_its_entry_destination_and_parties(
    make_case: MakeCase, officer_fr: AbstractBaseUser, coordinator_de: AbstractBaseUser
) -> None:
    made = refuse(make_case("FR", consignee="Dubai Freight Services"), officer_fr)
    received("other", entries=("3A001",), destinations=("SA",), end_users=("Riyadh Net",))
    client = client_for(coordinator_de)
    for query in ("entry=5A001", "destination=AE", "q=freight%20services", "q=gulf%20telecom"):
        answer = listed(client, f"member_state=FR&{query}")
        assert [d["uid"] for d in answer["denials"]] == [str(made.uid)], query


@pytest.mark.parametrize("query", ["", "q=Name"])  # filtered in SQL, or partly in Python
def test_pages_cover_the_register_once_and_say_how_many_there_are(
    officer_de: AbstractBaseUser, query: str
) -> None:
    for n in range(7):
        received(f"n{n}", notified_on=date(2025, 1, 1 + n), end_users=(f"Name {n}",))
    received("unnamed", notified_on=date(2025, 2, 1), end_users=("Someone else",))
    everything = 7 if query else 8
    client = client_for(officer_de)
    pages = [listed(client, f"{query}&per_page=3&page={p}") for p in (1, 2, 3, 4)]
    assert [(a["count"], a["page"], a["per_page"]) for a in pages] == [
        (everything, p, 3) for p in (1, 2, 3, 4)
    ]
    assert [len(a["denials"]) for a in pages] == [3, 3, everything - 6, 0]
    seen = [label for a in pages for label in labels(a)]
    assert seen == labels(listed(client, f"{query}&per_page=200"))
    assert len(seen) == len(set(seen)) == everything
    assert seen[:2] == (["n6", "n5"] if query else ["unnamed", "n6"])
    beyond = listed(client, f"{query}&page=99")
    assert (beyond["count"], beyond["denials"]) == (everything, [])
    assert listed(client, query)["per_page"] == 50


@pytest.mark.parametrize("path", ["denials", "catch-alls", "grants-despite-denial"])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("per_page=ten", "per_page"),
        ("page=0", "page"),
        ("page=100001", "page"),
        ("page=99999999999999999999999", "page"),
    ],
)
def test_page_sizes_out_of_bounds_are_refused(
    officer_de: AbstractBaseUser, path: str, query: str, field: str
) -> None:
    response = client_for(officer_de).get(f"{API}/{path}?{query}")
    assert response.status_code == 422
    assert response.json()["details"]["field"] == field


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("state=lapsed", "state", "valid, amended"),
        ("kind=warning", "kind", "refusal, annulment"),
        ("scope=everyone", "scope", "mine, others, all"),
        ("member_state=ZZ", "member_state", "Unknown country code 'ZZ'"),
        ("member_state=US", "member_state", "not an EU Member State"),
        ("member_state=GB", "member_state", "no longer an EU Member State"),
        ("destination=A1", "destination", "Unknown country code 'A1'"),
        ("destination=Iran", "destination", "Unknown country code"),
        ("entry=5A001%20j", "entry", "not a control entry"),
        ("entry=%25", "entry", "not a control entry"),
        ("q=" + "x" * 201, "q", "at most 200"),
        ("notified_since=2025-02-01&notified_until=2025-01-31", "notified_until", "before"),
        ("notified_since=2025-02-30", "notified_since", "valid date"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(
    register: dict[str, DenialNotice],
    officer_de: AbstractBaseUser,
    query: str,
    field: str,
    says: str,
) -> None:
    response = client_for(officer_de).get(f"{API}/denials?{query}")
    assert response.status_code == 422
    error = response.json()
    assert error["details"]["field"] == field
    assert field in error["message"]
    assert says in error["message"]


def test_catch_alls_and_grants_come_a_page_at_a_time(
    register: dict[str, DenialNotice], officer_de: AbstractBaseUser
) -> None:
    for n in range(3):
        CatchAllNotice.objects.create(
            basis="art5-1",
            member_state="FR",
            authority_name="SBDU",
            notified_on=date(2025, 1, 1 + n),
            reasoning=f"catch-all {n}",
        )
        grant = GrantDespiteDenial.objects.create(
            member_state="NL",
            authority_name="CDIU",
            granted_on=date(2025, 3, 1 + n),
            reasons=f"grant {n}",
        )
        grant.denials.add(register["a"])
    client = client_for(officer_de)
    first = listed(client, "per_page=2", path="catch-alls")
    assert (first["count"], first["page"], first["per_page"]) == (3, 1, 2)
    assert [c["reasoning"] for c in first["catch_alls"]] == ["catch-all 2", "catch-all 1"]
    last = listed(client, "per_page=2&page=2", path="catch-alls")
    assert [c["reasoning"] for c in last["catch_alls"]] == ["catch-all 0"]
    grants = listed(client, "per_page=2&page=2", path="grants-despite-denial")
    assert (grants["count"], [g["reasons"] for g in grants["grants"]]) == (3, ["grant 0"])
    assert grants["grants"][0]["denials"] == [str(register["a"].uid)]
    beyond = listed(client, "page=3&per_page=2", path="grants-despite-denial")
    assert (beyond["count"], beyond["grants"]) == (3, [])


def test_an_exporter_gets_404_on_every_list_whatever_it_asks(
    register: dict[str, DenialNotice],
    exporter_user_de: AbstractBaseUser,
    exporter_user_fr: AbstractBaseUser,
) -> None:
    for user in (exporter_user_de, exporter_user_fr):
        client = client_for(user)
        for path in (
            f"{API}/denials?q=Gulf&member_state=FR&entry=5A001&page=1&per_page=10",
            f"{API}/denials?state=bogus",
            f"{API}/catch-alls?page=2",
            f"{API}/grants-despite-denial?per_page=10",
            "/coordination/?q=Gulf&destination=AE",
            "/coordination/?destination=ZZ",
            "/coordination/?page=2",
            "/coordination/catch-all/?page=2",
            "/coordination/grants-despite-denial/?page=2",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "Gulf" not in response.content.decode(), path
    assert Client().get(f"{API}/denials?q=Gulf").status_code == 401


def test_the_register_page_has_the_filters_and_pages_through_the_results(
    register: dict[str, DenialNotice],
    coordinator_de: AbstractBaseUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 2)
    client = client_for(coordinator_de)
    empty = client.get("/coordination/").content.decode()
    for name in (
        "q",
        "scope",
        "member_state",
        "destination",
        "entry",
        "kind",
        "state",
        "notified_since",
        "notified_until",
    ):
        assert f'<label for="id_{name}">' in empty, name
        assert f'id="id_{name}"' in empty, name
    assert "Showing 1–2 of 5 (page 1 of 3)." in empty
    assert 'href="?page=2" rel="next">Next page</a>' in empty
    assert "Previous page" not in empty

    first = client.get("/coordination/?entry=5A001&scope=all").content.decode()
    assert "Showing 1–2 of 4 (page 1 of 2)." in first
    assert 'href="?entry=5A001&amp;scope=all&amp;page=2" rel="next"' in first
    assert "Tehran Data Centre" in first
    assert "Okhrana Systems LLC" in first
    assert "Gulf Telecom Operations" not in first
    second = client.get("/coordination/?entry=5A001&scope=all&page=2").content.decode()
    assert "Showing 3–4 of 4 (page 2 of 2)." in second
    assert 'href="?entry=5A001&amp;scope=all&amp;page=1" rel="prev">Previous page</a>' in second
    assert "Next page" not in second
    assert "Gulf Telecom Operations" in second
    assert "Straße Vision GmbH" in second
    assert 'value="5A001"' in second  # the filter stays filled in

    found = client.get("/coordination/?q=gulf&destination=CN").content.decode()
    assert "Showing 1–1 of 1." in found
    assert "Straße Vision GmbH" in found
    none = client.get("/coordination/?q=nobody").content.decode()
    assert "No denial notice matches these filters." in none
    assert "Showing" not in none


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("destination=ZZ", "destination", "Unknown country code"),
        ("notified_since=2025-02-01&notified_until=2025-01-01", "notified_until", "before"),
        ("notified_since=yesterday", "notified_since", "Enter a valid date"),
        ("kind=warning", "kind", "Select a valid choice"),
    ],
)
def test_a_bad_filter_on_the_page_is_shown_at_its_field(
    register: dict[str, DenialNotice],
    officer_de: AbstractBaseUser,
    query: str,
    field: str,
    says: str,
) -> None:
    response = client_for(officer_de).get(f"/coordination/?{query}")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Check the filters marked below." in page
    (widget,) = re.findall(rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', page)
    assert 'aria-invalid="true"' in widget
    assert says in page
    assert "Gulf Telecom Operations" not in page  # no results under a refused filter


def test_the_catch_all_and_grant_pages_page(
    register: dict[str, DenialNotice],
    officer_de: AbstractBaseUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for n in range(3):
        CatchAllNotice.objects.create(
            basis="art5-1",
            member_state="FR",
            authority_name="SBDU",
            notified_on=date(2025, 1, 1 + n),
            destinations=[f"X{n}"],
            reasoning="x",
        )
        GrantDespiteDenial.objects.create(
            member_state="NL",
            authority_name="CDIU",
            granted_on=date(2025, 3, 1 + n),
            reasons=f"Reasons {n}",
        )
    client = client_for(officer_de)
    catch_alls = client.get("/coordination/catch-all/?page=2").content.decode()
    assert "Showing 3–3 of 3 (page 2 of 2)." in catch_alls
    assert 'href="?page=1" rel="prev"' in catch_alls
    assert "<td>X0</td>" in catch_alls
    assert "<td>X2</td>" not in catch_alls
    assert "Impose a catch-all requirement" in catch_alls  # the officer's form is still there
    grants = client.get("/coordination/grants-despite-denial/").content.decode()
    assert "Showing 1–2 of 3 (page 1 of 2)." in grants
    assert 'href="?page=2" rel="next"' in grants
    assert "Reasons 2" in grants
    assert "Reasons 0" not in grants
