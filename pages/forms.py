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
        attrs["class"] = " ".join(filter(None, [str(attrs.get("class") or ""), css_class]))
        if self.errors and self.auto_id:
            described = [f"{self.auto_id}_error", str(attrs.get("aria-describedby") or "")]
            attrs["aria-describedby"] = " ".join(filter(None, described))
        return attrs


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField
