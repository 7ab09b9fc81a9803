"""WebSocket routes. Consumers are thin and call services; publish only on commit."""

websocket_urlpatterns: list = []
