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
    assert type(layer).__name__ == "RedisChannelLayer"

    async def roundtrip() -> dict[str, str]:
        channel = await layer.new_channel()
        await layer.group_add("service-check", channel)
        await layer.group_send("service-check", {"type": "status", "text": "hello"})
        message = await layer.receive(channel)
        await layer.group_discard("service-check", channel)
        return message

    assert async_to_sync(roundtrip)() == {"type": "status", "text": "hello"}
