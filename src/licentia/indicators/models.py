"""Imported indicator editions and their values. An edition never changes once imported."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class EditionStatus(StrEnum):
    IMPORTING = "importing"
    ACTIVE = "active"
    SUPERSEDED = "superseded"

    @property
    def description(self) -> str:
        return {
            EditionStatus.IMPORTING: "Being written; not used yet (only inside the import)",
            EditionStatus.ACTIVE: "The edition risk ratings and pages use for its source",
            EditionStatus.SUPERSEDED: "Replaced by a newer edition of the source; kept for history",
        }[self]


# The one table of allowed moves; `services.transition` is the only place that applies it.
TRANSITIONS: dict[EditionStatus, frozenset[EditionStatus]] = {
    EditionStatus.IMPORTING: frozenset({EditionStatus.ACTIVE}),
    EditionStatus.ACTIVE: frozenset({EditionStatus.SUPERSEDED}),
    EditionStatus.SUPERSEDED: frozenset(),
}


class IndicatorEdition(models.Model):
    source = models.CharField(max_length=40, db_index=True, help_text="Publisher code, e.g. pts")
    format = models.CharField(max_length=20)
    label = models.CharField(max_length=300, help_text="Publisher, years and file name")
    licence = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    retrieved_on = models.DateField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the imported file")
    file_name = models.CharField(max_length=300)
    imported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12,
        choices=[(s.value, s.description) for s in EditionStatus],
        default=EditionStatus.IMPORTING.value,
    )
    value_count = models.PositiveIntegerField(default=0)
    country_count = models.PositiveIntegerField(default=0)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    failures = models.JSONField(
        default=list, help_text="Rows whose country could not be mapped: name, position, reason"
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(status="active"),
                name="one_active_indicator_edition_per_source",
            )
        ]
        ordering = ["source", "-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"


class IndicatorDefinition(models.Model):
    """One indicator of an edition, with the ends of its scale."""

    edition = models.ForeignKey(
        IndicatorEdition, on_delete=models.CASCADE, related_name="indicators"
    )
    key = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    best = models.FloatField()
    worst = models.FloatField()
    unit = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_indicator_in_edition")
        ]
        ordering = ["edition", "key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class IndicatorValue(models.Model):
    """One value: indicator, country (ISO alpha-2, or XK), year. Read by country."""

    edition = models.ForeignKey(IndicatorEdition, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField(max_length=100)
    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "indicator", "country", "year"], name="unique_indicator_value"
            )
        ]
        indexes = [
            models.Index(
                fields=["country", "edition", "indicator", "year"], name="value_by_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.country} {self.year}: {self.value}"


class IndicatorDownload(models.Model):
    """What the publisher's server said last time, for conditional requests."""

    source = models.CharField(max_length=40, unique=True)
    url = models.URLField(max_length=500)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.source}: {self.url}"
