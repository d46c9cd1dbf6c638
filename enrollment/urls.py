"""URLs of enrollment."""

from django.urls import path

from . import views

app_name = "enrollment"

urlpatterns = [
    path("", views.start, name="start"),
]
