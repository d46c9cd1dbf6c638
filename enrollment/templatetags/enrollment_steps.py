"""The step indicator, made once for the two places a step's page shows it (beside the step
on a wide screen, in a dialog on a narrow one)."""

from django import template
from django.core.cache import caches
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from pages.templatetags.fragments import fragment_key

register = template.Library()


@register.simple_tag(takes_context=True)
def step_list(context: Context) -> SafeString:
    """The list of the context's `steps` (`enrollment.views.StepItem`s), rendered at its first
    place and kept for the second in the page's render context (which its blocks share). A
    case's steps take few shapes, so the list's HTML is also kept as a layout fragment, by
    language and the steps' plain values (a step's title is its step's, in the language): its
    items and their tests were most of a step page's own template work."""
    kept = context.render_context
    if "enrollment_step_list" not in kept:
        steps = context["steps"]
        # Each item as its tuple of values (tuple's own repr: no Python call an item).
        key = fragment_key("enrollment_step_list", get_language(), *map(tuple.__repr__, steps))
        fragments = caches["fragments"]
        made = fragments.get(key)
        if made is None:
            made = render_to_string("enrollment/_partials/step_list.html", {"steps": steps})
            fragments.set(key, made)
        kept["enrollment_step_list"] = made
    html: SafeString = kept["enrollment_step_list"]
    return html
