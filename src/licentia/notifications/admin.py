from django.contrib import admin

from licentia.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "organisation", "text", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("text", "user__username")
