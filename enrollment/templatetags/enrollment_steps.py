"""The step indicator, made once for the two places a step's page shows it (beside the step
on a wide screen, in a dialog on a narrow one)."""

from django import template
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def step_list(context: Context) -> SafeString:
    """The list of the context's `steps`, rendered at its first place and kept for the second
    in the page's render context (which its blocks share)."""
    kept = context.render_context
    if "enrollment_step_list" not in kept:
        kept["enrollment_step_list"] = render_to_string(
            "enrollment/_partials/step_list.html", {"steps": context["steps"]}
        )
    html: SafeString = kept["enrollment_step_list"]
    return html
