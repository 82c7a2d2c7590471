"""Stored control list versions. A version's content never changes once imported."""

from __future__ import annotations

from typing import Any

from django.db import models

from licentia.controls.diff import ChangeKind
from licentia.controls.model import OriginRegime, Regime
from licentia.errors import Conflict


class ControlListVersion(models.Model):
    regime = models.CharField(max_length=16, choices=[(r.value, r.description) for r in Regime])
    version = models.CharField(max_length=64)
    excerpt = models.BooleanField(
        default=False, help_text="The project's curated excerpt rather than the full list"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500)
    checksum = models.CharField(max_length=64)
    definitions = models.JSONField(default=list)
    general_authorisations = models.JSONField(default=list)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A published version is imported once; the project's excerpt of a version can be
            # revised, and each revision (told apart by its checksum) is stored as an edition.
            models.UniqueConstraint(
                fields=["regime", "version"],
                condition=models.Q(excerpt=False),
                name="unique_published_version",
            ),
            models.UniqueConstraint(
                fields=["regime", "version", "checksum"],
                condition=models.Q(excerpt=True),
                name="unique_excerpt_edition",
            ),
        ]
        ordering = ["regime", "excerpt", "-valid_from", "-pk"]

    def __str__(self) -> str:
        kind = " (curated excerpt)" if self.excerpt else ""
        return f"{self.get_regime_display()}, version {self.version}{kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = ControlListVersion.objects.get(pk=self.pk)
            if (stored.checksum, stored.version, stored.regime) != (
                self.checksum,
                self.version,
                self.regime,
            ):
                raise Conflict("control list versions are immutable; import a new version")
        super().save(*args, **kwargs)


class ControlEntry(models.Model):
    list_version = models.ForeignKey(
        ControlListVersion, on_delete=models.CASCADE, related_name="entries"
    )
    position = models.PositiveIntegerField()
    path = models.CharField(max_length=40)
    code = models.CharField(max_length=5, db_index=True)
    parent_path = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=1)
    product_group = models.CharField(max_length=1)
    text = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    notes = models.JSONField(default=list)
    exclusions = models.JSONField(default=list)
    defined_terms = models.JSONField(default=list)
    parameters = models.JSONField(default=list)
    keywords = models.JSONField(default=list)
    questions = models.JSONField(default=list)
    cyber_surveillance = models.BooleanField(default=False)
    annex_iv = models.BooleanField(
        null=True, help_text="Listed in Annex IV; empty when the source does not say"
    )
    excluded_from_general_authorisations = models.BooleanField(default=False)
    origin = models.CharField(
        max_length=20, choices=[(o.value, o.description) for o in OriginRegime]
    )
    related_codes = models.JSONField(default=list)
    reasons_for_control = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["list_version", "path"], name="unique_entry_path")
        ]
        ordering = ["list_version", "position"]
        indexes = [models.Index(fields=["path"])]

    def __str__(self) -> str:
        return self.path


class ControlListChange(models.Model):
    """A difference between a version and the one before it."""

    list_version = models.ForeignKey(
        ControlListVersion, on_delete=models.CASCADE, related_name="changes"
    )
    path = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=8, choices=[(k.value, k.description) for k in ChangeKind])
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ["list_version", "path"]

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"
