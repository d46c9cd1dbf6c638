"""(a) Pending QR logins one server process holds, sending each a frame a second.

    python -m bench.frames [--logins 1000,5000,10000] [--seconds 20] [--save-as frames]

For each count, one uvicorn process (Redis channel layer, PostgreSQL) serves that many
browsers waiting on a login over `/ws/login/app/`; then a fresh process serves as many
connections to the bare ticker `/ws/bench/bare/`, which sends a small message a second from a
per-connection timer and does nothing else. The client (this process, asyncio) measures each
frame's lag (arrival minus the second it was due) and the server's memory per connection.
"""

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness


def make_logins(count: int) -> list[tuple[str, float]]:
    """`count` people each waiting on an app login: (session key, the login's start time)."""
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from authenticators.models import AppLogin, Identity
    from login import session as login_session

    now = timezone.now()
    first = Identity.objects.count()
    identities = Identity.objects.bulk_create(
        Identity(
            cpr=f"9{first + n:09d}",
            user_id=f"bench {first + n}",
            user_id_key=f"bench {first + n}",
            status=Identity.Status.ACTIVE,
        )
        for n in range(count)
    )
    # Logins start at any moment, so their frames fall due all through each second.
    logins = AppLogin.objects.bulk_create(
        AppLogin(
            identity=identity,
            typed_user_id=identity.user_id,
            service="MitID.dk",
            text="Log på MitID.dk",
            started_at=now - timedelta(seconds=n / count),
            expires_at=now + timedelta(hours=2),
        )
        for n, identity in enumerate(identities)
    )
    store = SessionStore()
    sessions = []
    for login in logins:
        key = store._get_new_session_key()
        data = {
            login_session.PENDING_KEY: {
                "user_id": login.typed_user_id,
                "next_url": "/",
                "app_login": str(login.token),
            }
        }
        sessions.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=now + timedelta(days=1),
            )
        )
    Session.objects.bulk_create(sessions)
    return [
        (session.session_key, login.started_at.timestamp())
        for session, login in zip(sessions, logins, strict=True)
    ]


async def hold(
    url: str, clients: list[tuple[str, float]], seconds: int, server_pid: int
) -> dict[str, Any]:
    import websockets

    lags: list[float] = []
    measuring = asyncio.Event()
    errors = 0
    ready = 0

    async def browser(session_key: str, started: float) -> None:
        nonlocal errors, ready
        headers = {"Origin": "http://127.0.0.1", "Cookie": f"sessionid={session_key}"}
        try:
            async with websockets.connect(
                url,
                additional_headers=headers,
                compression=None,
                open_timeout=120,
                ping_interval=None,
            ) as socket:
                first = True
                async for text in socket:
                    arrived = time.time()
                    message = json.loads(text)
                    if message["type"] != "frame":
                        continue
                    if first:  # sent on connecting, mid-second: the ticking starts after it
                        first = False
                        ready += 1
                        continue
                    if not measuring.is_set():
                        continue
                    if "at" in message:  # the bare ticker says when the frame was due
                        due = message["at"]
                    else:  # mitid.<token>.<seconds>.<code>: due at the login's start + seconds
                        due = started + int(message["frame"].split(".")[2])
                    lags.append(arrived - due)
        except Exception:
            errors += 1

    before = harness.rss_kb(server_pid)
    tasks = []
    opened = time.monotonic()
    for index, (key, started) in enumerate(clients):
        tasks.append(asyncio.create_task(browser(key, started)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)
    while ready + errors < len(clients) and time.monotonic() - opened < 600:
        await asyncio.sleep(0.5)
    open_seconds = time.monotonic() - opened
    await asyncio.sleep(3)  # every connection past its first frame
    after = harness.rss_kb(server_pid)
    meter = harness.CpuMeter(server=server_pid)
    meter.start()
    measuring.set()
    await asyncio.sleep(seconds)
    measuring.clear()
    cpu = meter.stop(len(lags))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    expected = ready * seconds
    return {
        "connections": ready,
        "errors": errors,
        "open_seconds": round(open_seconds, 1),
        "kb_per_connection": round((after - before) / max(ready, 1), 1),
        "frames": len(lags),
        "frames_expected": expected,
        "lag_p50_ms": round(1000 * harness.percentile(lags, 0.50), 1) if lags else None,
        "lag_p99_ms": round(1000 * harness.percentile(lags, 0.99), 1) if lags else None,
        "lag_p90_ms": round(1000 * harness.percentile(lags, 0.90), 1) if lags else None,
        "lag_max_ms": round(1000 * max(lags), 1) if lags else None,
        "late_100ms": sum(1 for lag in lags if lag > 0.1),
        **cpu,  # per frame
    }


def measure(path: str, clients: list[tuple[str, float]], seconds: int) -> dict[str, Any]:
    with harness.server("uvicorn-1", websockets_only=True) as (base, process):
        url = base.replace("http://", "ws://") + path
        return asyncio.run(hold(url, clients, seconds, process.pid))


def main() -> None:
    import resource

    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", default="1000,5000,10000")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--save-as", default="frames", help="name of the results file")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    harness.fresh_database()
    harness.setup_django()
    rows = []
    for count in (int(n) for n in args.logins.split(",")):
        clients = make_logins(count)
        ours = measure("/ws/login/app/", clients, args.seconds)
        bare = measure("/ws/bench/bare/", [("", time.time())] * count, args.seconds)
        rows.append({"logins": count, "portal": ours, "bare": bare})
        print(json.dumps(rows[-1]), flush=True)
    print("| pending logins | KB each (bare) | lag p50 / p99 ms (bare) | p99 ratio | frames |")
    print("|---|---|---|---|---|")
    for row in rows:
        ours, bare = row["portal"], row["bare"]
        ratio = (ours["lag_p99_ms"] or 0) / max(bare["lag_p99_ms"] or 1, 0.1)
        print(
            f"| {row['logins']:,} | {ours['kb_per_connection']} ({bare['kb_per_connection']}) "
            f"| {ours['lag_p50_ms']} / {ours['lag_p99_ms']} "
            f"({bare['lag_p50_ms']} / {bare['lag_p99_ms']}) "
            f"| {ratio:.2f} | {ours['frames']:,} of {ours['frames_expected']:,} |"
        )
    harness.save(args.save_as, {"rows": rows, "seconds": args.seconds})


if __name__ == "__main__":
    main()
