"""Staff screens: people and their MitID, authenticators, the code device stock, and actions.

Nothing here changes a MitID by editing fields: the pages are read-only and every change is
an action that goes through a lifecycle service (audited, told to the citizen).
"""

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditWordsMixin
from audit.labels import reason_label
from audit.models import AuditEntry
from authenticators import lifecycle
from authenticators.kinds import AnyDevice, devices_of
from authenticators.models import (
    AppDevice,
    AuthenticatorEvent,
    ChipDevice,
    CodeDevice,
    HardwareToken,
    Identity,
)
from cpr.models import RegisteredPerson

from . import (
    admin_desk,  # noqa: F401  (registers MitID at the desk)
    admin_enrollment,  # noqa: F401  (registers enrollment's screens)
)
from .admin_actions import StaffActionsMixin
from .forms import BlockForm, IdCheckForm


def mask_cpr(cpr: str) -> str:
    """The date of birth only: `150583-****`. The whole number is searchable, never listed."""
    return f"{cpr[:6]}-****" if len(cpr) == 10 else "****"


def cpr_search_term(term: str) -> str:
    """A search term as CPR digits (`150583-1235`, `1505831235`, `150583`), or ""."""
    digits = term.replace("-", "").replace(" ", "")
    return digits if digits.isdigit() and len(digits) in (6, 10) else ""


class ReadOnlyMixin:
    """Staff look; they change things only through actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Identities --------------------------------------------------------------------------------

DEVICE_INLINE_FIELDS = ("status", "level", "activated_at", "last_used")


def local_time(value: datetime | None) -> str:
    """A time as staff read it: local, in their language's format (Django's admin shows a
    computed field's value as it is, in UTC with its microseconds)."""
    return date_format(localtime(value), "DATETIME_FORMAT") if value is not None else "-"


class StaffWordsMixin:
    """Columns whose model fields come without words of ours (django-otp's name and
    timestamps): a header in the staff member's language, the time in local time."""

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, obj: Any) -> str:
        return str(obj.name)

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj: Any) -> str:
        return local_time(obj.last_used_at)

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj: Any) -> str:
        return local_time(obj.created_at)


class AppDeviceInline(StaffWordsMixin, ReadOnlyMixin, admin.TabularInline[AppDevice, Identity]):
    model = AppDevice
    fields = readonly_fields = (
        "device_name",
        *DEVICE_INLINE_FIELDS,
    )
    show_change_link = True
    extra = 0


class CodeDeviceInline(StaffWordsMixin, ReadOnlyMixin, admin.TabularInline[CodeDevice, Identity]):
    model = CodeDevice
    fields = readonly_fields = (
        "label",
        *DEVICE_INLINE_FIELDS,
    )
    show_change_link = True
    extra = 0

    @admin.display(description=_("device"))
    def label(self, device: CodeDevice) -> str:
        return device.label


class ChipDeviceInline(StaffWordsMixin, ReadOnlyMixin, admin.TabularInline[ChipDevice, Identity]):
    model = ChipDevice
    fields = readonly_fields = (
        "device_name",
        *DEVICE_INLINE_FIELDS,
    )
    show_change_link = True
    extra = 0


def device_words(device: AnyDevice) -> str:
    """A device as staff tell it from the person's others: two phones may bear one name."""
    if device.activated_at is None:
        return str(device.label)
    return gettext("%(device)s, activated %(at)s") % {
        "device": device.label,
        "at": local_time(device.activated_at),
    }


