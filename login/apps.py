"""App configuration for logging in with MitID."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginConfig(AppConfig):
    name = "login"
    verbose_name = _("MitID login")

    def ready(self) -> None:
        from . import entry, views

        # The app that begins a login on someone's behalf answers with its first page.
        entry.register(views.StartView.page_on_behalf)
