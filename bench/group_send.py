"""What a status message costs the App API to send: `login.layers.group_send`, per message.

    python -m bench.group_send [--messages 500]

Sends to groups that one listener (another process, like the websocket server) has joined,
first through the portal's channel layer (channels_redis's core layer: a send is
ZREMRANGEBYSCORE and ZRANGE on the group, then a pipeline and an EVAL for its channel), then
through channels_redis's RedisPubSubChannelLayer (a send is one PUBLISH), and prints the
sender's CPU and wall time per message, and whether every message arrived. Redis database from
BENCH_REDIS_URL, as the other benchmarks; saves bench/results/group-send.json.
"""

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

PUBSUB = "channels_redis.pubsub.RedisPubSubChannelLayer"


def layer(backend: str) -> Any:
    harness.setup_django()
    import channels.layers
    from django.conf import settings

    if backend == "pubsub":
        settings.CHANNEL_LAYERS = {
            "default": {"BACKEND": PUBSUB, "CONFIG": {"hosts": [harness.REDIS]}}
        }
    channels.layers.channel_layers.backends.clear()
    return channels.layers.get_channel_layer()


def listen(backend: str, count: int, ready: Any, done: Any) -> None:
    """The websocket server's part: one channel in every group, reading what arrives."""
    channel_layer = layer(backend)

    async def main() -> None:
        channel = await channel_layer.new_channel()
        for index in range(count):
            await channel_layer.group_add(f"bench-send-{index}", channel)
        ready.set()
        for _ in range(count):
            await channel_layer.receive(channel)
        done.set()

    asyncio.run(main())


def measure(backend: str, count: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    listener = context.Process(target=listen, args=(backend, count, ready, done))
    listener.start()
    ready.wait(120)
    layer(backend)
    from login import layers

    layers.group_send("bench-send-warm", {"type": "login.status", "status": "scanned"})
    cpu, wall = time.process_time(), time.perf_counter()
    for index in range(count):
        layers.group_send(f"bench-send-{index}", {"type": "login.status", "status": "approved"})
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    arrived = done.wait(30)
    listener.join(10)
    return {
        "backend": backend,
        "messages": count,
        "all_arrived": arrived,
        "sender_cpu_ms_per_message": round(1000 * cpu / count, 3),
        "sender_wall_ms_per_message": round(1000 * wall / count, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    results = [measure(backend, args.messages) for backend in ("core", "pubsub")]
    print(json.dumps(results))
    print("| layer | sender CPU ms / message | sender wall ms / message | all arrived |")
    print("|---|---|---|---|")
    for result in results:
        print(
            f"| {result['backend']} | {result['sender_cpu_ms_per_message']} "
            f"| {result['sender_wall_ms_per_message']} | {result['all_arrived']} |"
        )
    harness.save("group-send", {"results": results})


if __name__ == "__main__":
    main()
