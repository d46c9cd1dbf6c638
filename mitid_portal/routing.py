"""Websocket routes; each app that serves a live page adds its consumers here."""

from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []
