"""The widgets' attributes filter writes what Django's own `widgets/attrs.html` writes."""

from pathlib import Path

import django
import pytest
from django.template import Context, Template
from django.utils.translation import gettext_lazy

from pages.templatetags.portal import widget_attributes

DJANGOS_ATTRS = (
    Path(django.__file__).parent
    / "forms"
    / "templates"
    / "django"
    / "forms"
    / "widgets"
    / "attrs.html"
)


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"required": True, "disabled": False, "maxlength": 48, "class": "form-input"},
        {"placeholder": 'a "quoted" <b>value</b> & more', "aria-describedby": "id_x_error"},
        {"autocomplete": "one-time-code", "title": gettext_lazy("Log in")},
    ],
)
def test_the_same_attributes_as_djangos_template(attrs: dict[str, object]) -> None:
    djangos = Template(DJANGOS_ATTRS.read_text()).render(Context({"widget": {"attrs": attrs}}))
    assert widget_attributes(attrs) == djangos.rstrip("\n")
