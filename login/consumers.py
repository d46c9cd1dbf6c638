"""The live QR code of an app login: frames next to the websocket, status over the layer.

Each browser waiting on an app login holds one websocket. The consumer makes that login's
frames itself, one a second (an HMAC, no database, no channel-layer message), and listens on
the login's group for the few status changes (scanned, approved, rejected, blocked,
cancelled), which may come from any server process.
"""

import asyncio
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from authenticators.models import AppLogin

from . import app_logins, frames
from . import session as login_session

# Close codes (4000-4999 are the application's): the page says why and offers a new start.
NO_LOGIN = 4403
FINISHED = (
    AppLogin.Status.APPROVED,
    AppLogin.Status.REJECTED,
    AppLogin.Status.BLOCKED,
    AppLogin.Status.CANCELLED,
    AppLogin.Status.COMPLETED,
    AppLogin.Status.EXPIRED,
)


@database_sync_to_async
def _login_waited_on(session: Any) -> AppLogin | None:
    """The app login this browser's session is waiting on, if any (never anyone else's)."""
    token = (session.get(login_session.PENDING_KEY) or {}).get("app_login") if session else None
    return app_logins.waited_on(token) if token else None


@database_sync_to_async
def _status(token: str) -> str:
    login = AppLogin.objects.only("status", "expires_at").get(token=token)
    return login.current_status()


class AppLoginConsumer(AsyncJsonWebsocketConsumer):
    """Thousands wait at once, so each keeps only what its frames need (about 1 KB)."""

    group: str
    ticker: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        login = await _login_waited_on(self.scope.pop("session", None))
        if login is None:
            await self.close(code=NO_LOGIN)
            return
        self.token, self.secret = str(login.token), login.secret
        self.started, self.expires = login.started_at.timestamp(), login.expires_at.timestamp()
        self.group = app_logins.group_name(login)
        await self.accept()
        await self.channel_layer.group_add(self.group, self.channel_name)
        # The status may have changed before the group was joined: read it once more.
        status = await _status(self.token)
        await self.send_json({"type": "status", "status": status})
        if status == AppLogin.Status.WAITING and not login.same_device:
            self.ticker = asyncio.create_task(self.send_frames())

    async def disconnect(self, code: int) -> None:
        self.stop_frames()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def send_frames(self) -> None:
        """One frame a second, on the second, until the login is scanned or expires."""
        started, expires, token, secret = self.started, self.expires, self.token, self.secret
        seconds = int(time.time() - started)
        while started + seconds < expires:
            await self.send_json(
                {"type": "frame", "frame": frames.frame_text(token, secret, seconds)}
            )
            # Count the seconds rather than read them off the clock: a timer may wake a little
            # early, and must not send the same frame again. A late one skips what it missed.
            seconds = max(seconds + 1, int(time.time() - started))
            await asyncio.sleep(max(0.0, started + seconds - time.time()))
        await self.send_json({"type": "status", "status": AppLogin.Status.EXPIRED})
        await self.close()

    def stop_frames(self) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
            self.ticker = None

    async def login_status(self, event: dict[str, Any]) -> None:
        """A status change from whichever process the app's request reached."""
        if event["status"] != AppLogin.Status.WAITING:
            self.stop_frames()
        await self.send_json({"type": "status", "status": event["status"]})
        if event["status"] in FINISHED:
            await self.close()
