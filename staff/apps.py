"""App configuration for the staff side: the OTP admin site, groups and staff permissions."""

from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")
    default = True

    def ready(self) -> None:
        # Django records `last_login` at every login, an UPDATE of the account. The admin
        # shows it for staff, who keep it; a citizen's MitID logins are in their history and
        # the audit log, and their account is not written again at each of them.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(staff_last_login, dispatch_uid="update_last_login")
        # Why a staff login failed, in words in the audit log.
        from audit.labels import register_details, register_reasons
        from audit.models import AuditEntry

        from .services import ENROLMENT_WORDS, LOGIN_FAILURE_WORDS

        register_reasons(LOGIN_FAILURE_WORDS, action=AuditEntry.Action.STAFF_LOGIN_FAILED)
        register_reasons(ENROLMENT_WORDS, action=AuditEntry.Action.STAFF_TOTP_ENROLLED)
        # A staff login's detail: the address it came from ("client 192.0.2.7").
        register_details(
            {"client": pgettext_lazy("the address a staff login came from", "from")},
            actions=(AuditEntry.Action.STAFF_LOGIN, AuditEntry.Action.STAFF_LOGIN_FAILED),
        )


def staff_last_login(sender: Any, user: Any, **kwargs: Any) -> None:
    from django.contrib.auth.models import update_last_login

    if user.is_staff:
        update_last_login(sender, user, **kwargs)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site as `admin.site` (the documented way to replace it), so
    every `@admin.register` in the project lands on the OTP-protected site."""

    default = False
    default_site = "staff.sites.StaffAdminSite"
