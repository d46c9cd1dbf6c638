"""The doors of staff actions in admin: permission checks, the form page, a word per object.

An action that needs input (a reason, an ID check) first shows a form page (CSRF-protected,
posted back to the change list with the same selection); each selected object then goes
through its service on its own, and staff read per object what was done or why not.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from audit.labels import register_reasons
from audit.models import AuditEntry
from authenticators.services import Refused

from . import services

# The tag of a message shown as written: an outcome begins with the object's name, whose user-ID
# the admin's capfirst changed ("Karen.h: … blocked."); templates/admin/base_site.html.
AS_WRITTEN = "as-written"

# Why a service said no, in words staff can pass on; the keys are the services' codes.
REFUSALS = {
    "reason_missing": _("a reason is required"),
    "revoked": _("it is revoked, which is for ever"),
    "already_blocked": _("it is already blocked"),
    "not_blocked": _("it is not blocked"),
    "not_active": _("it is not active"),
    "already_high": _("it is already at level High"),
    "id_check_missing": _(
        "the ID check is missing: record the document and the last 4 characters of its number"
    ),
    "order_status": _("an order in this status cannot be moved to that one"),
    "order_not_open": _("the order is no longer waiting to be sent or handed out"),
    "out_of_stock": _("no device of this kind is in stock"),
}


ONE_PERSON_ONLY = _(
    "An ID check is of one person: select that person's rows only (not all rows). Nothing was done."
)


def refusal_text(code: str) -> str:
    return str(REFUSALS.get(code, code))


def chosen_action(request: HttpRequest) -> str:
    """The action a change-list POST asks for (the top or the bottom action bar)."""
    names = request.POST.getlist("action")
    try:
        return names[int(request.POST.get("index", 0))]
    except (ValueError, IndexError):
        return ""


class StaffActionsMixin(admin.ModelAdmin[Any]):
    """Actions that need a permission answer 403 to those without it, and it is audited.

    Django's admin would merely leave such an action out of the menu and say "no action
    selected"; a POST naming it anyway is someone trying, and goes in the audit log.
    """

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        # A refused action is audited by its name; the log shows the action's own words.
        register_reasons(
            {
                name: getattr(self, name).short_description
                for name in self.actions or ()
                if isinstance(name, str)
            },
            action=AuditEntry.Action.PERMISSION_DENIED,
        )

    # Django's admin asks has_<permission>_permission for each `permissions=[...]` of an action.
    def has_block_authenticator_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.block_authenticator")

    def has_unblock_authenticator_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.unblock_authenticator")

    def has_revoke_authenticator_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.revoke_authenticator")

    def has_block_identity_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.block_identity")

    def has_lift_identity_block_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.lift_identity_block")

    def has_raise_level_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.raise_level")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and (name := chosen_action(request)):
            self._refuse_without_permission(request, name)
        return super().changelist_view(request, extra_context)

    def _refuse_without_permission(self, request: HttpRequest, name: str) -> None:
        action = self.get_action(name)
        if action is None:
            return
        required = getattr(action[0], "allowed_permissions", ())
        if all(getattr(self, f"has_{perm}_permission")(request) for perm in required):
            return
        try:
            selected = list(
                self.get_queryset(request).filter(
                    pk__in=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
                )
            )
        except (ValueError, ValidationError):
            selected = []
        services.record_permission_denied(
            by=request.user,
            action=name,
            what=self.model._meta.verbose_name,  # lazy: written in the log's language
            objects=selected,
        )
        raise PermissionDenied

    # The field that names an object's person (an identity's own key on Identity's screen).
    identity_field = "identity"

    def describe(self, obj: models.Model) -> str:
        """How an object is named on the form page and in the outcome messages."""
        return str(obj)

    def spans_people(self, request: HttpRequest, queryset: QuerySet[Any]) -> bool:
        """Whether a selection is more than one person's, or every row ("select all")."""
        if request.POST.get("select_across", "0") != "0":
            return True
        return queryset.order_by().values(self.identity_field).distinct().count() > 1

    def apply_to_each(
        self,
        request: HttpRequest,
        objects: QuerySet[Any] | Sequence[Any],
        perform: Callable[[Any], str | None],
        *,
        done: str,
    ) -> None:
        """Run the service on each object; say per object what was done or why it was not.

        `perform` may return a detail to add to what was done (a serial number).
        """
        for obj in objects:
            try:
                detail = perform(obj)
            except Refused as refusal:
                self.message_user(
                    request,
                    format_lazy(
                        _("{object}: not done, {why}."),
                        object=self.describe(obj),
                        why=refusal_text(refusal.code),
                    ),
                    messages.ERROR,
                    extra_tags=AS_WRITTEN,
                )
            else:
                self.message_user(
                    request,
                    format_lazy(
                        _("{object}: {done}."),
                        object=self.describe(obj),
                        done=f"{done} {detail}" if detail else done,
                    ),
                    messages.SUCCESS,
                    extra_tags=AS_WRITTEN,
                )

    def run_with_form(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        *,
        action: str,
        form_class: type[forms.Form],
        title: str,
        submit: str,
        done: str,
        perform: Callable[[Any, Any], None],
        one_person: bool = False,
    ) -> TemplateResponse | None:
        """Show the action's form page; once it is posted back valid, run the action.

        `one_person`: the form is an ID check, which is of one person's document, so it is
        refused for a selection of several people's objects or of all rows.
        """
        if one_person and self.spans_people(request, queryset):
            self.message_user(request, ONE_PERSON_ONLY, messages.ERROR)
            return None
        applying = "apply" in request.POST
        form = form_class(request.POST if applying else None)
        if applying and form.is_valid():
            self.apply_to_each(request, queryset, lambda obj: perform(obj, form), done=done)
            return None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "objects": [(obj.pk, self.describe(obj)) for obj in queryset],
            "form": form,
            "action": action,
            "submit": submit,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/staff/action_form.html", context)
