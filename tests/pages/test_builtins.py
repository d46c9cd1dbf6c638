"""Django's own template tags as the portal's builtins do them: the same pages, less work."""

from django.template import Context, Engine, engines

from pages.templatetags.builtins import KeptBlocksExtendsNode

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
