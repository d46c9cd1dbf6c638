"""Form fields in the design system's markup."""

from django import forms

from pages.forms import PortalFormRenderer


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
