"""Form fields in the design system's markup."""

import re
from collections.abc import Iterator

import pytest
from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pages.forms import PortalFormRenderer, SameWhenBlank, _blank_html


class CodeForm(forms.Form):
    code = forms.CharField(
        help_text="6 digits", widget=forms.TextInput(attrs={"class": "input-width-xs"})
    )
    choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


def test_a_widget_keeps_its_own_class_beside_the_design_systems() -> None:
    form = CodeForm(renderer=PortalFormRenderer())
    assert 'class="input-width-xs form-input"' in str(form["code"])
    assert 'class="form-radio"' in str(form["choice"])


def test_a_field_in_error_points_to_its_hint_and_its_message_once() -> None:
    form = CodeForm({"choice": "a"}, renderer=PortalFormRenderer())
    assert not form.is_valid()
    html = str(form["code"])
    assert 'aria-describedby="id_code_helptext id_code_error"' in html
    assert 'aria-invalid="true"' in html


@pytest.fixture(autouse=True)
def _no_kept_html() -> Iterator[None]:
    """Each test starts and ends with no form's HTML kept (nor a test's own form class)."""
    _blank_html.clear()
    yield
    _blank_html.clear()


def every_blank_form() -> list[type[SameWhenBlank]]:
    """The portal's forms kept blank (not the tests' own)."""
    found, todo = [], list(SameWhenBlank.__subclasses__())
    while todo:
        form_class = todo.pop()
        if not form_class.__module__.startswith("tests."):
            found.append(form_class)
        todo.extend(form_class.__subclasses__())
    return found


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_a_blank_forms_kept_html_is_what_django_renders(language: str) -> None:
    """Every form kept blank, in every language, twice (made, then kept): Django's own render."""
    import enrollment.forms  # noqa: F401  the forms kept, imported
    import login.forms  # noqa: F401

    assert len(every_blank_form()) >= 4
    with translation.override(language):
        for form_class in every_blank_form():
            django_s = forms.Form.render(form_class())
            assert str(form_class()) == django_s
            assert str(form_class()) == django_s
            assert form_class().__html__() == django_s


def test_a_form_filled_in_or_submitted_is_rendered_afresh() -> None:
    class Kept(SameWhenBlank):
        name = forms.CharField(error_messages={"required": "Type a name."})

    assert "value=" not in str(Kept())
    assert 'value="Jonas"' in str(Kept(initial={"name": "Jonas"}))
    assert 'value="Mette"' in str(Kept({"name": "Mette"}))
    assert "Type a name." in str(Kept({}))
    assert "value=" not in str(Kept()) and "Type a name." not in str(Kept())
    kept = len(_blank_html)
    assert str(Kept(renderer=PortalFormRenderer())) == str(Kept())  # its own renderer: afresh
    assert len(_blank_html) == kept


def test_a_blank_forms_html_follows_the_language() -> None:
    class Kept(SameWhenBlank):
        name = forms.CharField(label=_("User-ID"))

    with translation.override("da"):
        danish = str(Kept())
    with translation.override("en"):
        english = str(Kept())
    assert "Bruger-ID" in danish and "User-ID" in english


class Pick(forms.Form):
    pick = forms.ChoiceField(
        choices=[("a", "A & 1"), ("b", 'B "2"'), ("3", "<three>")], widget=forms.RadioSelect
    )


@pytest.mark.parametrize("data", [None, {"pick": "b"}, {}, {"pick": "nothing"}])
def test_the_radio_buttons_are_djangos_own(data: dict[str, str] | None) -> None:
    """forms/radios.html writes each button's input itself: what Django's `radio.tag` writes,
    blank, chosen, and in error."""
    form = Pick(data)
    form.is_valid()
    html = render_to_string("forms/radios.html", {"field": form["pick"]})
    inputs = re.findall(r"<input [^>]*>", html)
    assert inputs == [str(radio.tag()) for radio in form["pick"]]
    assert len(inputs) == 3
