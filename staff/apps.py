"""App configuration for the staff side: the OTP admin site, groups and staff permissions."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")
    default = True


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site as `admin.site` (the documented way to replace it), so
    every `@admin.register` in the project lands on the OTP-protected site."""

    default = False
    default_site = "staff.sites.StaffAdminSite"
