"""A device order's life after it is placed: sent or handed out, delivered, activated, or lost.

Which status may follow which is data. Staff move an order on in admin; the post's delivery
and the reminders are Celery beat's. Every change is audited and told to the citizen.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import SYSTEM
from audit.services import record as audit
from authenticators import lifecycle
from authenticators.models import AuthenticatorStatus, CodeDevice, HardwareToken
from authenticators.services import Refused

from . import notices
from .models import DeviceOrder

# An order's change reads in the audit log as the status it moved to, or how it got there.
POST_DELIVERED = "post"

Status = DeviceOrder.Status

# What staff (or the post) may do next with an order in each status. Sending and handing out
# assign a device from stock; activation is the citizen's, by activating the device.
NEXT: dict[str, tuple[str, ...]] = {
    Status.ORDERED: (Status.SENT, Status.COLLECTED, Status.CANCELLED),
    Status.SENT: (Status.DELIVERED, Status.LOST),
    Status.DELIVERED: (Status.LOST,),
    Status.COLLECTED: (Status.LOST,),
}


@transaction.atomic
def fulfil_order(order: DeviceOrder, *, handed_out: bool) -> HardwareToken:
    """Assign a device of the ordered kind from stock; the order is sent or handed out."""
    order = DeviceOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in (DeviceOrder.Status.ORDERED,):
        raise Refused("order_not_open")
    token = (
        HardwareToken.objects.select_for_update(skip_locked=True)
        .filter(kind=order.kind, assigned_to__isnull=True)
        .first()
    )
    if token is None:
        raise Refused("out_of_stock")
    token.assigned_to = order.identity
    token.save(update_fields=["assigned_to"])
    order.token = token
    order.status = DeviceOrder.Status.COLLECTED if handed_out else DeviceOrder.Status.SENT
    # From now the post's transit time and the reminder's days are counted (the desk hands a
    # device out through here alone).
    order.status_changed_at = timezone.now()
    order.save(update_fields=["token", "status", "status_changed_at"])
    return token


def change_order_status(
    order: DeviceOrder, *, status: str, by: User | AnonymousUser | None, reason: str = ""
) -> DeviceOrder:
    """Move `order` to `status` if that may follow; raises `Refused("order_status")` if not.

    `by` is the staff member, or None for the post and the beat schedule.
    """
    with transaction.atomic():
        # Only the order's row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        order = (
            DeviceOrder.objects.select_for_update(of=("self",))
            .select_related("token")
            .get(pk=order.pk)
        )
        if status not in NEXT.get(order.status, ()):
            raise Refused("order_status")
        if status in (Status.SENT, Status.COLLECTED):
            fulfil_order(order, handed_out=status == Status.COLLECTED)
            order.refresh_from_db()
        else:
            order.status = status
        order.status_changed_at = timezone.now()
        order.save(update_fields=["status", "status_changed_at"])
        if status == Status.LOST and order.token is not None:
            _revoke_lost_device(order)
        audit(
            AuditEntry.Action.ORDER_CHANGED,
            by=by,
            identity=order.identity,
            target=lambda: f"{order.get_kind_display()} #{order.pk}",
            reason=reason or status,
            detail=order.token.serial if order.token else "",
            unless_staff=SYSTEM,  # the post and the beat schedule; the citizen never moves one
        )
        _tell(order, status)
    return order


def _revoke_lost_device(order: DeviceOrder) -> None:
    """A device lost on its way may be in someone else's hands: it can never be activated."""
    device = CodeDevice.objects.filter(token=order.token).first()
    if device is not None and device.status != AuthenticatorStatus.REVOKED:
        lifecycle.revoke_device(device, reason="lost", by=None, note="order lost")


def _tell(order: DeviceOrder, status: str) -> None:
    if status in NOTIFIED:
        notices.tell_order_moved(order.pk, status)


# The statuses the citizen hears of: a cancelled order was the citizen's own doing.
NOTIFIED = (Status.SENT, Status.DELIVERED, Status.COLLECTED, Status.LOST)


# The beat schedule --------------------------------------------------------------------------


def orders_due_for_delivery() -> "QuerySet[DeviceOrder]":
    """Sent by post long enough ago that the post has delivered them."""
    sent_before = timezone.now() - timedelta(days=settings.POST_TRANSIT_DAYS)
    return DeviceOrder.objects.filter(status=Status.SENT, status_changed_at__lte=sent_before)


def mark_posted_orders_delivered() -> int:
    delivered = 0
    for order in orders_due_for_delivery():
        try:
            change_order_status(order, status=Status.DELIVERED, by=None, reason=POST_DELIVERED)
        except Refused:
            continue  # changed by staff since the query: theirs stands
        delivered += 1
    return delivered


def orders_due_for_a_reminder() -> "QuerySet[DeviceOrder]":
    """In the citizen's hands for a while and not activated, and not reminded yet."""
    before = timezone.now() - timedelta(days=settings.ORDER_REMINDER_DAYS)
    return DeviceOrder.objects.filter(
        Q(status__in=(Status.DELIVERED, Status.COLLECTED)),
        status_changed_at__lte=before,
        reminded_at__isnull=True,
    )


def remind_unactivated_devices() -> int:
    reminded = 0
    for order in orders_due_for_a_reminder():
        # Only one run reminds an order, however many workers run the schedule.
        with transaction.atomic():
            if DeviceOrder.objects.filter(pk=order.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                notices.tell_order_moved(order.pk, "reminder")
                reminded += 1
    return reminded
