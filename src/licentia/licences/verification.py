"""The public check of a licence: number and verification code, no sign-in.

What a match shows: the number, kind, state, validity, amendment, issuing authority and the
holder's name, which lets customs, a carrier or a consignee confirm that the document they were
shown is genuine, in force, and held by the company presenting it. It never shows the items,
quantities, values, destinations, end users or conditions: the document itself carries those,
and a checker compares them with it. A wrong number and a wrong code get the same answer, in
the same time (one lookup by number, then a constant-time comparison against the stored code
or a dummy), so the page does not tell which licence numbers exist.

Each client (a keyed hash of its address) may check `ATTEMPTS` times in `WINDOW`; the count is
kept in the database so that every worker process shares it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from licentia.errors import LicentiaError
from licentia.licences.models import Licence, VerificationAttempt

ATTEMPTS = 20
WINDOW = timedelta(minutes=15)
_NO_CODE = "XXXX-XXXX-XXXX"
NO_MATCH = "No licence matches this number and verification code."


class TooManyAttempts(LicentiaError):
    status = 429
    code = "too_many_attempts"


@dataclass(frozen=True)
class Verified:
    """What the public may see of a licence whose number and code match."""

    number: str
    kind: str
    state: str
    state_description: str
    in_force: bool
    valid_from: date
    valid_until: date
    amendment: int
    authority: str
    member_state: str
    holder: str


def verify_licence(*, number: str, code: str, client: str) -> Verified | None:
    """The licence if number and code match, else None; `TooManyAttempts` past the limit."""
    _count_attempt(client)
    licence = (
        Licence.objects.select_related("authority", "holder")
        .filter(number=number.strip().upper())
        .first()
    )
    stored = licence.verification_code if licence is not None else _NO_CODE
    matches = hmac.compare_digest(_normal(stored), _normal(code))
    if licence is None or not matches:
        return None
    return Verified(
        number=licence.number,
        kind=licence.get_kind_display(),
        state=licence.state,
        state_description=licence.status.description,
        in_force=licence.status.usable
        and licence.valid_from <= timezone.localdate() <= licence.valid_until,
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        amendment=licence.amendment,
        authority=licence.authority.name,
        member_state=licence.authority.member_state,
        holder=licence.holder.name,
    )


def client_key(address: str) -> str:
    """A keyed hash of the caller's address: the limit works, the address is not stored."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _count_attempt(client: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        VerificationAttempt.objects.filter(at__lt=now - WINDOW).delete()
        recent = VerificationAttempt.objects.filter(client=client, at__gte=now - WINDOW).count()
        if recent >= ATTEMPTS:
            raise TooManyAttempts(
                f"too many checks from your address; try again in "
                f"{int(WINDOW.total_seconds() // 60)} minutes",
                details={"retry_after": int(WINDOW.total_seconds())},
            )
        VerificationAttempt.objects.create(client=client, at=now)


def _normal(code: str) -> bytes:
    """Case, spaces and dashes do not matter when a code is typed from paper."""
    return "".join(code.upper().split()).replace("-", "").encode()
