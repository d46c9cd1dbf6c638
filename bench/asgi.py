"""ASGI entry point of the benchmark settings: the portal, plus a bare websocket baseline.

`/ws/bench/bare/` is the bare Channels consumer the frame benchmark compares with: it sends a
small message every second on the second from a per-connection timer, and nothing else.
"""

import asyncio
import os
import time

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from mitid_portal.routing import websocket_urlpatterns  # noqa: E402


class BareTicker(AsyncJsonWebsocketConsumer):
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


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AuthMiddlewareStack(
            URLRouter([*websocket_urlpatterns, path("ws/bench/bare/", BareTicker.as_asgi())])
        ),
    }
)
