"""App configuration for the Demo Bank: a relying party to try MitID's OpenID Connect with."""

from django.apps import AppConfig


class DemoBankConfig(AppConfig):
    name = "demo_bank"
    verbose_name = "Demo Bank"
