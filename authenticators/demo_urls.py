"""Demo pages of the simulated authenticators (only with DEMO_MODE)."""

from django.urls import path

from . import views

app_name = "authenticator_demo"

urlpatterns = [
    path("code-device/", views.code_device_simulator, name="code_device"),
    path("app/", views.app_simulator, name="app"),
]
