"""A URL by its name alone, reversed once a process for each language, URLconf, script prefix
and current app: what Django's `reverse` answers depends on nothing else, and it costs some
forty Python calls each time (a step page asks for several, and `{% url %}` on every page)."""

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# (view name, current app, language, URLconf, script prefix): the URL Django's `reverse` gave.
_URLS: dict[tuple[str, str | None, str | None, Any, str], str] = {}


def by_name(view_name: str, current_app: str | None = None) -> str:
    """`reverse(view_name, current_app=current_app)`; NoReverseMatch as it raises it."""
    key = (view_name, current_app, get_language(), get_urlconf(), get_script_prefix())
    found = _URLS.get(key)
    if found is None:
        found = _URLS[key] = reverse(view_name, current_app=current_app)
    return found


@receiver(setting_changed)
def _forget_urls(**kwargs: Any) -> None:
    """A test's own URLconf, default language or languages: the URLs are reversed anew."""
    _URLS.clear()
