"""WebSocket routes. Consumers are thin and call services; publish only on commit."""

from django.urls import path

from gongzhi.command.consumers import CommandConsumer

from . import consumers

websocket_urlpatterns: list = [
    path("ws/staff/", consumers.StaffConsumer.as_asgi()),
    path("ws/resident/", consumers.ResidentConsumer.as_asgi()),
    path("ws/live/<int:session_id>/", consumers.LiveConsumer.as_asgi()),
    path("ws/command/", CommandConsumer.as_asgi()),  # the command center's event stream
]
