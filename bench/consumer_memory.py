"""What one waiting websocket keeps in the Python heap, by where it was allocated.

    python -m bench.consumer_memory [--logins 400] [--path /ws/login/app/]

Opens that many websockets in-process (Channels' WebsocketCommunicator, the benchmark
settings: PostgreSQL and the Redis channel layer) to the portal's consumer or, with
`--path /ws/bench/bare/`, to the bare ticker, and compares tracemalloc snapshots before and
after. The server's own part (uvicorn, the socket) is not in it: bench/frames.py measures the
whole process.
"""

import argparse
import asyncio
import gc
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness


def place(traceback: tracemalloc.Traceback) -> str:
    """The most recent frame outside asyncio: who asked for the memory."""
    for frame in reversed(list(traceback)):
        name = frame.filename
        if any(part in name for part in ("asyncio", "_weakrefset", "json/", "/logging/")):
            continue
        name = name.split("site-packages/")[-1].replace(f"{harness.ROOT}/", "")
        return f"{name}:{frame.lineno}"
    return "asyncio"


async def measure(path: str, clients: list[tuple[str, float]]) -> None:
    from channels.testing import WebsocketCommunicator

    from bench.asgi import application

    def socket(key: str) -> WebsocketCommunicator:
        headers = [(b"origin", b"http://127.0.0.1"), (b"cookie", f"sessionid={key}".encode())]
        return WebsocketCommunicator(application, path, headers=headers)

    warm = socket(clients[0][0])  # imports, connections
    await warm.connect(timeout=20)
    await warm.receive_from(timeout=20)
    gc.collect()
    tracemalloc.start(12)
    before = tracemalloc.take_snapshot()
    sockets = []
    for key, _started in clients[1:]:
        waiting = socket(key)
        connected, _code = await waiting.connect(timeout=20)
        assert connected
        await waiting.receive_from(timeout=20)
        sockets.append(waiting)
    await asyncio.sleep(2.5)  # every one past its first frames
    for waiting in sockets:
        while not waiting.output_queue.empty():
            waiting.output_queue.get_nowait()
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    places: Counter[str] = Counter()
    for difference in after.compare_to(before, "traceback"):
        frames = [frame.filename for frame in difference.traceback]
        if any("testing" in name for name in frames):
            continue  # the test communicator's own queues
        places[place(difference.traceback)] += difference.size_diff
    count = len(sockets)
    print(f"{path}: {sum(places.values()) / count / 1024:.1f} KB of Python heap per websocket")
    for where, size in places.most_common(15):
        print(f"{size / count:8.0f} B  {where}")
    for waiting in sockets:
        await waiting.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=400)
    parser.add_argument("--path", default="/ws/login/app/")
    args = parser.parse_args()
    harness.setup_django()
    from bench.frames import make_logins

    asyncio.run(measure(args.path, make_logins(args.logins)))


if __name__ == "__main__":
    main()
