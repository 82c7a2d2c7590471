"""Organisations and the people who act for them.

An organisation is an exporter, broker, technical-assistance provider or a Member State's
competent authority; each user acts for one organisation with one role.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class OrganisationKind(models.TextChoices):
    EXPORTER = "exporter", "Exporter"
    BROKER = "broker", "Broker"
    TECHNICAL_ASSISTANCE = "technical-assistance", "Technical-assistance provider"
    AUTHORITY = "authority", "Competent authority"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    member_state = models.CharField(
        max_length=2, help_text="ISO 3166-1 alpha-2 code of the Member State of establishment"
    )
    eori = models.CharField("EORI number", max_length=17, blank=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EXPORTER_ADMINISTRATOR = "exporter-administrator", "Exporter administrator"
    EXPORTER_MEMBER = "exporter-member", "Exporter member"
    LICENSING_OFFICER = "licensing-officer", "Licensing officer"
    SENIOR_OFFICER = "senior-officer", "Senior officer (countersigns)"
    AUTHORITY_ADMINISTRATOR = "authority-administrator", "Authority administrator"
    COORDINATION_READER = "coordination-reader", "Coordination (read-only)"

    @property
    def is_authority(self) -> bool:
        return self not in (Role.EXPORTER_ADMINISTRATOR, Role.EXPORTER_MEMBER)


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


# -- security: second factor, sign-in throttling, API tokens ---------------------------------


class TotpDevice(models.Model):
    """A user's authenticator app (RFC 6238 TOTP): the shared secret, confirmed by a first code.

    `last_step` is the time step of the last accepted code, so a code is never accepted twice.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64, help_text="Base32, as authenticator apps take it")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "not confirmed"
        return f"authenticator of {self.user} ({state})"


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator is lost; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_once")
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user}"


class SignInStage(models.TextChoices):
    PASSWORD = "password", "User name and password"
    SECOND_FACTOR = "second-factor", "Authenticator or recovery code"


class LockoutScope(models.TextChoices):
    ACCOUNT = "account", "One user name, from any address"
    ADDRESS = "address", "One client IP address, for any user name"


class SignInFailure(models.Model):
    """A failed sign-in step, counted towards a lockout of the account and of the address."""

    username = models.CharField(max_length=150, help_text="As typed, lower-cased")
    address = models.GenericIPAddressField(null=True, blank=True)
    stage = models.CharField(max_length=20, choices=SignInStage.choices)
    at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"


class Lockout(models.Model):
    """Sign-in refused for an account or an address until `until`; an operator may end it early."""

    scope = models.CharField(max_length=10, choices=LockoutScope.choices)
    key = models.CharField(max_length=150, help_text="The lower-cased user name or the address")
    started_at = models.DateTimeField()
    until = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["scope", "key", "until"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key} locked until {self.until:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A personal token for integrations: `lic_<prefix>_<secret>`; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for")
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} (lic_{self.prefix}_…)"
