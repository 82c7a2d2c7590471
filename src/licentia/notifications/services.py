"""Telling people that something needs them: in the application and by e-mail.

Other apps call `notify` when a case needs the exporter (a request for information, a
decision, a licence issued). E-mail goes through Django's mail backend once the caller's
transaction commits, so a change that is rolled back tells nobody; a failing mail server is
logged and never undoes the change.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from licentia.accounts.models import Organisation
from licentia.errors import InvalidInput, NotFound
from licentia.notifications.models import Notification

log = logging.getLogger(__name__)

MAX_TEXT = 500


def notify(
    recipient: Organisation | AbstractBaseUser, text: str, link: str = "", *, email: bool = True
) -> list[Notification]:
    """Notify a user, or every member of an organisation; returns the notifications made."""
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("a notification needs a text", details={"field": "text"})
    if link and (not link.startswith("/") or link.startswith("//")):
        raise InvalidInput("the link must be a path inside Licentia", details={"field": "link"})
    if isinstance(recipient, Organisation):
        organisation: Organisation | None = recipient
        users = [m.user for m in recipient.memberships.select_related("user")]
    else:
        organisation, users = None, [recipient]
    made = Notification.objects.bulk_create(
        Notification(user=user, organisation=organisation, text=text[:MAX_TEXT], link=link[:300])
        for user in users
    )
    addresses = [u.email for u in users if getattr(u, "email", "") and u.is_active]
    if email and addresses:
        transaction.on_commit(lambda: _send(addresses, text, link), robust=True)
    return made


def _send(addresses: list[str], text: str, link: str) -> None:
    site = getattr(settings, "LICENTIA_SITE_URL", "").rstrip("/")
    body = (
        text
        + (f"\n\n{site}{link}" if link else "")
        + (
            "\n\nYou receive this because your organisation uses Licentia. "
            "Sign in to see your notifications."
        )
    )
    subject = "Licentia: " + (text if len(text) <= 70 else text[:67] + "...")
    # One message per person, so no recipient sees the others' addresses.
    sent = sum(EmailMessage(subject, body, to=[address]).send() for address in addresses)
    log.info("notification e-mailed to %s of %s recipients", sent, len(addresses))


def notifications_for(user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(user: AbstractBaseUser) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: AbstractBaseUser, notification_id: int) -> Notification:
    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(f"no notification {notification_id} of yours")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: AbstractBaseUser) -> int:
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())
