"""Notifications: one per member, e-mail after commit, the list page, the header count."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role
from licentia.errors import InvalidInput, NotFound
from licentia.notifications import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation() -> Organisation:
    return Organisation.objects.create(
        name="Acme", kind=OrganisationKind.EXPORTER, member_state="DE"
    )


def member(organisation: Organisation, name: str, email: str = ""):
    user = get_user_model().objects.create_user(username=name, password="pw-tests", email=email)
    Membership.objects.create(user=user, organisation=organisation, role=Role.EXPORTER_MEMBER)
    return user


def test_an_organisation_notification_reaches_every_member_and_mails_after_commit(
    organisation, django_capture_on_commit_callbacks, settings
) -> None:
    settings.LICENTIA_SITE_URL = "https://licentia.example"
    alice = member(organisation, "alice", "alice@example.test")
    member(organisation, "bruno")  # no address: in-app only
    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify(
            organisation,
            "The authority asked for information on DE-2026-000001",
            "/applications/1/",
        )
    assert len(made) == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.test"]
    assert message.subject.startswith("Licentia: The authority asked")
    assert "https://licentia.example/applications/1/" in message.body
    assert services.unread_count(alice) == 1


def test_no_mail_when_asked_or_rolled_back(
    organisation, django_capture_on_commit_callbacks
) -> None:
    alice = member(organisation, "alice", "alice@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(alice, "Licence issued", "/licences/1/", email=False)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(alice, "Decision", "/applications/1/")
    assert len(callbacks) == 1  # sent only if the caller's transaction commits
    assert mail.outbox == []


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_links_stay_inside_licentia(organisation, link) -> None:
    with pytest.raises(InvalidInput, match="inside Licentia"):
        services.notify(member(organisation, "alice"), "Hello", link)


def test_list_page_header_count_and_marking_read(client, organisation) -> None:
    alice = member(organisation, "alice")
    bob = member(organisation, "bob")
    (first,) = services.notify(alice, "Decision on DE-2026-000001", "/applications/1/", email=False)
    services.notify(alice, "Licence issued", "", email=False)
    client.force_login(alice)
    page = client.get("/notifications/")
    assert b"Decision on DE-2026-000001" in page.content
    assert b'2<span class="visually-hidden"> unread</span>' in page.content
    opened = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert opened["Location"] == "/applications/1/"
    assert services.unread_count(alice) == 1
    client.post("/notifications/read/")
    assert services.unread_count(alice) == 0
    assert b"unread</span>" not in client.get("/notifications/").content
    client.force_login(bob)
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 404
    with pytest.raises(NotFound):
        services.mark_read(user=bob, notification_id=first.pk)


def test_the_list_needs_sign_in(client) -> None:
    assert client.get("/notifications/").status_code == 302
