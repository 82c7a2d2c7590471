"""Stored restricted-party list versions. A version's parties never change once imported."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from licentia.errors import Conflict


class VersionStatus(StrEnum):
    IMPORTING = "importing"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    FAILED = "failed"

    @property
    def description(self) -> str:
        return {
            VersionStatus.IMPORTING: "Being read and checked; not used for screening yet",
            VersionStatus.ACTIVE: "The version screening uses for its list",
            VersionStatus.SUPERSEDED: "Replaced by a newer version; kept for history",
            VersionStatus.FAILED: "An import that failed; it holds no parties",
        }[self]


# The one table of allowed moves; `services.transition` is the only place that applies it.
TRANSITIONS: dict[VersionStatus, frozenset[VersionStatus]] = {
    VersionStatus.IMPORTING: frozenset({VersionStatus.ACTIVE, VersionStatus.FAILED}),
    VersionStatus.ACTIVE: frozenset({VersionStatus.SUPERSEDED}),
    VersionStatus.SUPERSEDED: frozenset(),
    VersionStatus.FAILED: frozenset(),
}


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"

    @property
    def description(self) -> str:
        return {
            ChangeKind.ADDED: "Listed in this version, not in the one before",
            ChangeKind.REMOVED: "Listed in the version before, not in this one (delisted)",
            ChangeKind.CHANGED: "Listed in both, with different details",
        }[self]


class PartyListVersion(models.Model):
    source = models.CharField(max_length=64, db_index=True, help_text="List code, e.g. un-sc")
    format = models.CharField(max_length=32)
    title = models.CharField(max_length=300)
    published = models.DateField(null=True, blank=True)
    publisher_version = models.CharField(max_length=100, blank=True)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the imported file")
    file_name = models.CharField(max_length=300)
    imported_at = models.DateTimeField(auto_now_add=True)
    entity_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=12,
        choices=[(s.value, s.description) for s in VersionStatus],
        default=VersionStatus.IMPORTING.value,
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True, help_text="Why a failed import failed")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(status="active"),
                name="one_active_version_per_source",
            )
        ]
        ordering = ["source", "-imported_at", "-pk"]

    def __str__(self) -> str:
        label = self.publisher_version or (self.published.isoformat() if self.published else "")
        return f"{self.title} ({self.source}) {label} #{self.pk}".replace("  ", " ")

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            stored = PartyListVersion.objects.get(pk=self.pk)
            if (stored.source, stored.checksum) != (self.source, self.checksum):
                raise Conflict("list versions are immutable; import a new version")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ListedParty(models.Model):
    version = models.ForeignKey(PartyListVersion, on_delete=models.CASCADE, related_name="parties")
    source_id = models.CharField(max_length=200, db_index=True)
    schema = models.CharField(max_length=20)
    caption = models.CharField(max_length=500)
    names = models.TextField(help_text="Every name, one per line, for plain-text search")
    data = models.JSONField(help_text="The whole ListedEntity")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "source_id"], name="unique_party_in_version")
        ]
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.caption} ({self.source_id})"


class PartyListChange(models.Model):
    """A difference between a version and the version of the same list before it."""

    version = models.ForeignKey(PartyListVersion, on_delete=models.CASCADE, related_name="changes")
    source_id = models.CharField(max_length=200, db_index=True)
    caption = models.CharField(max_length=500)
    kind = models.CharField(max_length=8, choices=[(k.value, k.description) for k in ChangeKind])
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ["version", "kind", "source_id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"


class DownloadState(models.Model):
    """What the publisher's server said last time, for conditional requests."""

    source = models.CharField(max_length=64, unique=True)
    url = models.URLField(max_length=500)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.source}: {self.url}"
