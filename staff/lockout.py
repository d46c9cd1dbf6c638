"""django-axes for staff logins: the page a locked-out login gets (AXES_LOCKOUT_CALLABLE), and
a handler that leaves citizens' MitID logins alone (AXES_HANDLER)."""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


class StaffLoginHandler(AxesDatabaseHandler):
    """Axes' database handler, for the staff admin only. A citizen's MitID login also goes
    through Django's `auth.login`, and axes would clean and reset its attempts on each (two
    queries), and clean attempts on each log-out (one), though it never counts them: the
    portal's own limits do (`pages.attempts`)."""

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        if self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        # The same for a citizen's log-out (and the end of a party's login): a query for
        # attempts axes never counted.
        if self.is_admin_request(request):
            super().user_logged_out(sender, request, user, **kwargs)


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> Any:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return TemplateResponse(
        request,
        "admin/staff/locked_out.html",
        {**admin.site.each_context(request), "minutes": minutes, "title": ""},
        status=429,
    ).render()
