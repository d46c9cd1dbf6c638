"""A page of the portal's in another language: its address, and the page it leads on to."""

from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import translate_url
from django.utils.text import capfirst
from django.utils.translation import get_language_from_path, get_language_info, override


def names() -> dict[str, str]:
    """Each of the portal's languages by its name in itself, as a menu begins it (Dansk,
    English, Kalaallisut)."""
    return _names(tuple(settings.LANGUAGES))


@cache
def _names(languages: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {code: capfirst(get_language_info(code)["name_local"]) for code, _name in languages}


def in_language(path: str, language: str) -> str:
    """The page in `language`, and the page it leads on to (its own `next`, where a login
    goes afterwards) in it too: a citizen who switched on the login page stays in their
    language after it."""
    parts = urlsplit(translate_url(path, language))
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name == "next" for name, _value in query):
        return urlunsplit(parts)
    query = [(name, page_in(value, language) if name == "next" else value) for name, value in query]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


def page_in(path: str, language: str) -> str:
    """One of the portal's own pages in `language`; anything else as it is."""
    if not path.startswith("/") or path.startswith("//"):
        return path
    now = get_language_from_path(path)
    if now == language:
        return path  # mostly so (the page after a login): no resolving and reversing it again
    with override(now or settings.LANGUAGE_CODE):
        return translate_url(path, language)
