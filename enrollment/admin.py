"""Admin for enrollment: offices and their appointment calendar, device orders, cases."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from authenticators.services import ActivationRefused, fulfil_order

from .models import AppointmentSlot, DeviceOrder, EnrollmentCase, Office

FULFIL_REFUSALS = {
    "order_not_open": _("the order is no longer waiting to be sent or handed out"),
    "out_of_stock": _("no device of this kind is in stock"),
}


class AppointmentSlotInline(admin.TabularInline[AppointmentSlot, Office]):
    model = AppointmentSlot
    fields = ["starts_at", "capacity", "booked"]
    readonly_fields = ["booked"]
    extra = 3


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "city", "phone"]
    search_fields = ["name", "city"]
    inlines = [AppointmentSlotInline]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin[AppointmentSlot]):
    list_display = ["starts_at", "office", "capacity", "booked"]
    list_filter = ["office"]
    date_hierarchy = "starts_at"
    readonly_fields = ["booked"]


@admin.register(DeviceOrder)
class DeviceOrderAdmin(admin.ModelAdmin[DeviceOrder]):
    list_display = ["created_at", "identity", "kind", "delivery", "status", "slot", "token"]
    list_filter = ["status", "kind", "delivery"]
    search_fields = ["identity__user_id"]
    readonly_fields = [
        "identity",
        "case",
        "kind",
        "delivery",
        "address",
        "slot",
        "token",
        "created_at",
    ]
    actions = ["send_from_stock", "hand_out_from_stock"]

    @admin.action(description=_("Send by post (assign a device from stock)"))
    def send_from_stock(self, request: HttpRequest, queryset: QuerySet[DeviceOrder]) -> None:
        self._fulfil(request, queryset, handed_out=False)

    @admin.action(description=_("Hand out at Borgerservice (assign a device from stock)"))
    def hand_out_from_stock(self, request: HttpRequest, queryset: QuerySet[DeviceOrder]) -> None:
        self._fulfil(request, queryset, handed_out=True)

    def _fulfil(
        self, request: HttpRequest, queryset: QuerySet[DeviceOrder], *, handed_out: bool
    ) -> None:
        for order in queryset:
            try:
                token = fulfil_order(order, handed_out=handed_out)
            except ActivationRefused as refusal:
                reason = FULFIL_REFUSALS.get(refusal.code, refusal.code)
                self.message_user(request, f"{order}: {reason}", messages.ERROR)
            else:
                self.message_user(request, f"{order}: {token.serial}", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(EnrollmentCase)
class EnrollmentCaseAdmin(admin.ModelAdmin[EnrollmentCase]):
    list_display = ["identity", "channel", "status", "method", "updated_at", "expires_at"]
    list_filter = ["status", "channel", "method"]
    search_fields = ["identity__user_id"]
    exclude = ["identity"]
    readonly_fields = [
        "channel",
        "status",
        "method",
        "terms_version",
        "terms_accepted_at",
        "mobile",
        "mobile_confirmed_at",
        "email",
        "email_confirmed_at",
        "created_at",
        "updated_at",
        "expires_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
