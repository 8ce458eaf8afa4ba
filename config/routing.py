"""WebSocket routes. Each app that speaks WebSocket adds its paths here."""

from django.urls import path  # noqa: F401

websocket_urlpatterns: list = []
