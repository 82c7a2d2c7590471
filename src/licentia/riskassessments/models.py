"""An authority's own weights and bands for the risk model, and the log of every change.

`RiskConfiguration.settings` holds only what the authority changed from the defaults of
`licentia.risk.config` (a partial override), so a new default reaches it unless it set that
value itself. Changes go through `services.change_configuration`, which appends a
`RiskConfigurationChange`: who, when, what changed (old and new value), why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from licentia.accounts.models import Organisation


class RiskConfiguration(models.Model):
    authority = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="risk_configuration"
    )
    settings = models.JSONField(default=dict, help_text="Overrides of the default configuration")
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Risk configuration of {self.authority} (revision {self.revision})"

    @property
    def version(self) -> str:
        return f"authority-{self.authority_id}-r{self.revision}"


class RiskConfigurationChange(models.Model):
    """One change, never edited or deleted."""

    configuration = models.ForeignKey(
        RiskConfiguration, on_delete=models.CASCADE, related_name="changes"
    )
    revision = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(help_text="{setting: {'from': old value, 'to': new value}}")
    reason = models.TextField()

    class Meta:
        ordering = ["-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["configuration", "revision"], name="risk_change_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"revision {self.revision} by {self.changed_by} on {self.changed_at:%Y-%m-%d}"
