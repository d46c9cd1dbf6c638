"""Celery tasks of enrollment: send a contact code, confirm a device order."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from messaging import delivery
from messaging.backends import GatewayError
from messaging.services import queue_email, queue_sms

from . import services
from .models import ContactChannel, DeviceOrder


@shared_task(
    bind=True, autoretry_for=(GatewayError, ConnectionError), retry_backoff=True, max_retries=5
)
def send_contact_code(self: Any, contact_code_id: int, language: str) -> None:
    """Make a code and send it; the code exists only in this task and in the message."""
    contact_code, code = services.new_contact_code(contact_code_id)
    with translation.override(language):
        if contact_code.channel == ContactChannel.SMS:
            context = {"code": code, "minutes": settings.CONTACT_CODE_MINUTES}
            body = render_to_string("enrollment/messages/code_sms.txt", context)
            delivery.send(channel="sms", to=contact_code.address, body=body.strip())
        else:
            context = {"code": code, "minutes": settings.CONTACT_CODE_MINUTES}
            subject = render_to_string("enrollment/messages/code_email_subject.txt", context)
            body = render_to_string("enrollment/messages/code_email.txt", context)
            delivery.send(
                channel="email", to=contact_code.address, subject=subject.strip(), body=body
            )


@shared_task
def confirm_device_order(order_id: int, language: str) -> None:
    """Tell the citizen, by SMS and e-mail where confirmed, that their device is ordered."""
    order = DeviceOrder.objects.select_related("case", "slot__office").get(pk=order_id)
    case = order.case
    if case is None:
        return
    with translation.override(language):
        context = {
            "order": order,
            "delivery_by": services.expected_post_delivery(order),
        }
        if case.mobile and case.mobile_confirmed_at:
            body = render_to_string("enrollment/messages/order_sms.txt", context)
            queue_sms(to=case.mobile, body=body.strip())
        if case.email and case.email_confirmed_at:
            subject = render_to_string("enrollment/messages/order_email_subject.txt", context)
            body = render_to_string("enrollment/messages/order_email.txt", context)
            queue_email(to=case.email, subject=subject.strip(), body=body)