class EventFormSet(BaseInlineFormSet):
    """The person's history, each line naming its device (an event keeps the device's
    django-otp id), read once for the page rather than once a line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = {
            device.persistent_id: device_words(device)
            for device in devices_of(self.instance, revoked=True)
        }
        for form in self.forms:
            form.instance.device_words = words.get(form.instance.device, "")


class EventInline(ReadOnlyMixin, admin.TabularInline[AuthenticatorEvent, Identity]):
    model = AuthenticatorEvent
    formset = EventFormSet
    fields = readonly_fields = (
        "at",
        "kind",
        "authenticator",
        "service",
        "detail_shown",
    )
    extra = 0
    verbose_name_plural = _("history")

    @admin.display(description=_("authenticator"))
    def authenticator(self, event: AuthenticatorEvent) -> str:
        return getattr(event, "device_words", "")

    @admin.display(description=_("detail"))
    def detail_shown(self, event: AuthenticatorEvent) -> str:
        return reason_label(event.detail, event.kind)


class AuditInline(AuditWordsMixin, ReadOnlyMixin, admin.TabularInline[AuditEntry, Identity]):
    model = AuditEntry
    fields = readonly_fields = (
        "at",
        "actor_shown",
        "action",
        "target",
        "reason_shown",
        "detail_shown",
    )
    extra = 0


@admin.register(Identity)
class IdentityAdmin(StaffWordsMixin, ReadOnlyMixin, StaffActionsMixin):
    list_display = ["user_id", "masked_cpr", "name", "status", "level", "created"]
    list_filter = ["status", "level"]
    # Searched in get_search_results: user-ID, name, CPR number.
    search_fields = ["user_id"]
    search_help_text = _("User-ID, name, or CPR number (whole, or the date of birth).")
    fields = readonly_fields = (
        "user_id",
        "masked_cpr",
        "name",
        "status",
        "level",
        "level_document",
        "level_document_last4",
        "level_checked_at",
        "language",
        "typed_codes",
        "notify_on_use",
        "created",
    )
    inlines = [AppDeviceInline, CodeDeviceInline, ChipDeviceInline, EventInline, AuditInline]
    actions = ["block_identity", "lift_identity_block", "raise_to_high"]
    identity_field = "pk"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Identity]:
        person = RegisteredPerson.objects.filter(cpr=OuterRef("cpr"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                person_name=Concat(
                    Subquery(person.values("given_name")[:1]),
                    Value(" "),
                    Subquery(person.values("family_name")[:1]),
                )
            )
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Identity], search_term: str
    ) -> tuple[QuerySet[Identity], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = Q(user_id__icontains=term)
        if cpr := cpr_search_term(term):
            matches |= Q(cpr=cpr) if len(cpr) == 10 else Q(cpr__startswith=cpr)
        named = Q()
        for word in term.split():
            named &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
        matches |= Q(cpr__in=RegisteredPerson.objects.filter(named).values("cpr"))
        return queryset.filter(matches), False

    # Not sortable: the order of the whole numbers would tell them, a digit at a time.
    @admin.display(description=_("CPR number"))
    def masked_cpr(self, identity: Identity) -> str:
        return mask_cpr(identity.cpr)

    @admin.display(description=_("name"), ordering="person_name")
    def name(self, identity: Identity) -> str:
        return getattr(identity, "person_name", None) or "–"

    def describe(self, obj: Any) -> str:
        return f"{obj} ({mask_cpr(obj.cpr)})"

    @admin.action(description=_("Block the whole MitID"), permissions=["block_identity"])
    def block_identity(
        self, request: HttpRequest, queryset: QuerySet[Identity]
    ) -> TemplateResponse | None:
        return self.run_with_form(
            request,
            queryset,
            action="block_identity",
            form_class=BlockForm,
            title=str(_("Block the whole MitID")),
            submit=str(_("Block")),
            done=str(_("blocked")),
            perform=lambda identity, form: lifecycle.block_identity(
                identity,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
        )

    @admin.action(
        description=_("Lift the block (after an ID check)"), permissions=["lift_identity_block"]
    )
    def lift_identity_block(
        self, request: HttpRequest, queryset: QuerySet[Identity]
    ) -> TemplateResponse | None:
        return self.run_with_form(
            request,
            queryset,
            action="lift_identity_block",
            form_class=IdCheckForm,
            title=str(_("Lift the block after an ID check")),
            submit=str(_("Lift the block")),
            done=str(_("block lifted")),
            perform=lambda identity, form: lifecycle.lift_identity_block(
                identity, by=request.user, id_check=form.id_check()
            ),
            one_person=True,
        )

    @admin.action(
        description=_("Raise to level High (after an in-person ID check)"),
        permissions=["raise_level"],
    )
    def raise_to_high(
        self, request: HttpRequest, queryset: QuerySet[Identity]
    ) -> TemplateResponse | None:
        return self.run_with_form(
            request,
            queryset,
            action="raise_to_high",
            form_class=IdCheckForm,
            title=str(_("Raise to level High after an in-person ID check")),
            submit=str(_("Raise to High")),
            done=str(_("raised to level High")),
            perform=lambda identity, form: lifecycle.raise_to_high(
                identity, by=request.user, id_check=form.id_check()
            ),
            one_person=True,
        )


# Authenticators ----------------------------------------------------------------------------


DEVICE_FIELDS: tuple[str, ...] = (
    "identity",
    "device_name",
    "status",
    "level",
    "activated_at",
    "last_used",
)


class DeviceAdmin(StaffWordsMixin, ReadOnlyMixin, StaffActionsMixin):
    """The screens of each kind of authenticator, with block, unblock and revoke."""

    list_display = ["__str__", "identity", "status", "level", "activated_at", "last_used"]
    list_filter = ["status", "level"]
    list_select_related = ["identity"]
    search_fields = ["identity__user_id", "name"]
    search_help_text = _("The holder's user-ID, or the device's name.")
    fields = readonly_fields = DEVICE_FIELDS
    actions = ["block", "unblock", "revoke"]

    def describe(self, obj: Any) -> str:
        return f"{obj.identity}: {device_words(obj)}"

    @admin.action(description=_("Block (reason required)"), permissions=["block_authenticator"])
    def block(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self.run_with_form(
            request,
            queryset,
            action="block",
            form_class=BlockForm,
            title=str(_("Block authenticators")),
            submit=str(_("Block")),
            done=str(_("blocked")),
            perform=lambda device, form: lifecycle.block_device(
                device,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
        )

    @admin.action(
        description=_("Unblock (after an ID check)"), permissions=["unblock_authenticator"]
    )
    def unblock(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self.run_with_form(
            request,
            queryset,
            action="unblock",
            form_class=IdCheckForm,
            title=str(_("Unblock authenticators after an ID check")),
            submit=str(_("Unblock")),
            done=str(_("unblocked")),
            perform=lambda device, form: lifecycle.unblock_device(
                device, by=request.user, id_check=form.id_check()
            ),
            one_person=True,
        )

    @admin.action(description=_("Revoke for ever"), permissions=["revoke_authenticator"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self.run_with_form(
            request,
            queryset,
            action="revoke",
            form_class=BlockForm,
            title=str(_("Revoke authenticators: they can never be used again")),
            submit=str(_("Revoke for ever")),
            done=str(_("revoked")),
            perform=lambda device, form: lifecycle.revoke_device(
                device,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
        )


@admin.register(AppDevice)
class AppDeviceAdmin(DeviceAdmin):
    fields = readonly_fields = (
        *DEVICE_FIELDS,
        "installation_id",
        "notifications_accepted",
        "biometrics",
    )


@admin.register(CodeDevice)
class CodeDeviceAdmin(DeviceAdmin):
    list_display = ["label", *DeviceAdmin.list_display[1:]]
    list_filter = ["token__kind", *DeviceAdmin.list_filter]
    list_select_related = ["identity", "token"]
    search_fields = ["identity__user_id", "token__serial"]
    search_help_text = _("The holder's user-ID, or the serial number.")
    fields = readonly_fields = (
        "identity",
        "label",
        "status",
        "level",
        "activated_at",
        "last_used",
    )

    @admin.display(description=_("device"), ordering="token__serial")
    def label(self, device: CodeDevice) -> str:
        return device.label


@admin.register(ChipDevice)
class ChipDeviceAdmin(DeviceAdmin):
    fields = readonly_fields = (
        *DEVICE_FIELDS,
        "confirm_after",
    )


@admin.register(HardwareToken)
class HardwareTokenAdmin(admin.ModelAdmin[HardwareToken]):
    """The code displays and code readers in stock; assigned by fulfilling an order."""

    list_display = ["serial", "kind", "assigned_to"]
    list_filter = ["kind", ("assigned_to", admin.EmptyFieldListFilter)]
    search_fields = ["serial", "assigned_to__user_id"]
    readonly_fields = ["assigned_to"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
