"""Access rules: which organisation a user acts for. Every view and API handler asks here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from licentia.accounts.models import Organisation
from licentia.errors import LicentiaError


class NotAuthenticated(LicentiaError):
    status = 401
    code = "not_authenticated"


class NoOrganisation(LicentiaError):
    status = 403
    code = "no_organisation"


def organisation_of(user: AbstractBaseUser | AnonymousUser) -> Organisation:
    if not user.is_authenticated:
        raise NotAuthenticated("sign in to use the product catalogue")
    membership = getattr(user, "membership", None)
    if membership is None:
        raise NoOrganisation("your account does not belong to an organisation")
    organisation: Organisation = membership.organisation
    return organisation
