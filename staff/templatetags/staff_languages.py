"""The admin's language buttons: staff choose Dansk, English or Kalaallisut on any page."""

from typing import Any
from urllib.parse import quote

from django import template
from django.template.context import RequestContext
from django.urls import reverse
from django.utils.translation import get_language

from pages import languages

register = template.Library()


@register.inclusion_tag("admin/staff/includes/languages.html", takes_context=True)
def admin_languages(context: RequestContext) -> dict[str, Any]:
    """The admin has no address per language (/admin/, not /da/admin/): the buttons post to
    the portal's language switch, which keeps the choice in the language cookie, as the
    citizens' pages do, and comes back to the same admin page."""
    request = context["request"]
    return {
        "current": get_language(),
        "languages": list(languages.names().items()),
        "action": f"{reverse('switch_language')}?next={quote(request.get_full_path())}",
        "csrf_token": context.get("csrf_token"),
    }
