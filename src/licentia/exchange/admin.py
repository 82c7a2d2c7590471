from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.http import HttpRequest

from licentia.exchange.models import InboxMessage, OutboxMessage, Peer, Rejection


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display: ClassVar = [
        "deployment_id",
        "name",
        "member_states",
        "base_url",
        "key_id",
        "active",
        "last_sent_sequence",
        "received_through",
        "applied_through",
        "last_contact_at",
    ]
    list_filter: ClassVar = ["active"]
    readonly_fields: ClassVar = [
        "key_id",
        "last_sent_sequence",
        "received_through",
        "applied_through",
        "last_contact_at",
        "last_error",
        "created_at",
    ]


class _ReadOnly(admin.ModelAdmin):
    """Messages are records: they are read here, changed only by the exchange itself."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxAdmin(_ReadOnly):
    list_display: ClassVar = [
        "peer",
        "sequence",
        "kind",
        "state",
        "attempts",
        "next_attempt_at",
        "delivered_by",
        "created_at",
    ]
    list_filter: ClassVar = ["state", "kind", "peer"]
    search_fields: ClassVar = ["message_id"]


@admin.register(InboxMessage)
class InboxAdmin(_ReadOnly):
    list_display: ClassVar = [
        "peer",
        "sequence",
        "kind",
        "sender_member_state",
        "state",
        "attempts",
        "received_by",
        "received_at",
    ]
    list_filter: ClassVar = ["state", "kind", "peer"]
    search_fields: ClassVar = ["message_id"]


@admin.register(Rejection)
class RejectionAdmin(_ReadOnly):
    list_display: ClassVar = ["at", "code", "claimed_sender", "message_id", "via", "remote_address"]
    list_filter: ClassVar = ["code", "via"]
