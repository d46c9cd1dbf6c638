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
    # The passport the register knows for the person, which a passport enrollment must match.
    passport_number = models.CharField(_("passport number"), max_length=9, blank=True)

    class Meta:
        verbose_name = _("registered person")
        verbose_name_plural = _("registered people")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class PCodePerson(models.Model):
    """Someone without a CPR number, known to MitID by a P-code (the simulated register)."""

    p_code = models.CharField(_("P-code"), max_length=10, unique=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    nationality = models.CharField(_("nationality"), max_length=3)
    passport_number = models.CharField(_("passport number"), max_length=9, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("person with a P-code")
        verbose_name_plural = _("people with a P-code")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"
