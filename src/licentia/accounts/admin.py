from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from licentia.accounts import mfa
from licentia.accounts.models import (
    ApiToken,
    Lockout,
    Membership,
    Organisation,
    SignInFailure,
    TotpDevice,
)

admin.site.register(Organisation)
admin.site.register(Membership)


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin):
    """Operators reset a lost authenticator here (the user enrols again at next sign-in)."""

    list_display = ["user", "created_at", "confirmed_at"]
    fields = ["user", "created_at", "confirmed_at"]
    readonly_fields = fields
    actions = ["reset"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TotpDevice | None = None) -> bool:
        return False

    @admin.action(description="Reset: remove the authenticator and recovery codes")
    def reset(self, request: HttpRequest, queryset: QuerySet[TotpDevice]) -> None:
        for device in queryset.select_related("user"):
            mfa.remove(user=device.user, by=request.user, reason="reset by an operator")
        self.message_user(request, "The selected authenticators were removed.")


@admin.register(Lockout)
class LockoutAdmin(admin.ModelAdmin):
    """Operators may shorten a lockout by editing `until`."""

    list_display = ["scope", "key", "started_at", "until"]
    list_filter = ["scope"]
    search_fields = ["key"]


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "address", "stage", "at"]
    search_fields = ["username", "address"]
    readonly_fields = ["username", "address", "stage", "at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    fields = list_display
    readonly_fields = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at"]
