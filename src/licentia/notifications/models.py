"""In-app notifications: one row per person told, read or not."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from licentia.accounts.models import Organisation


class Notification(models.Model):
    """Something a person should look at, with a link to it.

    A notification to an organisation is given to each of its members, so each reads it
    separately; `organisation` records that it was addressed to the organisation.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True, help_text="A path inside Licentia")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
