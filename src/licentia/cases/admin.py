"""An authority's case settings and countersign rules, kept by its administrators."""

from django.contrib import admin

from licentia.cases.models import CaseSettings, CountersignRule


@admin.register(CountersignRule)
class CountersignRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("authority", "kind", "risk_rating", "value_eur", "active")
    list_filter = ("authority", "kind", "active")


@admin.register(CaseSettings)
class CaseSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("authority", "appeal_days")
