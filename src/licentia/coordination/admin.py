from django.contrib import admin

from licentia.coordination.models import ConfidentialityRules


@admin.register(ConfidentialityRules)
class ConfidentialityRulesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "authority",
        "share_exporter",
        "share_values",
        "share_reasoning",
        "share_addresses",
    )
