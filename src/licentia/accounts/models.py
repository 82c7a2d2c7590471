"""Organisations and the people who act for them.

An organisation is an exporter, broker, technical-assistance provider or a Member State's
competent authority; each user acts for one organisation with one role.
"""

from __future__ import annotations

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
