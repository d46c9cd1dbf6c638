"""The simulated CPR register's own records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisteredPerson(models.Model):
    """A person as the simulated CPR register knows them."""

    cpr = models.CharField(_("CPR number"), max_length=10, unique=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        verbose_name = _("registered person")
        verbose_name_plural = _("registered people")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"
