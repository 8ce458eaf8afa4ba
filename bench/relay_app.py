"""The baseline for bench/realtime.py: a bare Channels relay, no database, no masking.

    python -m config.server --application bench.relay_app:application --port 8200

Same server (daphne through config.server) and settings, but channels_redis' own pub/sub
layer, not Gigbox's (inbox.channel_layer delivers to the sending process's sockets without
Redis: that is the inbox's lever, not the baseline's). A socket at /ws/relay/?me=<id>&peer=<id>
joins the group `user.<me>`; each `message.send` frame is answered with a `message.ack`
sent straight back, and relayed to `user.<peer>` as a `message.new` with one
`group_send`. Nothing is stored, checked, masked or chained: it measures what daphne,
Channels and the layer cost alone, the floor under the real inbox.
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

if (
    settings.CHANNEL_LAYERS["default"]["BACKEND"]
    == "inbox.channel_layer.PipelinedPubSubChannelLayer"
):
    settings.CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class RelayConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.me, self.peer = int(query["me"][0]), int(query["peer"][0])
        self.seq = 0
        await self.channel_layer.group_add(f"user.{self.me}", self.channel_name)
        await self.accept()
        await self.send(text_data=json.dumps({"type": "hello", "user_id": self.me}))

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(f"user.{self.me}", self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = json.loads(text_data or bytes_data or b"{}")
        if frame.get("type") != "message.send":
            return
        self.seq += 1
        message = {
            "conversation_id": frame["conversation_id"],
            "seq": self.seq,
            "body": frame["body"],
            "sender_id": self.me,
            "client_id": frame["client_id"],
        }
        await self.send(
            text_data=json.dumps(
                {
                    "type": "message.ack",
                    "client_id": frame["client_id"],
                    "conversation_id": frame["conversation_id"],
                    "seq": self.seq,
                }
            )
        )
        await self.channel_layer.group_send(
            f"user.{self.peer}",
            {"type": "inbox.frame", "frame": {"type": "message.new", "message": message}},
        )

    async def inbox_frame(self, event: dict) -> None:
        await self.send(text_data=json.dumps(event["frame"]))


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/relay/", RelayConsumer.as_asgi())])}
)
