"""(b) Approval to browser, across two processes through Redis.

    python -m bench.approvals [--rate 200] [--seconds 10] [--api-server gunicorn-sync-4]
                              [--layer core|pubsub]

Browsers wait on scanned logins over websockets to one process (uvicorn, websockets only);
the app's approvals go at a steady rate to another (gunicorn, the App API). The latency is
from the app sending its approval to the browser's websocket saying "approved": the App API's
work (two signatures, the PIN, the database) and the hop through Redis. In the same run, a
bare hop: this process sends to channel-layer groups that bare consumers on the websocket
process pass straight on. `--layer pubsub` runs every process on channels_redis's pub/sub
layer instead of the portal's (bench/settings.py), to compare; its result is saved apart.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, people

API = "/api/app/v1"


def scanned_logins(phones: list[people.Phone]) -> list[Any]:
    from datetime import timedelta

    from django.utils import timezone

    from authenticators.models import AppDevice, AppLogin

    devices = {str(d.key_id): d for d in AppDevice.objects.select_related("identity")}
    now = timezone.now()
    return AppLogin.objects.bulk_create(
        AppLogin(
            identity=devices[phone.key_id].identity,
            typed_user_id=phone.user_id,
            service="MitID.dk",
            text="Log på MitID.dk",
            status=AppLogin.Status.SCANNED,
            device=devices[phone.key_id],
            started_at=now,
            expires_at=now + timedelta(hours=1),
        )
        for phone in phones
    )


def approval(phone: people.Phone, login: Any) -> tuple[str, bytes, dict[str, str]]:
    """The app's approval request, signed as the app signs it."""
    from app_api import auth as api_auth
    from authenticators import app_keys

    path = f"{API}/logins/{login.token}/approve"
    body = json.dumps(
        {
            "signature": app_keys.sign(phone.private_key, login.signing_input.encode()),
            "pin": people.PIN,
        }
    ).encode()
    header = api_auth.authorization_header(
        key_id=phone.key_id, private_key=phone.private_key, method="POST", path=path, body=body
    )
    return path, body, {"Authorization": header, "Content-Type": "application/json"}


