"""The MitID app simulator's page and the demo passports it reads (only with DEMO_MODE)."""

from django.urls import path

from . import simulator

app_name = "app_demo"

urlpatterns = [
    path("app/", simulator.app_simulator, name="app"),
    path("app/passports/<slug:name>.json", simulator.demo_passport, name="passport"),
]
