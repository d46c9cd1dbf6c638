"""What self-service tells a citizen: the code for a new address, and the old address that
it was replaced. Queued in the outbox inside the caller's transaction."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from authenticators.notices import notice
from enrollment import codes
from enrollment.models import ContactChannel
from enrollment.notices import deliver_code
from messaging.services import queue_email, queue_sms

from .models import ContactChange


def send_contact_change_code(change_id: int, language: str) -> None:
    """Make a code (enrollment's machinery) and queue it to the new address."""
    with transaction.atomic():
        change = ContactChange.objects.select_for_update().get(pk=change_id)
        if change.confirmed_at is not None:
            return
        code = codes.renew_code(change)
        deliver_code(change.channel, change.address, code, language)


def tell_replaced_address(change_id: int) -> None:
    """Tell the old number or address that MitID's notices now go elsewhere; then forget it.

    The message is queued in the same transaction as the change (the outbox), and the
    forgetting makes a second call send nothing.
    """
    with transaction.atomic():
        change = (
            ContactChange.objects.select_for_update().select_related("identity").get(pk=change_id)
        )
        address, change.replaced = change.replaced, ""
        if not address:
            return
        change.save(update_fields=["replaced"])
        with translation.override(change.identity.language):
            if change.channel == ContactChannel.SMS:
                body = _(
                    "The mobile number for your MitID was changed. If this was not you, call "
                    "MitID support on %(phone)s at once."
                )
                queue_sms(to=address, body=notice(body))
            else:
                body = _(
                    "The e-mail address for your MitID was changed. If this was not you, call "
                    "MitID support on %(phone)s at once."
                )
                subject = _("Your MitID e-mail address was changed")
                queue_email(to=address, subject=notice(subject), body=f"{notice(body)}\n\nMitID\n")
