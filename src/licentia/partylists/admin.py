from django.contrib import admin

from licentia.partylists.models import PartyListVersion


@admin.register(PartyListVersion)
class PartyListVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["source", "title", "published", "status", "entity_count", "imported_at"]
    list_filter = ["source", "status"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
