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
    language after it. A page whose address has no language prefix but a `ui_locales`
    (OpenID Connect's: a party's authorization request refused on our page, its logout's
    page) is in the language that names, so the switch names the chosen one there: the page
    came back in the party's language, whichever button the citizen pressed."""
    parts = urlsplit(translate_url(path, language))
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name in ("next", "ui_locales") for name, _value in query):
        return urlunsplit(parts)
    query = [(name, _in_language(name, value, language)) for name, value in query]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


def _in_language(name: str, value: str, language: str) -> str:
    if name == "next":
        return page_in(value, language)
    return language if name == "ui_locales" else value


def page_in(path: str, language: str) -> str:
    """One of the portal's own pages in `language`; anything else as it is."""
    if not path.startswith("/") or path.startswith("//"):
        return path
    now = get_language_from_path(path)
    if now == language:
        return path  # mostly so (the page after a login): no resolving and reversing it again
    with override(now or settings.LANGUAGE_CODE):
        return translate_url(path, language)
