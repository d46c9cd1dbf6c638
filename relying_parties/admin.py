"""Staff register relying parties in the admin: the client (name shown to citizens, redirect
URIs, confidential or public) with what MitID adds (allowed scopes, the CPR number); and they
read the evidence of every approved transaction."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import AbstractApplication, get_application_model

from .models import Approval, RelyingParty

Application = get_application_model()


class RelyingPartyInline(admin.StackedInline):
    model = RelyingParty
    can_delete = False
    min_num = 1
    max_num = 1
    fields = ("scopes", "may_receive_cpr")


class PartyApplicationAdmin(ApplicationAdmin):
    """django-oauth-toolkit's client screen, narrowed to what a MitID party is: the
    authorization code flow, RS256 ID tokens, no consent screen of the client's own."""

    inlines = [RelyingPartyInline]
    list_display = ("name", "client_id", "client_type", "created")
    list_filter = ("client_type",)
    fields = (
        "name",
        "client_id",
        "client_type",
        "client_secret",
        "redirect_uris",
        "post_logout_redirect_uris",
    )
    radio_fields = {"client_type": admin.HORIZONTAL}
    view_on_site = False  # the client's own page is django-oauth-toolkit's, not served here

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.authorization_grant_type = AbstractApplication.GRANT_AUTHORIZATION_CODE
        obj.algorithm = AbstractApplication.RS256_ALGORITHM
        obj.skip_authorization = True
        obj.hash_client_secret = True  # never kept in plain text, here or in the cache
        super().save_model(request, obj, form, change)


admin.site.unregister(Application)
admin.site.register(Application, PartyApplicationAdmin)


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    """Read-only: what was approved, by which device, and whether the signature holds."""

    list_display = ("at", "party", "identity", "text", "method", "signature_holds")
    list_filter = ("party", "method")
    search_fields = ("transaction_id", "identity__user_id", "text")
    list_select_related = ("party__application", "identity")
    readonly_fields = [field.name for field in Approval._meta.fields] + ["signature_holds"]

    @admin.display(boolean=True, description=_("signature holds"))
    def signature_holds(self, approval: Approval) -> bool:
        return approval.signature_is_valid()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
