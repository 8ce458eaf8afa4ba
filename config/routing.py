"""WebSocket routes. Each app that speaks WebSocket adds its paths here."""

from inbox.routing import websocket_urlpatterns as inbox_websocket_urlpatterns

websocket_urlpatterns: list = [*inbox_websocket_urlpatterns]
