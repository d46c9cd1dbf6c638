"""What a citizen has typed, carried across a change of language or a stale form.

The language switcher submits the page's own form to the switch view, which keeps the fields
the page declares safe to keep (never passwords or codes) until the page is shown again in
the new language; a form refused for its CSRF token keeps them the same way
(`pages.views.csrf_failure`).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve

SESSION_KEY = "drafts"
View = TypeVar("View", bound=Callable[..., Any])


def _page(path: str) -> ResolverMatch | None:
    try:
        return resolve(path.split("?", 1)[0])
    except Resolver404:
        return None


def _declared(match: ResolverMatch) -> tuple[str, ...]:
    view = getattr(match.func, "view_class", match.func)  # a class-based view, or a function
    return tuple(getattr(view, "draft_fields", ()))


def declared_fields(path: str) -> tuple[str, ...]:
    """The fields the page at `path` declares safe to keep (none: it keeps no drafts)."""
    match = _page(path)
    return _declared(match) if match is not None else ()


def keep_draft(request: HttpRequest, path: str) -> None:
    """Keep the declared draft fields of the page at `path` from this request's POST data."""
    match = _page(path)
    if match is None:
        return
    values = {name: request.POST[name] for name in _declared(match) if name in request.POST}
    if values:
        drafts = request.session.get(SESSION_KEY, {})
        drafts[match.view_name] = values
        request.session[SESSION_KEY] = drafts


def take_draft(request: HttpRequest) -> dict[str, Any]:
    """Return and forget the draft kept for the page being shown."""
    if request.resolver_match is None or SESSION_KEY not in request.session:
        return {}
    drafts = request.session[SESSION_KEY]
    values: dict[str, Any] = drafts.pop(request.resolver_match.view_name, {})
    request.session[SESSION_KEY] = drafts
    return values


def keeps_drafts(*fields: str) -> Callable[[View], View]:
    """For function views: declare the safe fields to keep (the view fills its form from
    `take_draft` and gives the template `draft_form_id`)."""

    def declare(view: View) -> View:
        view.draft_fields = fields  # type: ignore[attr-defined]
        return view

    return declare


class DraftFormMixin:
    """For FormViews: fill the form from a kept draft. List safe fields in `draft_fields`."""

    draft_fields: tuple[str, ...] = ()
    request: HttpRequest

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()  # type: ignore[misc]
        if self.request.method == "GET":
            initial.update(take_draft(self.request))
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        # The language switcher submits this form, so what was typed survives the switch.
        context.setdefault("draft_form_id", "page-form")
        return context
