"""URLs of the App API, version 1 (outside the language prefixes: the app sends no language)."""

from django.urls import path, re_path

from . import views as api

app_name = "app_api"

urlpatterns = [
    path("openapi.json", api.openapi, name="openapi"),
    path("activations", api.start_activation, name="start_activation"),
    path(
        "activations/<uuid:installation_id>/confirm",
        api.confirm_activation,
        name="confirm_activation",
    ),
    path("logins", api.pending, name="pending"),
    path("logins/scan", api.scan, name="scan"),
    path("logins/open", api.open_on_phone, name="open"),
    path("logins/<uuid:token>/approve", api.approve, name="approve"),
    path("logins/<uuid:token>/reject", api.reject, name="reject"),
    # Anything else under the API is a JSON 404, as a phone expects.
    re_path(r"^(?P<path>.*)$", api.not_found),
]
