"""URLs of the demo pages for messages."""

from django.urls import path

from .views import OutboxView

app_name = "messaging"

urlpatterns = [
    path("outbox/", OutboxView.as_view(), name="outbox"),
]
