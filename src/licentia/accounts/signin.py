"""Signing in: lockout after repeated failures, per account and per client address.

Failures and lockouts are rows in the database, so every worker process counts the same.
A lockout refuses every attempt (even with the right password) until it ends; the counting
starts afresh after a lockout and after a complete sign-in. Each failure, lockout and sign-in
is an audit event.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from licentia.accounts.models import Lockout, LockoutScope, SignInFailure, SignInStage
from licentia.audit.services import record
from licentia.errors import LicentiaError


class LockedOut(LicentiaError):
    status = 429
    code = "locked_out"


class SecurityAction(models.TextChoices):
    """Audit actions of signing in, the second factor and API tokens."""

    SIGNED_IN = "accounts.signed-in", "Signed in (password, and second factor where needed)"
    SIGNIN_FAILED = "accounts.signin-failed", "A wrong password or second-factor code"
    LOCKED_OUT = "accounts.locked-out", "Sign-in paused for an account or an address"
    MFA_ENROLLED = "accounts.mfa-enrolled", "Authenticator app confirmed"
    MFA_REMOVED = "accounts.mfa-removed", "Authenticator app removed"
    RECOVERY_CODE_USED = "accounts.recovery-code-used", "Signed in with a recovery code"
    RECOVERY_CODES_RENEWED = "accounts.recovery-codes-renewed", "New recovery codes issued"
    TOKEN_CREATED = "accounts.token-created", "API token created"
    TOKEN_REVOKED = "accounts.token-revoked", "API token revoked"


def account_key(username: str) -> str:
    return username.strip().lower()[:150]


def _scopes(username: str, address: str | None) -> list[tuple[LockoutScope, str, int]]:
    scopes = [(LockoutScope.ACCOUNT, account_key(username), settings.LICENTIA_SIGNIN_MAX_FAILURES)]
    if address:
        limit = settings.LICENTIA_SIGNIN_MAX_FAILURES_PER_ADDRESS
        scopes.append((LockoutScope.ADDRESS, address, limit))
    return scopes


def ensure_not_locked(*, username: str, address: str | None) -> None:
    """Raise `LockedOut` with the time left if the account or the address is locked out."""
    now = timezone.now()
    match = Q(pk__in=[])
    for scope, key, _ in _scopes(username, address):
        match |= Q(scope=scope, key=key)
    until: datetime | None = Lockout.objects.filter(match, until__gt=now).aggregate(
        last=Max("until")
    )["last"]
    if until is not None:
        seconds = math.ceil((until - now).total_seconds())
        minutes = math.ceil(seconds / 60)
        raise LockedOut(
            "Too many failed sign-in attempts. Sign-in is paused for this account or network; "
            f"try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            details={"retry_after": seconds},
        )


@transaction.atomic
def record_failure(
    *,
    username: str,
    address: str | None,
    stage: SignInStage,
    user: AbstractBaseUser | None = None,
) -> Lockout | None:
    """Count a failed attempt; lock the account or address out when it reaches its limit."""
    now = timezone.now()
    failure = SignInFailure.objects.create(
        username=account_key(username), address=address, stage=stage, at=now
    )
    record(
        actor=user,
        action=SecurityAction.SIGNIN_FAILED,
        obj=failure,
        payload={"username": failure.username, "address": address, "stage": stage.value},
    )
    window_start = now - timedelta(seconds=settings.LICENTIA_SIGNIN_WINDOW)
    lockout = None
    for scope, key, limit in _scopes(username, address):
        last_lockout = Lockout.objects.filter(scope=scope, key=key).aggregate(
            last=Max("started_at")
        )["last"]
        since = max(window_start, last_lockout) if last_lockout else window_start
        field = "username" if scope == LockoutScope.ACCOUNT else "address"
        failures = SignInFailure.objects.filter(**{field: key}, at__gt=since).count()
        if failures >= limit:
            lockout = Lockout.objects.create(
                scope=scope,
                key=key,
                started_at=now,
                until=now + timedelta(seconds=settings.LICENTIA_SIGNIN_LOCKOUT),
            )
            record(
                actor=user,
                action=SecurityAction.LOCKED_OUT,
                obj=lockout,
                payload={
                    "scope": scope.value,
                    "key": key,
                    "failures": failures,
                    "until": lockout.until.isoformat(),
                },
            )
    return lockout


@transaction.atomic
def record_success(*, user: AbstractBaseUser, address: str | None, second_factor: bool) -> None:
    """A complete sign-in (password, and second factor where needed): the account's failures
    stop counting. The address's do not, so signing in to one account never clears them."""
    SignInFailure.objects.filter(username=account_key(user.get_username())).delete()
    record(
        actor=user,
        action=SecurityAction.SIGNED_IN,
        obj=user,
        payload={"address": address, "second_factor": second_factor},
    )
