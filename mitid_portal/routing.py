"""Websocket routes; each app that serves a live page adds its consumers here."""

from django.urls import URLPattern, URLResolver, path

from login.consumers import AppLoginConsumer

websocket_urlpatterns: list[URLPattern | URLResolver] = [
    path("ws/login/app/", AppLoginConsumer.as_asgi()),
]
