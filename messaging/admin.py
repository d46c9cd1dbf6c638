"""Admin screens for queued messages and the simulators' outbox (read-only)."""

from django.contrib import admin

from .models import Message, OutboxMessage


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["created_at", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["recipient"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["delivered_at", "channel", "recipient", "subject"]
    list_filter = ["channel"]
    search_fields = ["recipient"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
