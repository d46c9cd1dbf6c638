"""URLs of logging in with MitID."""

from django.urls import path

from . import views

app_name = "login"

urlpatterns = [
    path("", views.StartView.as_view(), name="start"),
    path("app/", views.AppLoginView.as_view(), name="app"),
    path("app/status/", views.app_login_status, name="app_status"),
    path("app/qr.svg", views.app_login_qr, name="app_qr"),
    path("code-device/", views.CodeDeviceLoginView.as_view(), name="code_device"),
    path("chip/", views.ChipLoginView.as_view(), name="chip"),
    path("logged-in/", views.logged_in, name="logged_in"),
    path("log-out/", views.log_out, name="log_out"),
    path("more-time/", views.extend_session, name="extend_session"),
    path("time-left/", views.session_time_left, name="session_time"),
]
