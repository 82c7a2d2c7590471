"""An exporter's product catalogue and the classifications it chose for each product."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from licentia.accounts.models import Organisation
from licentia.controllists.models import ControlListVersion

NOT_LISTED = "NOT_LISTED"


class Product(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(
        help_text="What the item is and what it does, in technical terms"
    )
    internal_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_classification(self) -> ProductClassification | None:
        return self.classifications.order_by("-classified_at", "-pk").first()


class ProductClassification(models.Model):
    """A classification decision, tied to the list version it was made under."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="classifications")
    list_version = models.ForeignKey(ControlListVersion, on_delete=models.PROTECT, related_name="+")
    entry_path = models.CharField(
        max_length=40, help_text=f"The control entry path, or {NOT_LISTED}"
    )
    answers = models.JSONField(default=dict, help_text="The questions answered, and the answers")
    rationale = models.TextField(blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    classified_at = models.DateTimeField(auto_now_add=True)
    needs_review = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-classified_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.product}: {self.entry_path} ({self.list_version.version})"
