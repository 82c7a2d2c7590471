"""Licences and the shipments made under them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from licentia.accounts.models import Organisation
from licentia.applications.models import ApplicationKind, GoodsLine
from licentia.cases.models import Decision
from licentia.licences.states import LICENCE, LicenceState


class Licence(models.Model):
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="licence")
    holder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licences")
    authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=40, unique=True)
    # Printed on the licence; anyone can check number and code on the public page.
    verification_code = models.CharField(max_length=20)
    kind = models.CharField(max_length=32, choices=ApplicationKind.choices)
    state = models.CharField(
        max_length=20,
        choices=[(s.value, s.description) for s in LicenceState],
        default=LICENCE.initial.value,
    )
    version = models.PositiveIntegerField(default=1)
    issued_at = models.DateTimeField(auto_now_add=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    destinations = models.JSONField(default=list)
    end_users = models.JSONField(default=list, help_text="Names and countries, as granted")
    conditions = models.TextField(blank=True)
    amendment = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["-issued_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["holder", "state"])]

    def __str__(self) -> str:
        return self.number

    @property
    def status(self) -> LicenceState:
        return LicenceState(self.state)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused while the licence holds export records in their Art 27 retention period."""
        from licentia.licences.records import ensure_deletable

        ensure_deletable(self)
        return super().delete(*args, **kwargs)


class LicenceNumberSequence(models.Model):
    """The last number issued per Member State, kind and year: numbers never repeat."""

    member_state = models.CharField(max_length=2)
    kind_code = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["member_state", "kind_code", "year"], name="licence_number_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_state}-{self.kind_code}-{self.year}: {self.last}"


class LicenceLine(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="lines")
    goods_line = models.ForeignKey(GoodsLine, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    control_entry = models.CharField(max_length=40, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=20)
    value_eur = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering: ClassVar[list[str]] = ["position"]

    def __str__(self) -> str:
        return f"{self.licence} line {self.position}"


class ShipmentQuerySet(models.QuerySet["Shipment"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Refused while any of the shipments is in its Art 27 retention period."""
        from licentia.licences.records import ensure_shipments_deletable

        ensure_shipments_deletable(self)
        return super().delete()


class Shipment(models.Model):
    """An export made under a licence line, as the exporter records it (Art 27 records)."""

    line = models.ForeignKey(LicenceLine, on_delete=models.PROTECT, related_name="shipments")
    quantity = models.DecimalField(
        max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    value_eur = models.DecimalField(
        max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    shipped_on = models.DateField()
    consignee = models.CharField(max_length=300)
    destination = models.CharField(max_length=2)
    customs_reference = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Art 27: kept at least until the end of the fifth calendar year after the export.
    keep_until = models.DateField()

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["shipped_on", "pk"]

    def __str__(self) -> str:
        return f"{self.line}: {self.quantity} on {self.shipped_on}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused before the end of its Art 27 retention period (`keep_until`)."""
        from licentia.licences.records import ensure_deletable

        ensure_deletable(self)
        return super().delete(*args, **kwargs)


class VerificationAttempt(models.Model):
    """One check on the public verification page, kept briefly to limit enumeration.

    `client` is a keyed hash of the caller's address, never the address itself.
    """

    client = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return f"{self.client[:8]} at {self.at}"
