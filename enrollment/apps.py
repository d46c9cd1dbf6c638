"""App configuration for enrollment."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment")

    def ready(self) -> None:
        # What an order's change writes in the audit log (`orders.change_order_status`), in
        # words for staff: the status it moved to (an order "lost" in the post is not a phone
        # "lost", and Danish says them differently), or how.
        from audit.labels import register_reasons
        from audit.models import AuditEntry

        from .models import DeviceOrder
        from .orders import POST_DELIVERED

        register_reasons(
            {**dict(DeviceOrder.Status.choices), POST_DELIVERED: _("Delivered by the post")},
            action=AuditEntry.Action.ORDER_CHANGED,
        )
