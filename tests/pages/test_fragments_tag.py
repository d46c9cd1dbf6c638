"""`{% load fragments %}` gives the portal's `{% cache %}`: Django's fragments, kept and found
by Django's keys, with less work on each render (pages/templatetags/fragments.py)."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.templatetags.cache import CacheNode

from pages.templatetags.fragments import KeptFragmentNode

TEMPLATES_DIR = settings.BASE_DIR / "templates"
ENGINE = engines["django"].engine
# Django's own tag, loaded under the same name, to compare with.
DJANGOS = Engine(libraries={"fragments": "django.templatetags.cache"})


def node(source: str, engine: Engine | None = None) -> CacheNode:
    compiled = (engine or ENGINE).from_string("{% load fragments %}" + source)
    found = [each for each in compiled.nodelist if isinstance(each, CacheNode)]
    assert len(found) == 1
    return found[0]


@pytest.fixture(autouse=True)
def _empty() -> None:
    caches["fragments"].clear()
    caches["default"].clear()


def test_the_portals_templates_load_the_kept_tag() -> None:
    tag = '{% cache 3600 brand LANGUAGE_CODE using="fragments" %}x{% endcache %}'
    assert isinstance(node(tag), KeptFragmentNode)
    assert not isinstance(node(tag, DJANGOS), KeptFragmentNode)
    # Every template of the portal that keeps fragments loads this tag, not Django's.
    for template in TEMPLATES_DIR.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"{% load [^%]*\bcache\b", text), template
        if "{% cache " in text:
            assert re.search(r"{% load [^%]*\bfragments\b", text), template


@pytest.mark.parametrize(
    "tag",
    [
        "{% cache seconds brand using='fragments' %}x{% endcache %}",  # a variable timeout
        "{% cache 3600 brand using=name %}x{% endcache %}",  # a variable cache
        "{% cache 3600|add:1 brand using='fragments' %}x{% endcache %}",  # a filter
        "{% cache 3600 brand %}x{% endcache %}",  # no cache named: Django's choice of one
    ],
)
def test_a_tag_read_only_when_rendered_is_djangos_own_node(tag: str) -> None:
    assert type(node(tag)) is CacheNode


def render(source: str, context: dict[str, Any], engine: Engine | None = None) -> str:
    compiled = (engine or ENGINE).from_string("{% load fragments %}" + source)
    return compiled.render(Context(context))


def test_a_fragment_is_kept_under_djangos_key_and_found_by_it() -> None:
    tag = "{% cache 600 greeting name using='fragments' %}Hej {{ name }}{% endcache %}"
    assert render(tag, {"name": "Sofie"}) == "Hej Sofie"
    key = make_template_fragment_key("greeting", ["Sofie"])
    assert caches["fragments"].get(key) == "Hej Sofie"
    # Kept: the same values give the kept text, whatever else the context holds.
    caches["fragments"].set(key, "kept")
    assert render(tag, {"name": "Sofie"}) == "kept"
    assert render(tag, {"name": "Jonas"}) == "Hej Jonas"
    # And Django's own tag finds what ours kept, and the other way round.
    assert render(tag, {"name": "Jonas"}, DJANGOS) == "Hej Jonas"
    caches["fragments"].set(make_template_fragment_key("greeting", ["Jonas"]), "theirs")
    assert render(tag, {"name": "Jonas"}) == "theirs"


def test_values_whose_text_differs_are_fragments_of_their_own() -> None:
    tag = "{% cache 600 shown value using='fragments' %}{{ value }}{% endcache %}"
    # Equal as dictionary keys, not as text: each is kept as its own text says.
    for value in (1, True, 1.0, "1"):
        shown = render("{{ value }}", {"value": value})
        assert render(tag, {"value": value}) == shown
        assert render(tag, {"value": value}) == shown


class Renamed:
    """Equal to every other, whose text is what it is called now."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Renamed)

    def __hash__(self) -> int:
        return 0

    def __str__(self) -> str:
        return self.name


def test_a_value_is_known_by_its_text_as_in_djangos_key() -> None:
    tag = "{% cache 600 named who using='fragments' %}{{ who }}{% endcache %}"
    who = Renamed("Sofie")
    assert render(tag, {"who": who}) == "Sofie"
    who.name = "Jonas"
    assert render(tag, {"who": who}) == "Jonas"


def test_a_value_that_cannot_be_a_dictionary_key_still_varies_the_fragment() -> None:
    tag = "{% cache 600 listed items using='fragments' %}{{ items|join:',' }}{% endcache %}"
    assert render(tag, {"items": ["a", "b"]}) == "a,b"
    assert render(tag, {"items": ["c"]}) == "c"
    assert caches["fragments"].get(make_template_fragment_key("listed", [["a", "b"]])) == "a,b"


def test_the_timeout_written_is_the_fragments(monkeypatch: pytest.MonkeyPatch) -> None:
    timeouts: list[Any] = []
    fragments = caches["fragments"]
    monkeypatch.setattr(type(fragments), "set", lambda self, k, v, t=None, **_: timeouts.append(t))
    render("{% cache 42 a using='fragments' %}a{% endcache %}", {})
    render("{% cache None b using='fragments' %}b{% endcache %}", {})
    render("{% cache '7' c using='fragments' %}c{% endcache %}", {})
    assert timeouts == [42, None, 7]


def test_a_cache_that_is_not_configured_is_said_when_rendered_as_django_says_it() -> None:
    tag = "{% cache 600 a using='nowhere' %}a{% endcache %}"
    assert isinstance(node(tag), KeptFragmentNode)
    with pytest.raises(TemplateSyntaxError) as ours:
        render(tag, {})
    with pytest.raises(TemplateSyntaxError) as djangos:
        render(tag, {}, DJANGOS)
    assert str(ours.value) == str(djangos.value)
