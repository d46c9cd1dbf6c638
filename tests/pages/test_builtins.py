"""Django's own template tags as the portal's builtins do them: the same pages, less work."""

from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template import Context, Engine, engines
from django.template.defaulttags import URLNode
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix
from django.utils import translation

from pages.templatetags.builtins import KeptBlocksExtendsNode, KeptURLNode

TEMPLATES = {
    "root.html": (
        "<title>{% block title %}Root{% endblock %}</title>"
        "{% block body %}<p>root body</p>{% block inner %}root inner{% endblock %}{% endblock %}"
        "{% if show %}{% block shown %}root shown{% endblock %}{% endif %}"
        "{% block tail %}root tail{% endblock %}"
    ),
    "middle.html": (
        "{% extends 'root.html' %}"
        "{% block title %}Middle, {{ block.super }}{% endblock %}"
        "{% block inner %}middle inner{% block deeper %}{% endblock %}{% endblock %}"
    ),
    "leaf.html": (
        "{% extends 'middle.html' %}"
        "{% block deeper %} leaf deeper {{ name }}{% endblock %}"
        "{% block shown %}leaf shown, {{ block.super }}{% endblock %}"
        "{% block tail %}{% endblock %}"
    ),
    "direct.html": "{% extends 'root.html' %}{% block body %}direct{% endblock %}",
}


def engine(templates: dict[str, str], *, kept: bool) -> Engine:
    return Engine(
        loaders=[
            (
                "django.template.loaders.cached.Loader",
                [("django.template.loaders.locmem.Loader", templates)],
            )
        ],
        builtins=["pages.templatetags.builtins"] if kept else [],
    )


def test_a_page_renders_as_with_djangos_own_extends() -> None:
    kept, django = engine(TEMPLATES, kept=True), engine(TEMPLATES, kept=False)
    for name in ("leaf.html", "middle.html", "direct.html"):
        for show in (True, False):
            context = {"name": "Sofie", "show": show}
            expected = django.get_template(name).render(Context(context))
            for _ in range(2):  # the root's blocks found, then kept
                assert kept.get_template(name).render(Context(context)) == expected


def test_a_root_template_compiled_anew_gives_its_new_blocks() -> None:
    """A changed file is a new compiled template: its blocks are found again, not the old."""
    templates = dict(TEMPLATES)
    kept = engine(templates, kept=True)
    assert kept.get_template("direct.html").render(Context()) == (
        "<title>Root</title>directroot tail"
    )
    templates["root.html"] = "{% block body %}{% endblock %}|{% block title %}New{% endblock %}"
    kept.template_loaders[0].reset()
    assert kept.get_template("direct.html").render(Context()) == "direct|New"


def test_the_portals_pages_extend_with_it() -> None:
    page = engines["django"].get_template("login/start.html").template  # type: ignore[attr-defined]
    assert isinstance(page.nodelist[0], KeptBlocksExtendsNode)


def render(source: str, context: dict[str, Any] | None = None) -> str:
    page = engines["django"].from_string(source)
    return page.render(context)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_a_url_by_name_alone_is_djangos_in_each_language(language: str) -> None:
    source = "{% url 'login:start' %}|{% url 'pages:safety' as safety %}{{ safety }}"
    with translation.override(language):
        expected = f"{reverse('login:start')}|{reverse('pages:safety')}"
        assert render(source) == render(source) == expected
        assert expected.startswith(f"/{language}/")


def test_a_kept_url_follows_the_script_prefix_and_the_urlconf() -> None:
    source = "{% url 'login:start' %}"
    with translation.override("da"):
        assert render(source) == "/da/login/"
        set_script_prefix("/portal/")
        try:
            assert render(source) == "/portal/da/login/"
        finally:
            set_script_prefix("/")
        with override_settings(ROOT_URLCONF="tests.pages.test_builtins"):
            assert render(source) == "/elsewhere/"
        assert render(source) == "/da/login/"


def test_a_url_that_does_not_reverse_is_refused_as_django_refuses_it() -> None:
    with pytest.raises(NoReverseMatch):
        render("{% url 'login:nowhere' %}")
    assert render("{% url 'login:nowhere' as where %}[{{ where }}]") == "[]"


def test_a_url_with_arguments_or_a_variable_name_is_djangos_own() -> None:
    source = "{% url 'enrollment:document' 'terms' %}{% url name %}{% url 'login:start' %}"
    nodes = engines["django"].from_string(source).template.nodelist  # type: ignore[attr-defined]
    assert [type(node) for node in nodes] == [URLNode, URLNode, KeptURLNode]
    assert render("{% url name %}", {"name": "login:start"}) == reverse("login:start")


# A URLconf of this test's own (`override_settings(ROOT_URLCONF=...)`).
urlpatterns = [
    path("", include(([path("elsewhere/", lambda request: HttpResponse(), name="start")], "login")))
]
