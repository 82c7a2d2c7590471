"""Personal API tokens for integrations.

A token reads `lic_<prefix>_<secret>`. Only the prefix (to find it) and the SHA-256 of the
whole token are stored: the token is shown once, when it is made. A token acts as its user,
with the user's current organisation and role, until it expires or is revoked. Tokens are
made on a page that authority users reach only after the second factor, and theirs live at
most `LICENTIA_AUTHORITY_API_TOKEN_MAX_DAYS`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from licentia.accounts.mfa import required_for
from licentia.accounts.models import ApiToken
from licentia.accounts.services import NotAuthenticated
from licentia.accounts.signin import SecurityAction
from licentia.audit.services import record
from licentia.errors import InvalidInput, NotFound

_FORMAT = re.compile(r"lic_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
# Recording every use would write on every request; once a minute is enough to tell.
_LAST_USED_PRECISION = timedelta(minutes=1)


def max_days(user: AbstractBaseUser) -> int:
    if required_for(user):
        return int(settings.LICENTIA_AUTHORITY_API_TOKEN_MAX_DAYS)
    return int(settings.LICENTIA_API_TOKEN_MAX_DAYS)


def tokens_of(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def create_token(*, user: AbstractBaseUser, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token and its full text, which is never available again."""
    name = name.strip()
    if not name:
        raise InvalidInput(
            "give the token a name that says what it is for", details={"field": "name"}
        )
    if len(name) > 100:
        raise InvalidInput("the name is longer than 100 characters", details={"field": "name"})
    limit = max_days(user)
    if not 1 <= days <= limit:
        raise InvalidInput(f"a token may be valid for 1 to {limit} days", details={"field": "days"})
    prefix = secrets.token_hex(6)
    text = f"lic_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=_hash(text),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        actor=user,
        action=SecurityAction.TOKEN_CREATED,
        obj=token,
        payload={"name": name, "prefix": prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, text


@transaction.atomic
def revoke_token(*, user: AbstractBaseUser, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (revoking twice changes nothing)."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound(f"no API token {token_id} of yours")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=user,
            action=SecurityAction.TOKEN_REVOKED,
            obj=token,
            payload={"name": token.name, "prefix": token.prefix},
        )
    return token


def user_for_token(text: str) -> AbstractBaseUser:
    """The active user a valid token belongs to; `NotAuthenticated` (401) otherwise."""
    refused = NotAuthenticated("the API token is not valid, has expired or was revoked")
    found = _FORMAT.fullmatch(text.strip())
    if found is None:
        raise refused
    token = ApiToken.objects.select_related("user").filter(prefix=found.group(1)).first()
    now = timezone.now()
    if (
        token is None
        or not hmac.compare_digest(token.secret_hash, _hash(text.strip()))
        or token.revoked_at is not None
        or token.expires_at <= now
        or not token.user.is_active
    ):
        raise refused
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user: AbstractBaseUser = token.user
    return user


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()
