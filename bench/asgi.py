"""ASGI entry point of the benchmark settings: the portal, plus a bare websocket baseline.

`/ws/bench/bare/` is the bare Channels consumer the frame benchmark compares with: it sends a
small message every second on the second from a per-connection timer, and nothing else.
"""

import asyncio
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from mitid_portal.handlers import asgi_application

django_asgi_app = asgi_application()

from mitid_portal import collector  # noqa: E402

collector.tune()  # as mitid_portal.asgi does (ASGI_GC_THRESHOLD, read from the environment)

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402
from django.urls import path  # noqa: E402

from mitid_portal.routing import websocket_urlpatterns  # noqa: E402


class BareTicker(AsyncJsonWebsocketConsumer):
    channel_layer_alias = None  # bare: no channel layer, no group, only the socket and a timer

    async def connect(self) -> None:
        await self.accept()
        self.ticker = asyncio.create_task(self.tick())

    async def tick(self) -> None:
        started = time.time()
        seconds = 0
        while True:
            await self.send_json({"type": "frame", "at": started + seconds})
            seconds += 1
            await asyncio.sleep(started + seconds - time.time())

    async def disconnect(self, code: int) -> None:
        self.ticker.cancel()


class BareGroupListener(AsyncJsonWebsocketConsumer):
    """Joins a channel-layer group and passes on what is sent to it: a bare layer hop."""

    async def connect(self) -> None:
        self.group = self.scope["url_route"]["kwargs"]["group"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def bench_hop(self, event: dict[str, object]) -> None:
        await self.send_json(event)

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SessionMiddlewareStack(
            URLRouter(
                [
                    *websocket_urlpatterns,
                    path("ws/bench/bare/", BareTicker.as_asgi()),
                    path("ws/bench/group/<str:group>/", BareGroupListener.as_asgi()),
                ]
            )
        ),
    }
)
