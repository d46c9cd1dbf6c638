"""URLs of the App API, version 1 (outside the language prefixes: the app sends no language)."""

from django.urls import path, re_path

from . import passport_views as roads
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
    path("passport/enrollments", roads.start, name="passport_start"),
    path("passport/mrz", roads.mrz, name="passport_mrz"),
    path("passport/chip", roads.chip, name="passport_chip"),
    path("passport/face", roads.face, name="passport_face"),
    path("passport/user-id", roads.user_id, name="passport_user_id"),
    path("passport/app", roads.app, name="passport_app"),
    path("passport/copy", roads.copy_for_helped, name="passport_copy"),
    path("passport/order", roads.order, name="passport_order"),
    path("copies", roads.show_copy, name="show_copy"),
    path("copies/check", roads.check_copy, name="check_copy"),
    path("copies/scan", roads.scan_copy, name="scan_copy"),
    path("copies/new-phone", roads.new_phone_copy, name="new_phone_copy"),
    path("copies/<uuid:copy_id>", roads.scanned_copy, name="scanned_copy"),
    path("copies/<uuid:copy_id>/approve", roads.approve_copy, name="approve_copy"),
    # Anything else under the API is a JSON 404, as a phone expects.
    re_path(r"^(?P<path>[\s\S]*)\Z", api.not_found),
]
