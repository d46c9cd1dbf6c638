"""The Demo Bank's pages, under the language prefix (demo mode only)."""

from django.urls import path

from . import views

app_name = "demo_bank"

urlpatterns = [
    path("", views.home, name="home"),
    path("log-in/", views.log_in, name="log_in"),
    path("transfer/", views.transfer, name="transfer"),
    path("log-out/", views.log_out, name="log_out"),
]
