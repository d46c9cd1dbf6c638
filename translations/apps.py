"""App configuration for the translators' tools."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "translations"
    verbose_name = _("Translations")

    def ready(self) -> None:
        from rosetta.signals import post_save

        from .catalogues import after_rosetta_save

        post_save.connect(after_rosetta_save, dispatch_uid="translations.after_rosetta_save")
