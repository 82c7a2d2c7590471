from django.contrib import admin

from licentia.indicators.models import IndicatorEdition


@admin.register(IndicatorEdition)
class IndicatorEditionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["source", "label", "status", "value_count", "retrieved_on", "imported_at"]
    list_filter = ["source", "status"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
