"""A change of contact details waiting for its code, and when codes were sent.

Enrollment's AddressCode and AddressCodeSend, so that its code machinery (`renew_code`,
`check_code`, `check_send_limits`) serves both; these belong to the identity, not to a case.
"""

from django.db import models

from authenticators.models import Identity
from enrollment.models import AddressCode, AddressCodeSend


class ContactChange(AddressCode):
    """A new mobile number or e-mail address, used only once its code is typed."""

    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="contact_changes")
    # The address it took the place of, once confirmed: told of the change, then forgotten.
    replaced = models.CharField(max_length=254, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identity", "channel"], name="one_contact_change_per_channel"
            )
        ]


class ContactChangeSend(AddressCodeSend):
    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="+")
