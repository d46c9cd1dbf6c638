"""The citizen's pages on the way back to a party, under the language prefix."""

from django.urls import path

from . import views

app_name = "relying_parties"

urlpatterns = [
    path("<str:reference>/continue/", views.ContinueView.as_view(), name="continue"),
    path("<str:reference>/consent/", views.ConsentView.as_view(), name="consent"),
    path("<str:reference>/back/", views.back, name="back"),
]
