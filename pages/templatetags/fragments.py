"""Django's `{% cache %}`, doing less on every render of a fragment a page looks up.

`{% load fragments %}` gives a template this `{% cache %}` in place of Django's (`{% load
cache %}` still gives Django's own, which keeps and finds the same fragments). A page of the
layout looks up ten to sixteen fragments, and Django's node, on each, reads its literal
timeout and cache name anew, hashes the values it varies on with md5, and has the cache make
the key again. Here a tag whose timeout and cache name are literals (`{% cache 3600 name ...
using="fragments" %}`, as every one of ours) has both read once, when the template is
compiled, and a fragment's key for the same values is worked out once a process. The key is
Django's own (`make_template_fragment_key`), so a fragment is kept and found as before. A tag
with a variable timeout or cache name is Django's own node, with its errors.
"""

from functools import lru_cache
from typing import Any

from django import template
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.utils import make_template_fragment_key
from django.template import TemplateSyntaxError
from django.template.base import FilterExpression, Parser, Token, Variable
from django.template.context import Context
from django.templatetags.cache import CacheNode, do_cache

register = template.Library()

_NOT_LITERAL = object()


def literal(expression: FilterExpression) -> Any:
    """What a filter expression without filters always gives (a number or a quoted string
    as written in the tag), or `_NOT_LITERAL`."""
    if expression.filters:
        return _NOT_LITERAL
    written = expression.var  # Django's parse: a constant string as such, else a Variable
    if isinstance(written, Variable):
        return written.literal if written.lookups is None else _NOT_LITERAL
    return written if isinstance(written, str) else _NOT_LITERAL


@lru_cache(maxsize=4096)
def fragment_key(fragment_name: str, *texts: str) -> str:
    """`make_template_fragment_key` of values with these texts, kept: Django's key is made of
    each value's `str()` alone, so the texts are all it depends on."""
    return make_template_fragment_key(fragment_name, texts)


class KeptFragmentNode(CacheNode):
    """CacheNode with the timeout and the cache's name read when the template is compiled."""

    def __init__(self, node: CacheNode, timeout: int | None, cache_name: str) -> None:
        super().__init__(
            node.nodelist, node.expire_time_var, node.fragment_name, node.vary_on, node.cache_name
        )
        self.timeout = timeout
        self.kept_cache_name = cache_name

    def render(self, context: Context) -> str:
        key = fragment_key(self.fragment_name, *[str(var.resolve(context)) for var in self.vary_on])
        try:
            fragments = caches[self.kept_cache_name]
        except InvalidCacheBackendError:
            message = f"Invalid cache name specified for cache tag: {self.kept_cache_name!r}"
            raise TemplateSyntaxError(message) from None  # as Django's node says it
        value: str | None = fragments.get(key)
        if value is None:
            value = self.nodelist.render(context)
            fragments.set(key, value, self.timeout)
        return value


@register.tag("cache")
def cache(parser: Parser, token: Token) -> CacheNode:
    node = do_cache(parser, token)  # Django's parsing, and its errors for a malformed tag
    if node.cache_name is None:
        return node
    timeout, cache_name = literal(node.expire_time_var), literal(node.cache_name)
    if timeout is _NOT_LITERAL or not isinstance(cache_name, str):
        return node
    try:
        seconds = None if timeout is None else int(timeout)
    except (TypeError, ValueError):
        return node  # Django's node says so when it renders
    return KeptFragmentNode(node, seconds, cache_name)
