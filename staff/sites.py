"""The admin site staff use: password plus a code from their own TOTP device (django-otp)."""

from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from .forms import StaffLoginForm


class StaffAdminSite(OTPAdminSite):
    """Only staff verified by one of their own OTP devices get in; a password alone does not."""

    site_header = _("MitID staff")
    site_title = _("MitID staff")
    index_title = _("Borgerservice and support")
    login_form = StaffLoginForm
    login_template = "admin/staff/login.html"

    def __init__(self, name: str = "admin") -> None:
        # Named "admin", not django-otp's "otpadmin": the project reverses `admin:...`.
        super().__init__(name)
