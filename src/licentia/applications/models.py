"""Applications and what they hold: goods lines, parties, declarations and documents.

An application belongs to one organisation; its `state` moves only through
`licentia.audit.services.apply_transition` with the table in `states.py`, and `version`
guards against two people changing it at once.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper

from licentia.accounts.models import Organisation
from licentia.applications.states import APPLICATION, ApplicationState
from licentia.products.models import Product
from licentia.rules.model import PartyRole, PartyType


class ApplicationKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual export authorisation (Art 12(1)(a))"
    GLOBAL = "global", "Global export authorisation (Art 12(1)(b))"
    LARGE_PROJECT = "large-project", "Large project authorisation (Art 2(15), Art 12(4))"
    BROKERING = "brokering", "Brokering authorisation (Art 6)"
    TECHNICAL_ASSISTANCE = "technical-assistance", "Technical assistance authorisation (Art 8)"


class Party(models.Model):
    """A reusable party of an exporter's transactions: end user, consignee, intermediary."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(max_length=300)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    type = models.CharField(max_length=32, choices=[(t.value, t.description) for t in PartyType])
    website = models.URLField(blank=True)
    identifiers = models.JSONField(default=list, blank=True, help_text="Registration numbers...")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Application(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField(max_length=32, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=32, choices=ApplicationKind.choices)
    state = models.CharField(
        max_length=32,
        choices=[(s.value, s.description) for s in ApplicationState],
        default=APPLICATION.initial.value,
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    # Art 12(2): the authority of the state of establishment, or where a non-EU exporter's
    # items are; kept on the application because the authority decides on it.
    member_state = models.CharField(max_length=2)
    activity = models.CharField(max_length=32, default="export")
    destinations = models.JSONField(default=list, help_text="ISO alpha-2 codes")
    end_use = models.TextField(blank=True)
    purpose = models.CharField(max_length=40, default="standard")
    informed = models.JSONField(default=list, help_text="Concerns the authority informed of")
    aware = models.JSONField(default=list, help_text="Concerns the exporter is aware of")
    internal_compliance_programme = models.BooleanField(default=False)
    large_project = models.CharField(max_length=300, blank=True)
    requested_validity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["member_state", "state"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.pk}: {self.title}"

    @property
    def status(self) -> ApplicationState:
        return ApplicationState(self.state)


class GoodsLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="goods_lines"
    )
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField()
    control_entry = models.CharField(
        max_length=40, blank=True, help_text="Annex I entry path; empty for a non-listed item"
    )
    list_version = models.CharField(max_length=40, blank=True)
    cyber_surveillance = models.BooleanField(
        default=False, help_text="A non-listed cyber-surveillance item (Art 2(20))"
    )
    quantity = models.DecimalField(
        max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(max_length=20, default="units")
    value_eur = models.DecimalField(
        max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["application", "position"], name="goods_line_position")
        ]

    def __str__(self) -> str:
        return f"{self.application} line {self.position}"


class ApplicationParty(models.Model):
    """A party as it stood when the application was made (a copy, not a link that may change)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    source = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=20, choices=[(r.value, r.description) for r in PartyRole])
    type = models.CharField(max_length=32, choices=[(t.value, t.description) for t in PartyType])
    name = models.CharField(max_length=300)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2)
    intra_group = models.BooleanField(default=False)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            # The dossier's related cases look up end users by name (case-insensitive) and
            # country across every application.
            models.Index(Upper("name"), "country", name="application_party_name"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class DocumentKind(models.TextChoices):
    END_USE_STATEMENT = "end-use-statement", "End-use statement"
    SUPPORTING = "supporting", "Supporting document"
    INFORMATION = "information", "Information provided on request"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    # Stored under a random name outside the static and media URLs; served by a view that
    # checks access.
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class GeneralAuthorisationRegistration(models.Model):
    """An exporter's registration or notification of first use of EU001-EU008."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="general_authorisations"
    )
    code = models.CharField(max_length=5)
    registered_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_use_on = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_registration_per_authorisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.code}"


class UsageReport(models.Model):
    """A periodic report of exports made under a general authorisation."""

    registration = models.ForeignKey(
        GeneralAuthorisationRegistration, on_delete=models.PROTECT, related_name="reports"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    lines = models.JSONField(
        default=list, help_text="Exports: item, entry, quantity, value, consignee, destination"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.registration} {self.period_start}..{self.period_end}"


class ReferenceCounter(models.Model):
    """The last reference number given in one Member State and year (`DE-2026-000123`).

    Submissions lock the row while they take the next number, so two at once never share one.
    """

    member_state = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["member_state", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.member_state}-{self.year}: {self.last}"
