"""Read-only admin: configurations change through the API or services, so that each is logged."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from licentia.riskassessments.models import RiskConfiguration, RiskConfigurationChange


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RiskConfiguration)
class RiskConfigurationAdmin(ReadOnly):
    list_display = ["authority", "revision", "updated_at"]


@admin.register(RiskConfigurationChange)
class RiskConfigurationChangeAdmin(ReadOnly):
    list_display = ["configuration", "revision", "changed_by", "changed_at", "reason"]
