from django.contrib import admin

from licentia.controllists.models import ControlListVersion


@admin.register(ControlListVersion)
class ControlListVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["regime", "version", "excerpt", "valid_from", "valid_to", "imported_at"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
