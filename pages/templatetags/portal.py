"""Template tags for the layout: the language switcher, the alerts' icons, widgets' attributes."""

from functools import cache
from typing import Any
from urllib.parse import quote

from django import template
from django.template.context import RequestContext
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from pages import languages

register = template.Library()


@register.inclusion_tag("_partials/language_switcher.html", takes_context=True)
def language_switcher(context: RequestContext) -> dict[str, Any]:
    """Every page's language buttons. The languages' names and the switch view's URL are made
    once a process, the buttons' shared target once a page, and the buttons themselves are a
    cached fragment for each language, form and address without a query (the template): the
    switcher was an eighth of the login page's Python calls."""
    request = context["request"]
    current = get_language()
    names = languages.names()
    # A page may be the answer to a POST elsewhere: it says where it lives.
    next_path = context.get("page_path") or request.get_full_path()
    switch_url = _switch_url()
    form_id = context.get("draft_form_id")
    action = f"{switch_url}?next={quote(next_path)}"  # as the `urlencode` filter quotes
    return {
        "current": (current, names.get(current, current)),
        "others": [(code, name) for code, name in names.items() if code != current],
        "switch_url": switch_url,
        "action": action,
        "form_id": form_id,
        "csrf_token": context.get("csrf_token"),
        # The buttons' fragment, for an address without a query: a page's addresses are few.
        "buttons_key": None if "?" in next_path else f"{form_id or ''} {action}",
    }


@cache
def _switch_url() -> str:
    return reverse("switch_language")


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
