"""Staff permissions for the actions in admin; there is no table, only the permissions' anchor."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffAction(models.Model):
    """What the groups "Borgerservice" and "Support" may do beyond viewing (migration 0002)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("block_authenticator", _("Can block an authenticator")),
            ("unblock_authenticator", _("Can unblock an authenticator after an ID check")),
            ("revoke_authenticator", _("Can revoke an authenticator for ever")),
            ("block_identity", _("Can block a whole MitID")),
            ("lift_identity_block", _("Can lift the block of a MitID after an ID check")),
            ("raise_level", _("Can raise a MitID to level High after an ID check")),
            ("create_at_desk", _("Can create MitID at the Borgerservice desk")),
        ]
        verbose_name = _("staff action")
        verbose_name_plural = _("staff actions")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
