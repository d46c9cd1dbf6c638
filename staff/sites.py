"""The admin site staff use: password plus a code from their own TOTP device (django-otp)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from pages.clients import client_address
from translations.access import can_edit_catalogues

from . import services
from .forms import StaffLoginForm
from .lookups import FilterLookupsOnly


class StaffAdminSite(OTPAdminSite):
    """Only staff verified by one of their own OTP devices get in; a password alone does not."""

    site_header = _("MitID staff")
    site_title = _("MitID staff")
    index_title = _("Borgerservice and support")
    login_form = StaffLoginForm
    login_template = "admin/staff/login.html"

    def __init__(self, name: str = "admin") -> None:
        # Named "admin", not django-otp's "otpadmin": the project reverses `admin:...`.
        super().__init__(name)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Register as Django does, each screen taking from its query string only the lookups
        its filters make (`staff.lookups`): other apps' and the libraries' screens too."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, FilterLookupsOnly):
            admin_class = type(
                admin_class.__name__,
                (FilterLookupsOnly, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super().get_urls()
        # Django's "View on site" address serves any model with a get_absolute_url, though its
        # screen says it has none: a party's client's led to a URL the portal does not serve.
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in urls
        ]

    def view_on_site(
        self, request: HttpRequest, content_type_id: str, object_id: str
    ) -> HttpResponse:
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise Http404 from None
        model_admin = self._registry.get(model) if model is not None else None
        if model_admin is not None and not model_admin.view_on_site:
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Django's admin login (password, then the TOTP code), each try audited. django-axes
        refuses a locked-out username and client before the password is checked."""
        response = super().login(request, extra_context)
        if request.method != "POST":
            return response
        client = client_address(request)
        if isinstance(response, HttpResponseRedirect) and isinstance(request.user, User):
            services.record_staff_login(user=request.user, client=client)
        else:
            form = getattr(response, "context_data", {}).get("form")
            errors = form.errors.as_data() if form is not None else {}
            services.record_failed_staff_login(
                username=request.POST.get("username", ""),
                error_codes=[e.code or "invalid" for field in errors.values() for e in field],
                locked_out=bool(getattr(request, "axes_locked_out", False)),
                client=client,
            )
        return response

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """The models staff may see, and for translators the catalogue editor (rosetta, which
        is no model of the admin's, under /admin/translations/)."""
        apps = super().get_app_list(request, app_label)
        if app_label in (None, "translations") and can_edit_catalogues(request.user):
            url = reverse("rosetta-file-list", kwargs={"po_filter": "project"})
            apps.append(
                {
                    "name": _("Translations"),
                    "app_label": "translations",
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": _("Catalogues: Danish, English, Greenlandic"),
                            "object_name": "Catalogue",
                            "admin_url": url,
                            "add_url": None,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    ],
                }
            )
        return apps
