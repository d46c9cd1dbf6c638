"""An assurance level as a citizen sees it: its name, linked to the page that explains it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from authenticators.models import AssuranceLevel

register = template.Library()


@register.simple_tag
def level_link(level: str) -> SafeString:
    """ "Substantial" (in the page's language), linked to its part of the levels page."""
    return format_html(
        '<a href="{}#{}">{}</a>', reverse("pages:levels"), level, AssuranceLevel(level).label
    )
