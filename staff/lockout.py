"""The page a locked-out staff login gets (django-axes calls it: AXES_LOCKOUT_CALLABLE)."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> Any:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return TemplateResponse(
        request,
        "admin/staff/locked_out.html",
        {**admin.site.each_context(request), "minutes": minutes, "title": ""},
        status=429,
    ).render()
