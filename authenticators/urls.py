"""The device core's demo page (only with DEMO_MODE): the code device in the citizen's hand."""

from django.urls import path

from . import views

app_name = "authenticator_demo"

urlpatterns = [
    path("code-device/", views.code_device_simulator, name="code_device"),
]
