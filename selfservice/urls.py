"""URLs of self-service."""

from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("history/", views.HistoryView.as_view(), name="history"),
    path("user-id/", views.UserIdView.as_view(), name="user_id"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("contact/confirm/", views.ConfirmContactView.as_view(), name="confirm_contact"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path(
        "authenticators/<str:kind>/<int:pk>/block/",
        views.BlockDeviceView.as_view(),
        name="block_device",
    ),
    path("block/", views.BlockMitIDView.as_view(), name="block_mitid"),
    path("blocked/", views.BlockedView.as_view(), name="blocked"),
    path("app/", views.AddAppView.as_view(), name="add_app"),
    path("app/qr.svg", views.app_code_qr, name="app_qr"),
    path("order/", views.OrderView.as_view(), name="order"),
]
