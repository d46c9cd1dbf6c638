"""Where an approval's and a complete login's time goes, in-process, through Django's WSGI stack.

    python -m bench.profile_api [--count 200] [--fresh] [--profile approve|scan|login]

Times each step of the login (the five requests of bench/logins.py) without a profiler, with
its database queries and Redis commands counted, then profiles one kind of request (or whole
logins) over the other half of `--count` logins with pyinstrument (`pip install pyinstrument`,
not a project requirement). `--fresh` makes the benchmark database first (bench/harness.py);
without it the existing one is used. Saves bench/results/profile-login.json, and the
profile as bench/results/profile-<what>.txt.
"""

import argparse
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, people

API = "/api/app/v1"
FRAME = re.compile(r'data-first-frame="(mitid\.[^"]+)"')


class Counter:
    """Counts database queries (Django), transactions (their commits and rollbacks: each is a
    BEGIN and a COMMIT or ROLLBACK on the wire, which Django's execute wrappers never see) and
    Redis commands (redis-py, the cache's and the channel layer's asyncio ones alike) per step.
    A pipeline's commands count as one (one round trip)."""

    def __init__(self) -> None:
        self.queries = 0
        self.transactions = 0
        self.redis = 0

    def install(self) -> None:
        from django.db import connections
        from redis.asyncio.client import Pipeline as AsyncPipeline
        from redis.asyncio.client import Redis as AsyncRedis
        from redis.client import Pipeline, Redis

        connection = connections["default"]
        connection.execute_wrappers.append(self._query)
        for name in ("commit", "rollback"):
            ending = getattr(connection, name)

            def ended(ending: Callable[[], None] = ending) -> None:
                self.transactions += 1
                ending()

            setattr(connection, name, ended)

        def count(original: Callable[..., Any]) -> Callable[..., Any]:
            def counted(client: Any, *args: Any, **kwargs: Any) -> Any:
                self.redis += 1
                return original(client, *args, **kwargs)

            return counted

        def count_async(original: Callable[..., Any]) -> Callable[..., Any]:
            async def counted(client: Any, *args: Any, **kwargs: Any) -> Any:
                self.redis += 1
                return await original(client, *args, **kwargs)

            return counted

        Redis.execute_command = count(Redis.execute_command)  # type: ignore[method-assign]
        Pipeline.execute = count(Pipeline.execute)  # type: ignore[method-assign]
        AsyncRedis.execute_command = count_async(AsyncRedis.execute_command)  # type: ignore[method-assign]
        AsyncPipeline.execute = count_async(AsyncPipeline.execute)  # type: ignore[method-assign]

    def _query(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        self.queries += 1
        return execute(sql, *args)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--profile", choices=["approve", "scan", "login", "none"], default="none")
    args = parser.parse_args()
    if args.fresh:
        harness.fresh_database()
    else:
        harness.ensure_database()
    harness.setup_django()
    from django.test import Client
    from django.test.client import ClientHandler

    from mitid_portal.handlers import MachineMiddleware

    class MachineClientHandler(MachineMiddleware, ClientHandler):
        """The App API's requests through its own middleware, as the server sends them."""

    from app_api import auth as api_auth
    from authenticators import app_keys

    phones = people.make_phones(args.count, f"profile{time.time_ns() % 10**6}")
    counter = Counter()
    counter.install()
    steps: dict[str, list[tuple[float, float, int, int, int]]] = defaultdict(list)

    def step(name: str, call: Callable[[], Any]) -> Any:
        queries, transactions, redis = counter.queries, counter.transactions, counter.redis
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        steps[name].append(
            (
                time.perf_counter() - wall,
                time.process_time() - cpu,
                counter.queries - queries,
                counter.transactions - transactions,
                counter.redis - redis,
            )
        )
        return result

    def signed(phone: people.Phone, path: str, body: bytes) -> dict[str, str]:
        header = api_auth.authorization_header(
            key_id=phone.key_id, private_key=phone.private_key, method="POST", path=path, body=body
        )
        return {"HTTP_AUTHORIZATION": header}

    pages = Client()
    app = Client()
    app.handler = MachineClientHandler(enforce_csrf_checks=False)

    def login(phone: people.Phone) -> None:
        web = Client()
        web.handler = pages.handler  # a new handler would load the middleware (whitenoise scans)
        assert step("GET login page", lambda: web.get("/da/login/")).status_code == 200
        # The user-ID is answered with the app page itself, with the QR code's first frame.
        typed = step(
            "POST user-ID (app page)",
            lambda: web.post("/da/login/", {"user_id": phone.user_id, "next": ""}),
        )
        assert typed.status_code == 200, typed.status_code
        frame = FRAME.search(typed.content.decode())
        assert frame, "no frame"
        body = json.dumps({"frame": frame.group(1)}).encode()
        path = f"{API}/logins/scan"
        headers = signed(phone, path, body)  # the phone's work, not timed
        scan = step(
            "API scan",
            lambda: app.post(path, body, content_type="application/json", **headers),
        )
        assert scan.status_code == 200, scan.content
        described = scan.json()
        signature = app_keys.sign(phone.private_key, described["signing_input"].encode())
        body = json.dumps({"signature": signature, "pin": people.PIN}).encode()
        path = f"{API}/logins/{described['token']}/approve"
        headers = signed(phone, path, body)
        ok = step(
            "API approve",
            lambda: app.post(path, body, content_type="application/json", **headers),
        )
        assert ok.status_code == 200, ok.content
        done = step("GET app page (session)", lambda: web.get("/da/login/app/"))
        # Logged in: on to the page after login (not back to a login page), with a new session.
        assert done.status_code == 302 and "/login/" not in done["Location"], done["Location"]
        assert web.session.get("mitid_login"), "not logged in"

    half = args.count // 2
    for phone in phones[:10]:  # warm up: imports, templates, connections
        login(phone)
    steps.clear()
    for phone in phones[10:half]:
        login(phone)
    # The median beside the mean: on a shared machine a few slow requests move the mean.
    print(
        f"{'step':<24} {'wall ms':>8} {'cpu ms':>8} {'cpu p50':>8} {'queries':>8} "
        f"{'transactions':>12} {'redis':>6}"
    )
    total_wall = total_cpu = total_median = 0.0
    table = {}
    for name, runs in steps.items():
        wall = 1000 * sum(r[0] for r in runs) / len(runs)
        cpu = 1000 * sum(r[1] for r in runs) / len(runs)
        median = 1000 * statistics.median(r[1] for r in runs)
        total_wall += wall
        total_cpu += cpu
        total_median += median
        queries, transactions, redis = runs[-1][2:]
        table[name] = {
            "wall_ms": round(wall, 2),
            "cpu_ms": round(cpu, 2),
            "cpu_median_ms": round(median, 2),
            "queries": queries,
            "transactions": transactions,
            "redis_commands": redis,
        }
        print(
            f"{name:<24} {wall:8.2f} {cpu:8.2f} {median:8.2f} {queries:8d} {transactions:12d} "
            f"{redis:6d}"
        )
    print(f"{'a complete login':<24} {total_wall:8.2f} {total_cpu:8.2f} {total_median:8.2f}")
    table["a complete login"] = {
        "wall_ms": round(total_wall, 2),
        "cpu_ms": round(total_cpu, 2),
        "cpu_median_ms": round(total_median, 2),
    }
    harness.save("profile-login", {"logins": half - 10, "steps": table})

    if args.profile == "none":
        return
    # Profile the rest of the logins: all of each (`login`), or only one kind of request.
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    wanted = {"scan": "API scan", "approve": "API approve"}.get(args.profile)
    timed = step

    def profiled(name: str, call: Callable[[], Any]) -> Any:
        if wanted is not None and name != wanted:
            return call()
        profiler.start()
        try:
            return timed(name, call)
        finally:
            profiler.stop()

    step = profiled
    for phone in phones[half:]:
        login(phone)
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    print(text)
    (harness.RESULTS / f"profile-{args.profile}.txt").write_text(text)


if __name__ == "__main__":
    main()
