"""What a citizen is told about their enrollment: contact codes and device orders."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from authenticators.notices import contact_details, notice, notify
from messaging.services import queue_email, queue_letter, queue_sms

from .models import ContactChannel, DeviceOrder


def deliver_code(channel: str, address: str, code: str, language: str) -> None:
    """Queue a contact code by SMS or e-mail (enrollment's, and self-service's); the code is
    blanked from the outbox once delivered."""
    with translation.override(language):
        context = {"code": code, "minutes": settings.CONTACT_CODE_MINUTES}
        if channel == ContactChannel.SMS:
            body = render_to_string("enrollment/messages/code_sms.txt", context)
            queue_sms(to=address, body=body.strip(), sensitive=True)
        else:
            subject = render_to_string("enrollment/messages/code_email_subject.txt", context)
            body = render_to_string("enrollment/messages/code_email.txt", context)
            queue_email(to=address, subject=subject.strip(), body=body, sensitive=True)


def tell_order_placed(order_id: int, language: str) -> None:
    """Tell the citizen, by SMS and e-mail where confirmed, that their device is ordered."""
    order = DeviceOrder.objects.select_related("case", "identity", "slot__office").get(pk=order_id)
    case = order.case
    if case is not None:
        mobile = case.mobile if case.mobile_confirmed_at else ""
        email = case.email if case.email_confirmed_at else ""
    else:  # ordered in self-service: the identity's confirmed contact details
        mobile, email = contact_details(order.identity)
    with translation.override(language):
        context = {
            "order": order,
            "delivery_by": order.expected_delivery,
        }
        if mobile:
            body = render_to_string("enrollment/messages/order_sms.txt", context)
            queue_sms(to=mobile, body=body.strip())
        if email:
            subject = render_to_string("enrollment/messages/order_email_subject.txt", context)
            body = render_to_string("enrollment/messages/order_email.txt", context)
            queue_email(to=email, subject=subject.strip(), body=body)


def post_activation_letter(order_id: int, code: str, language: str) -> None:
    """The letter that goes with a code device to someone without NemID: the activation code
    they type with their user-ID on the portal. Blanked from the outbox once posted."""
    order = DeviceOrder.objects.get(pk=order_id)
    with translation.override(language):
        device = str(order.get_kind_display())
        context = {
            "device": device,
            "code": code,
            "url": "MitID.dk" + reverse("authenticators:letter_code"),
            "days": settings.LETTER_ACTIVATION_CODE_DAYS,
        }
        body = render_to_string("enrollment/messages/activation_letter.txt", context)
        subject = str(_("Activation letter for your %(device)s") % {"device": device})
    queue_letter(to=order.address, subject=subject, body=body, sensitive=True)


# Device orders after they are placed (enrollment.orders) --------------------------------

# What the citizen is told as their order moves on: (subject, text) with %(device)s and, where
# a device was assigned, %(serial)s.
ORDER_NOTICES = {
    DeviceOrder.Status.SENT: (
        _("Your %(device)s is on its way"),
        _(
            "Your %(device)s has been sent by post with an activation letter. Activate it on "
            "MitID.dk when it arrives. If you did not order it, call MitID support on %(phone)s."
        ),
    ),
    DeviceOrder.Status.DELIVERED: (
        _("Your %(device)s should have arrived"),
        _(
            "The post has delivered your %(device)s. Activate it on MitID.dk with the serial "
            "number %(serial)s on its back. If it has not come, call MitID support on %(phone)s."
        ),
    ),
    DeviceOrder.Status.COLLECTED: (
        _("You collected your %(device)s"),
        _(
            "You collected your %(device)s (serial number %(serial)s) at Borgerservice. "
            "Activate it on MitID.dk."
        ),
    ),
    DeviceOrder.Status.LOST: (
        _("Your %(device)s was lost on its way"),
        _(
            "Your %(device)s was lost on its way to you and can never be used. Order a new one "
            "on MitID.dk, or call MitID support on %(phone)s."
        ),
    ),
    "reminder": (
        _("Remember to activate your %(device)s"),
        _(
            "You have your %(device)s (serial number %(serial)s) but have not activated it yet. "
            "Activate it on MitID.dk, or call MitID support on %(phone)s if you need help."
        ),
    ),
}


def tell_order_moved(order_id: int, event: str) -> None:
    """Tell the citizen how their device order moved on, in their language."""
    order = DeviceOrder.objects.select_related("identity", "token").get(pk=order_id)
    subject, body = ORDER_NOTICES[event]
    with translation.override(order.identity.language):
        names = {
            "device": str(order.get_kind_display()),
            "serial": order.token.serial if order.token else "",
        }
        context = {"subject": notice(subject, **names), "body": notice(body, **names)}
    notify(order.identity, "authenticators/messages/status_notice", context)