async def approvals(
    browser_ws: str,
    api: str,
    sessions: list[str],
    requests: list[Any],
    rate: int,
    meter: harness.CpuMeter,
    warm_requests: list[Any],
) -> dict[str, Any]:
    import aiohttp
    import websockets

    arrived: dict[int, float] = {}
    sent: dict[int, float] = {}
    answered: list[float] = []
    failures = 0
    connected = asyncio.Event()
    waiting = len(sessions)

    async def browser(index: int, session_key: str) -> None:
        nonlocal waiting
        headers = {"Origin": "http://127.0.0.1", "Cookie": f"sessionid={session_key}"}
        async with websockets.connect(
            browser_ws + "/ws/login/app/",
            additional_headers=headers,
            compression=None,
            open_timeout=120,
            ping_interval=None,
        ) as socket:
            waiting -= 1
            if waiting == 0:
                connected.set()
            async for text in socket:
                if json.loads(text).get("status") == "approved":
                    arrived[index] = time.time()
                    return

    browsers = []
    for index, key in enumerate(sessions):
        browsers.append(asyncio.create_task(browser(index, key)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(connected.wait(), 300)
    await asyncio.sleep(2)

    async with aiohttp.ClientSession(api) as client:

        async def approve(index: int, path: str, body: bytes, headers: dict[str, str]) -> None:
            nonlocal failures
            sent[index] = time.time()
            async with client.post(path, data=body, headers=headers) as response:
                await response.read()
                answered.append(time.time() - sent[index])
                if response.status != 200:
                    failures += 1

        # A worker's first requests pay for its start (imports, connections, the URL resolver,
        # the channel layer's loop): they are answered before the clock starts, eight at a
        # time so that every worker gets some, as a server in service has long done.
        in_flight = asyncio.Semaphore(8)

        async def warm_up(path: str, body: bytes, headers: dict[str, str]) -> None:
            async with in_flight, client.post(path, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status

        await asyncio.gather(*(warm_up(*request) for request in warm_requests))
        await asyncio.sleep(1)

        meter.start()
        start = time.monotonic()
        tasks = []
        for index, request in enumerate(requests):
            await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
            tasks.append(asyncio.create_task(approve(index, *request)))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start
        await asyncio.sleep(0.2)  # the last answers' way to their browsers
        cpu = meter.stop(len(sent))
    await asyncio.sleep(1)
    for task in browsers:
        task.cancel()
    latencies = [arrived[i] - sent[i] for i in sent if i in arrived]
    return {
        "approvals": len(sent),
        "rate_achieved": round(len(sent) / elapsed, 1),
        "failures": failures,
        "reached_browser": len(latencies),
        "latency_p50_ms": round(1000 * harness.percentile(latencies, 0.5), 1),
        "latency_p99_ms": round(1000 * harness.percentile(latencies, 0.99), 1),
        "api_answer_p99_ms": round(1000 * harness.percentile(answered, 0.99), 1),
        **cpu,
    }


async def bare_hops(browser_ws: str, count: int, rate: int) -> dict[str, Any]:
    """A bare channel-layer hop: group_send here, a bare consumer passes it to a websocket."""
    import websockets
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    latencies: list[float] = []
    sockets = [
        await websockets.connect(
            f"{browser_ws}/ws/bench/group/hop-{n}/",
            compression=None,
            additional_headers={"Origin": "http://127.0.0.1"},
            ping_interval=None,
        )
        for n in range(50)
    ]

    async def listen(socket: Any) -> None:
        async for text in socket:
            latencies.append(time.time() - json.loads(text)["sent"])

    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    await asyncio.sleep(1)
    start = time.monotonic()
    for index in range(count):
        await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
        await layer.group_send(f"hop-{index % 50}", {"type": "bench.hop", "sent": time.time()})
    await asyncio.sleep(1)
    for task in listeners:
        task.cancel()
    for socket in sockets:
        await socket.close()
    return {
        "hops": len(latencies),
        "latency_p50_ms": round(1000 * harness.percentile(latencies, 0.5), 1),
        "latency_p99_ms": round(1000 * harness.percentile(latencies, 0.99), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--api-server", default="gunicorn-sync-4")
    parser.add_argument("--layer", choices=["core", "pubsub"], default="core")
    parser.add_argument("--warm-up", type=int, default=40, help="approvals before the clock")
    args = parser.parse_args()
    count = args.rate * args.seconds
    if args.layer == "pubsub":
        os.environ["BENCH_CHANNEL_LAYER"] = "pubsub"  # this process and both servers
    harness.fresh_database()
    harness.setup_django()
    harness.remember_nonces_from_now()  # the approvals are signed now and sent later
    phones = people.make_phones(count, "approver")
    logins = scanned_logins(phones)
    sessions = people.waiting_sessions(logins)
    requests = [approval(phone, login) for phone, login in zip(phones, logins, strict=True)]
    warmers = people.make_phones(args.warm_up, "warmer")
    warm_requests = [
        approval(phone, login)
        for phone, login in zip(warmers, scanned_logins(warmers), strict=True)
    ]
    with (
        harness.server("uvicorn-1", websockets_only=True) as (browser_url, websockets),
        harness.server(args.api_server) as (api_url, api),
    ):
        browser_ws = browser_url.replace("http://", "ws://")
        meter = harness.CpuMeter(websocket_server=websockets.pid, api_server=api.pid)
        portal = asyncio.run(
            approvals(browser_ws, api_url, sessions, requests, args.rate, meter, warm_requests)
        )
        bare = asyncio.run(bare_hops(browser_ws, count, args.rate))
    result = {
        "rate": args.rate,
        "api_server": args.api_server,
        "layer": args.layer,
        "warm_up_approvals": args.warm_up,
        "portal": portal,
        "bare": bare,
    }
    print(json.dumps(result))
    ratio = portal["latency_p99_ms"] / max(bare["latency_p99_ms"], 0.1)
    print("| approvals/s | to the browser p50 / p99 ms | bare hop p50 / p99 ms | p99 ratio |")
    print("|---|---|---|---|")
    print(
        f"| {portal['rate_achieved']} | {portal['latency_p50_ms']} / {portal['latency_p99_ms']} "
        f"| {bare['latency_p50_ms']} / {bare['latency_p99_ms']} | {ratio:.1f} |"
    )
    harness.save(f"approvals-{args.rate}" + ("-pubsub" if args.layer == "pubsub" else ""), result)


if __name__ == "__main__":
    main()
