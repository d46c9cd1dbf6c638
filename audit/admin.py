"""The audit log in admin: read by staff, written only by the services, changed by nobody."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from .labels import detail_label, reason_label
from .models import AuditEntry


class LinksOnlyWhereAllowed(admin.ModelAdmin[Any]):
    """Django's admin links a read-only foreign key to its object's page whether or not the
    viewer may open it (staff got a 403 from a staff member's account page). `unlinked` names
    such fields and what is shown instead to a viewer who may not (None: nothing)."""

    unlinked: dict[str, str | None] = {}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self._unlink(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self._unlink(request, super().get_readonly_fields(request, obj))

    def _unlink(self, request: HttpRequest, names: Sequence[Any]) -> list[Any]:
        shown = []
        for name in names:
            if name in self.unlinked and not self._may_open(request, name):
                if (instead := self.unlinked[name]) is not None:
                    shown.append(instead)
            else:
                shown.append(name)
        return shown

    def _may_open(self, request: HttpRequest, name: str) -> bool:
        model = self.model._meta.get_field(name).related_model
        try:
            return self.admin_site.get_model_admin(model).has_view_permission(request)
        except NotRegistered:
            return True  # no page, so no link either


class AuditWordsMixin:
    """An entry's who, why and detail in the staff member's words: the log's own screen and
    the entries on a person's page (`staff.admin.AuditInline`) read the same."""

    @admin.display(description=_("by"), ordering="actor_name")
    def actor_shown(self, entry: AuditEntry) -> str:
        return entry.who

    @admin.display(description=_("detail"))
    def detail_shown(self, entry: AuditEntry) -> str:
        return detail_label(entry.detail, entry.action)

    @admin.display(description=_("reason"), ordering="reason")
    def reason_shown(self, entry: AuditEntry) -> str:
        return reason_label(entry.reason, entry.action)


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditWordsMixin, LinksOnlyWhereAllowed):
    list_display = [
        "at_shown",
        "actor_shown",
        "action",
        "identity",
        "target",
        "reason_shown",
        "detail_shown",
    ]
    list_display_links = ["at_shown"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["identity"]
    search_fields = ["identity__user_id"]
    search_help_text = _("The citizen's user-ID.")
    date_hierarchy = "at"
    unlinked = {"actor": None}  # "by" names them
    fields = readonly_fields = (
        "at",
        "actor",
        "actor_shown",
        "action",
        "identity",
        "target",
        "reason_shown",
        "detail_shown",
    )

    @admin.display(description=_("time"), ordering="at")
    def at_shown(self, entry: AuditEntry) -> str:
        """Short, and free to wrap: the admin keeps a date field's cell on one line, and with
        the navigation and the filters beside it the log was wider than a 1280-pixel screen."""
        return date_format(localtime(entry.at), "SHORT_DATETIME_FORMAT")

    # Append-only for everyone, superusers included: no add, change or delete views.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
