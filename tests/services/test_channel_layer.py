"""With REDIS_URL the channel layer is Redis, and a group message crosses it."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL"),
]


def test_a_group_message_crosses_the_redis_layer() -> None:
    layer = get_channel_layer()
    assert type(layer).__name__ == "WaitingRedisChannelLayer"

    async def roundtrip() -> dict[str, str]:
        channel = await layer.new_channel()
        await layer.group_add("service-check", channel)
        await layer.group_send("service-check", {"type": "status", "text": "hello"})
        message = await layer.receive(channel)
        await layer.group_discard("service-check", channel)
        return message

    assert async_to_sync(roundtrip)() == {"type": "status", "text": "hello"}


def test_sync_code_sends_to_a_group_through_one_kept_loop() -> None:
    """Views and tasks send with mitid_portal.layers: no new event loop or connection each time."""
    from login import layers

    layer = get_channel_layer()

    async def listen() -> str:
        channel = await layer.new_channel()
        await layer.group_add("sync-check", channel)
        return str(channel)

    async def receive(channel: str) -> dict[str, str]:
        message = await layer.receive(channel)
        await layer.group_discard("sync-check", channel)
        return message

    channel = async_to_sync(listen)()
    layers.group_send("sync-check", {"type": "status", "status": "scanned"})
    layers.group_send("sync-check", {"type": "status", "status": "approved"})
    first_loop = layers._loop
    assert async_to_sync(receive)(channel) == {"type": "status", "status": "scanned"}
    assert layers._loop is first_loop is not None
