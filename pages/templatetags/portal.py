"""Template tags for the layout: the language switcher, the alerts' icons, widgets' attributes."""

from functools import cache
from typing import Any

from django import template
from django.conf import settings
from django.template.context import RequestContext
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.inclusion_tag("_partials/language_switcher.html", takes_context=True)
def language_switcher(context: RequestContext) -> dict[str, Any]:
    request = context["request"]
    current = get_language()
    return {
        "current": get_language_info(current),
        "others": [
            get_language_info(code) for code, _name in settings.LANGUAGES if code != current
        ],
        # A page may be the answer to a POST elsewhere: it says where it lives.
        "next": context.get("page_path") or request.get_full_path(),
        "switch_url": reverse("switch_language"),  # once, not once a language
        "form_id": context.get("draft_form_id"),
        "csrf_token": context.get("csrf_token"),
    }


@cache
def _sprite() -> str:
    """The design system's icon sprite: its URL (with the manifest's hash) is fixed while the
    process runs."""
    return static("vendor/dkfds/img/all-svg-icons.svg")


@register.simple_tag
def alert_icon(kind: str) -> str:
    """The design system's icon for an alert of `kind` (error, warning, info, success)."""
    return format_html(
        '<svg class="icon-svg alert-icon" aria-hidden="true" focusable="false">'
        '<use href="{}#{}"></use></svg>',
        _sprite(),
        kind,
    )


@register.simple_tag
def icon(name: str) -> str:
    """An icon from the design system's sprite, for decoration (hidden from screen readers)."""
    return format_html(
        '<svg class="icon-svg" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        _sprite(),
        name,
    )


@register.filter
def widget_attributes(attrs: dict[str, Any]) -> SafeString:
    """A form widget's attributes as Django's `widgets/attrs.html` writes them (a True value is
    the name alone, a False one is left out), in one step rather than a loop of template
    nodes: it is rendered for every input on every page with a form."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )
