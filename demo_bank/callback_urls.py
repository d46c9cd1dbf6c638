"""Where the portal sends the bank's customers back: one registered address per purpose."""

from django.urls import path

from . import views

app_name = "demo_bank_callback"

urlpatterns = [
    path("callback/", views.back, name="callback"),
    path("logged-out/", views.logged_out, name="logged_out"),
]
