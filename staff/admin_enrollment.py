"""Staff screens for enrollment: offices and their appointment calendar, device orders, cases.

They live with the staff side because their actions are staff actions (permissions, audit).
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enrollment import orders
from enrollment.models import AppointmentSlot, DeviceOrder, EnrollmentCase, Office

from .admin_actions import StaffActionsMixin
from .forms import AppointmentSlotForm

# Sending and handing out take a device from stock.
FROM_STOCK = (DeviceOrder.Status.SENT, DeviceOrder.Status.COLLECTED)


class AppointmentSlotInline(admin.TabularInline[AppointmentSlot, Office]):
    model = AppointmentSlot
    form = AppointmentSlotForm
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
    form = AppointmentSlotForm
    list_display = ["starts_at", "office_name", "capacity", "booked"]
    list_filter = ["office"]

    @admin.display(description=_("Borgerservice office"), ordering="office__name")
    def office_name(self, slot: AppointmentSlot) -> str:
        return slot.office.name

    date_hierarchy = "starts_at"
    readonly_fields = ["booked"]

    def save_model(
        self, request: HttpRequest, obj: AppointmentSlot, form: Any, change: bool
    ) -> None:
        """Saved by its form, as the office's list saves it: the fields staff changed only
        (`AppointmentSlotForm.save`)."""
        form.save()


@admin.register(DeviceOrder)
class DeviceOrderAdmin(StaffActionsMixin):
    """Orders move on only through `enrollment.orders` (audited, told to the citizen)."""

    list_display = [
        "created_at",
        "identity",
        "kind",
        "delivery",
        "status",
        "status_changed_at",
        "slot",
        "token",
    ]
    list_filter = ["status", "kind", "delivery"]
    list_select_related = ["identity", "token", "slot__office"]
    search_fields = ["identity__user_id", "token__serial"]
    readonly_fields = [
        "identity",
        "case",
        "kind",
        "delivery",
        "status",
        "status_changed_at",
        "address",
        "slot",
        "token",
        "created_at",
        "reminded_at",
    ]
    actions = ["send_from_stock", "hand_out_from_stock", "mark_delivered", "mark_lost"]

    @admin.action(
        description=_("Send by post (assign a device from stock)"), permissions=["change"]
    )
    def send_from_stock(self, request: HttpRequest, queryset: QuerySet[DeviceOrder]) -> None:
        self._move(request, queryset, DeviceOrder.Status.SENT, done=_("sent with serial number"))

    @admin.action(
        description=_("Hand out at Borgerservice (assign a device from stock)"),
        permissions=["change"],
    )
    def hand_out_from_stock(self, request: HttpRequest, queryset: QuerySet[DeviceOrder]) -> None:
        self._move(
            request, queryset, DeviceOrder.Status.COLLECTED, done=_("handed out with serial number")
        )

    @admin.action(description=_("Mark as delivered"), permissions=["change"])
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[DeviceOrder]) -> None:
        self._move(request, queryset, DeviceOrder.Status.DELIVERED, done=_("delivered"))

    @admin.action(
        description=_("Mark as lost (the device is revoked if it was assigned)"),
        permissions=["change"],
    )
    def mark_lost(self, request: HttpRequest, queryset: QuerySet[DeviceOrder]) -> None:
        # Lost in the post: Danish "bortkommet", as the status says, not a lost phone's "mistet".
        self._move(
            request, queryset, DeviceOrder.Status.LOST, done=pgettext_lazy("device order", "lost")
        )

    def _move(
        self, request: HttpRequest, queryset: QuerySet[DeviceOrder], status: str, *, done: Any
    ) -> None:
        def move(order: DeviceOrder) -> str:
            moved = orders.change_order_status(order, status=status, by=request.user)
            # Staff read the serial of the device they put in the envelope or hand over.
            return moved.token.serial if moved.token and status in FROM_STOCK else ""

        self.apply_to_each(request, queryset, move, done=str(done))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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
