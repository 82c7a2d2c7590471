"""What the public report is computed from: one fact per decision, destination and item type.

Facts are derived from decisions (`services.sync_facts`) and never edited by hand; they hold
no names. `exporter` is kept only for the dominance rule and never published, except for
decisions their authority publishes in full (`FullPublication`).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from licentia.accounts.models import Organisation
from licentia.cases.models import Decision


class DecisionFact(models.Model):
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="facts"
    )
    authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exporter = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    decided_on = models.DateField()
    publish_on = models.DateField(help_text="Decision date plus the authority's delay")
    member_state = models.CharField(max_length=2)
    destination = models.CharField(max_length=2)
    item_category = models.CharField(max_length=32, help_text="Item type of the grouping")
    control_entry = models.CharField(max_length=40, blank=True)
    licence_type = models.CharField(max_length=32)
    outcome = models.CharField(max_length=24, help_text="granted, refused, no-licence-required")
    end_user_type = models.CharField(max_length=32)
    number = models.PositiveIntegerField(default=1)
    value_eur = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    public = models.BooleanField(default=False, help_text="Published in full by its authority")

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["year", "publish_on"], name="fact_year_publish"),
            models.Index(fields=["authority", "decided_on"], name="fact_authority_day"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.member_state}->{self.destination} {self.item_category}"


class PublicationSettings(models.Model):
    """An authority's publication settings (defaults come from the Django settings)."""

    authority = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="publication_settings"
    )
    delay_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days after a decision before it is published"
    )
    publish_all_in_full = models.BooleanField(
        default=False, help_text="Publish every decision in full, with the exporter's name"
    )

    def __str__(self) -> str:
        return f"publication settings of {self.authority}"


class FullPublication(models.Model):
    """A decision its authority chose to publish in full (exporter named)."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="full_publication"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.decision} published in full"
