"""The permission to edit the catalogues; there is no table, only the permission's anchor."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Catalogue(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("edit_catalogues", _("Can edit the translation catalogues"))]
        verbose_name = _("translation catalogue")
        verbose_name_plural = _("translation catalogues")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
