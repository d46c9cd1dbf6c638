"""URLs of the NemID login."""

from django.urls import path

from . import views

app_name = "nemid"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("key-card/", views.KeyCardView.as_view(), name="key_card"),
    path("log-out/", views.log_out, name="log_out"),
]
