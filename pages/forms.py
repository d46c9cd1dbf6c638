"""Form rendering in the markup of Det Fælles Designsystem, with errors tied to their fields."""

from pathlib import Path
from typing import Any

from django import forms
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.renderers import TemplatesSetting, get_default_renderer
from django.utils import autoreload, translation
from django.utils.safestring import SafeString

# The design system's class for each kind of input; text-like inputs are `form-input`.
WIDGET_CLASSES = {"checkbox": "form-checkbox", "radio": "form-radio", "select": "form-select"}


class PortalBoundField(forms.BoundField):
    """A bound field whose widget carries the design system's class and points to its error."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css_class = WIDGET_CLASSES.get(getattr(widget, "input_type", None) or "", "form-input")
        # The widget's own class (a width such as `input-width-xs`) stays beside it: these
        # attrs win over the widget's when it renders.
        own = [str(widget.attrs.get("class") or ""), str(attrs.get("class") or "")]
        attrs["class"] = " ".join(filter(None, [*own, css_class]))
        # Django names the error itself, unless the widget has its own aria-describedby.
        error = f"{self.auto_id}_error"
        described = str(attrs.get("aria-describedby") or widget.attrs.get("aria-describedby") or "")
        if self.errors and self.auto_id and error not in described.split():
            attrs["aria-describedby"] = " ".join(filter(None, [error, described]))
        return attrs


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField


# A blank form's HTML, by what it depends on (`SameWhenBlank`).
_blank_html: dict[tuple[Any, ...], SafeString] = {}


class SameWhenBlank(forms.Form):
    """A form whose fields its class fixes (labels, choices, widgets' attributes): blank (not
    submitted, nothing filled in, no error added), it renders the same HTML in a language
    every time, so that HTML is made once a process for each language and kept. Rendering a
    form runs a template for it and one for each field and widget, about half a millisecond
    for a field; a login page shows its form blank nearly always. Not for a form whose
    `__init__` changes its fields."""

    def render(
        self, template_name: str | None = None, context: Any = None, renderer: Any = None
    ) -> SafeString:
        if (
            self.is_bound
            or self.initial
            or getattr(self, "_errors", None)
            or context
            or renderer
            or self.renderer is not get_default_renderer()  # the project's FORM_RENDERER
        ):
            return super().render(template_name, context, renderer)
        key = (
            type(self),
            self.prefix,
            self.auto_id,
            self.label_suffix,
            self.use_required_attribute,
            template_name or self.template_name,
            translation.get_language(),
        )
        html = _blank_html.get(key)
        if html is None:
            html = _blank_html[key] = super().render(template_name)
        return html

    __str__ = render
    __html__ = render


@receiver(setting_changed)
def _forget_blank_forms_on_setting(setting: str, **kwargs: Any) -> None:
    if setting in {"TEMPLATES", "FORM_RENDERER", "LANGUAGES", "INSTALLED_APPS"}:
        _blank_html.clear()


@receiver(autoreload.file_changed)
def _forget_blank_forms_on_edit(file_path: Path, **kwargs: Any) -> None:
    """`runserver` keeps the process when a template changes (Django resets its template
    loaders instead): a form's template may have, so its HTML is made again."""
    _blank_html.clear()
