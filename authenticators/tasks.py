"""Celery tasks for authenticators: the temporary PIN, and the notice of a new app."""

from typing import Any

from celery import shared_task
from django.template.loader import render_to_string
from django.utils import translation

from messaging import delivery
from messaging.backends import GatewayError
from messaging.services import queue_email, queue_sms

from . import services
from .models import AppDevice, ChipDevice, Identity


def contact_details(identity: Identity) -> tuple[str, str]:
    """The confirmed mobile number and e-mail from the person's latest enrollment."""
    case = identity.cases.order_by("-updated_at").first()
    if case is None:
        return "", ""
    mobile = case.mobile if case.mobile_confirmed_at else ""
    email = case.email if case.email_confirmed_at else ""
    return mobile, email


@shared_task(
    bind=True, autoretry_for=(GatewayError, ConnectionError), retry_backoff=True, max_retries=5
)
def send_temporary_pin(self: Any, device_id: int, language: str) -> None:
    """Make the temporary PIN and send it by SMS; it exists only here and in the SMS."""
    device = AppDevice.objects.select_related("identity").get(pk=device_id)
    mobile, _email = contact_details(device.identity)
    if not mobile:
        return
    device, pin = services.new_temporary_pin(device_id)
    with translation.override(language):
        body = render_to_string("authenticators/messages/temporary_pin_sms.txt", {"pin": pin})
    delivery.send(channel="sms", to=mobile, body=body.strip())


def notify(identity: Identity, template: str, context: dict[str, Any]) -> None:
    """Send `authenticators/messages/<template>_{sms,subject,email}.txt` in their language."""
    mobile, email = contact_details(identity)
    with translation.override(identity.language):
        if mobile:
            body = render_to_string(f"authenticators/messages/{template}_sms.txt", context)
            queue_sms(to=mobile, body=body.strip())
        if email:
            subject = render_to_string(f"authenticators/messages/{template}_subject.txt", context)
            body = render_to_string(f"authenticators/messages/{template}_email.txt", context)
            queue_email(to=email, subject=subject.strip(), body=body)


@shared_task
def notify_app_activated(device_id: int) -> None:
    """Tell the citizen by SMS and e-mail that the app was activated on a device."""
    device = AppDevice.objects.select_related("identity").get(pk=device_id)
    notify(device.identity, "app_activated", {"device": device})


@shared_task
def notify_chip_registered(chip_id: int) -> None:
    """Tell the citizen that a chip was added, and when it can be confirmed."""
    chip = ChipDevice.objects.select_related("identity").get(pk=chip_id)
    notify(chip.identity, "chip_registered", {"chip": chip})
