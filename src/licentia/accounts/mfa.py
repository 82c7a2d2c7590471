"""The second factor: an authenticator app (TOTP) with one-time recovery codes.

Required for every authority role and for staff (the Django admin can change anyone's role);
optional for exporters' people, and required of them once they have enrolled. A session
records that its user passed the second factor; until then `SecondFactorMiddleware` lets them
reach only these pages and sign out.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import MutableMapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from licentia.accounts import totp
from licentia.accounts.models import RecoveryCode, Role, SignInStage, TotpDevice
from licentia.accounts.signin import SecurityAction, ensure_not_locked, record_failure
from licentia.audit.services import record
from licentia.errors import Conflict, InvalidInput, LicentiaError

SESSION_KEY = "licentia.second_factor"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class SecondFactorRequired(LicentiaError):
    status = 403
    code = "second_factor_required"


def required_for(user: AbstractBaseUser) -> bool:
    """Whether the user's role obliges them to use a second factor."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    membership = getattr(user, "membership", None)
    return membership is not None and Role(membership.role).is_authority


def device_of(user: AbstractBaseUser) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def is_enrolled(user: AbstractBaseUser) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def passed(session: MutableMapping[str, Any], user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and session.get(SESSION_KEY) == user.pk


def mark_passed(session: MutableMapping[str, Any], user: AbstractBaseUser) -> None:
    session[SESSION_KEY] = user.pk


def forget(session: MutableMapping[str, Any]) -> None:
    session.pop(SESSION_KEY, None)


def pending(session: MutableMapping[str, Any], user: AbstractBaseUser | AnonymousUser) -> bool:
    """Signed in with a password, but still owing the second factor in this session."""
    if not isinstance(user, AbstractBaseUser) or passed(session, user):
        return False
    return required_for(user) or is_enrolled(user)


# -- enrolment -------------------------------------------------------------------------------


def begin_enrolment(*, user: AbstractBaseUser) -> TotpDevice:
    """The unconfirmed device to show the secret of (a new secret the first time)."""
    device = device_of(user)
    if device is not None and device.confirmed_at is not None:
        raise Conflict("you already use an authenticator app; remove it first to change it")
    if device is None:
        device = TotpDevice.objects.create(user=user, secret=totp.new_secret())
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return totp.provisioning_uri(
        device.secret, account=device.user.get_username(), issuer=settings.LICENTIA_MFA_ISSUER
    )


@transaction.atomic
def confirm_enrolment(*, user: AbstractBaseUser, code: str) -> list[str]:
    """Confirm the device with a first code; returns new recovery codes (shown once)."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise Conflict("there is no authenticator app waiting for confirmation; start again")
    step = totp.matching_step(device.secret, _digits(code), timestamp=time.time(), after=0)
    if not step:
        raise InvalidInput(
            "That code does not match. Enter the 6-digit code your app shows now; if it still "
            "fails, check that your device's clock is right.",
            details={"field": "code"},
        )
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = _replace_recovery_codes(user)
    record(actor=user, action=SecurityAction.MFA_ENROLLED, obj=device)
    return codes


@transaction.atomic
def renew_recovery_codes(*, user: AbstractBaseUser) -> list[str]:
    if not is_enrolled(user):
        raise Conflict("set up an authenticator app first")
    codes = _replace_recovery_codes(user)
    record(actor=user, action=SecurityAction.RECOVERY_CODES_RENEWED, obj=user)
    return codes


@transaction.atomic
def remove(*, user: AbstractBaseUser, by: AbstractBaseUser, reason: str = "") -> None:
    """Remove the user's authenticator and recovery codes. A user whose role requires a second
    factor cannot remove their own (they would have to enrol again at once); an operator can,
    for someone who lost their device."""
    if by.pk == user.pk and required_for(user):
        raise Conflict("your role requires an authenticator app; ask an operator to reset it")
    device = device_of(user)
    if device is None:
        raise Conflict("there is no authenticator app to remove")
    record(actor=by, action=SecurityAction.MFA_REMOVED, obj=device, reason=reason)
    RecoveryCode.objects.filter(user=user).delete()
    device.delete()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# -- checking a code at sign-in --------------------------------------------------------------


def verify(*, user: AbstractBaseUser, code: str, address: str | None) -> bool:
    """Check a code from the app or a recovery code, under the sign-in lockout.

    Returns whether a recovery code was used. Raises `LockedOut` while locked out and
    `InvalidInput` for a wrong code (counted as a failed sign-in)."""
    username = user.get_username()
    ensure_not_locked(username=username, address=address)
    recovery = _recovery_form(code)
    accepted = _use_recovery_code(user, recovery) if recovery else _use_app_code(user, code)
    if not accepted:
        record_failure(
            username=username, address=address, stage=SignInStage.SECOND_FACTOR, user=user
        )
        raise InvalidInput(
            "That code is not valid. Enter the 6-digit code your app shows now, or one of "
            "your recovery codes.",
            details={"field": "code"},
        )
    return bool(recovery)


def _use_app_code(user: AbstractBaseUser, code: str) -> bool:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = totp.matching_step(
        device.secret, _digits(code), timestamp=time.time(), after=device.last_step
    )
    # The update succeeds once per step, however many requests race with the same code.
    return bool(step) and bool(
        TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
    )


def _use_recovery_code(user: AbstractBaseUser, code: str) -> bool:
    with transaction.atomic():
        used = RecoveryCode.objects.filter(
            user=user, code_hash=_hash(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            record(
                actor=user,
                action=SecurityAction.RECOVERY_CODE_USED,
                obj=user,
                payload={"left": recovery_codes_left(user)},
            )
    return bool(used)


def _replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash(_recovery_form(code))) for code in codes
    )
    return codes


def _digits(code: str) -> str:
    return "".join(code.split())


def _recovery_form(code: str) -> str:
    """A recovery code without spaces and hyphens, lower-cased; '' if the input is not one."""
    compact = "".join(ch for ch in code.lower() if ch not in " -")
    if len(compact) == 10 and all(ch in _RECOVERY_ALPHABET for ch in compact):
        return compact
    return ""


def _hash(code: str) -> str:
    # Recovery codes carry about 49 bits of randomness, so a plain hash is enough; a slow
    # password hash would only slow down every sign-in with one.
    return hashlib.sha256(code.encode("ascii")).hexdigest()
