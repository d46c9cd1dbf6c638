"""Form rendering in the markup of Det Fælles Designsystem, with errors tied to their fields."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

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
