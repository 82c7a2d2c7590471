"""What the coordination services share: the local authorities, telling them, the clock."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from licentia.accounts.models import Organisation, OrganisationKind
from licentia.audit.services import Actor
from licentia.notifications.services import notify


def today_or(today: date | None) -> date:
    """The day a service acts on: `today` when a test or the scheduled job passes one."""
    return today or timezone.localdate()


def authorities(*, besides: str = "") -> QuerySet[Organisation]:
    """The competent authorities on this deployment, without those of Member State `besides`."""
    found = Organisation.objects.filter(kind=OrganisationKind.AUTHORITY)
    return found.exclude(member_state=besides) if besides else found


def authority_of(member_state: str) -> Organisation | None:
    """The competent authority of `member_state` on this deployment (the first registered)."""
    return authorities().filter(member_state=member_state).order_by("pk").first()


def tell_authorities(text: str, link: str, *, besides: str) -> None:
    """Tell every authority on this deployment except those of Member State `besides`."""
    for authority in authorities(besides=besides):
        notify(authority, text, link)


def user_of(actor: Actor) -> AbstractBaseUser | None:
    return actor if isinstance(actor, AbstractBaseUser) else None
