"""The MitID app simulator's page (only with DEMO_MODE)."""

from django.urls import path

from . import simulator

app_name = "app_demo"

urlpatterns = [
    path("app/", simulator.app_simulator, name="app"),
]
