"""(c) Complete logins a second with the app, start to session, on this machine.

    python -m bench.logins [--users 32] [--seconds 20] [--server gunicorn-sync-2]

Each simulated citizen, in a loop: opens the login page, types the user-ID (answered with the
app page, a new login), the app scans the frame from the page and approves (signed, with the
PIN), and the browser takes the session. Five requests, over HTTP, against gunicorn's sync
workers (two, one per core), as deployed; the websocket is left out (bench/frames.py and
bench/approvals.py measure it). In the same run, wrk measures the bare 5 KB page on the same
server, before and after, and the result is given as a ratio to it.
"""

import argparse
import asyncio
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, people

FRAME = re.compile(r'data-first-frame="(mitid\.[^"]+)"')
API = "/api/app/v1"


async def citizens(
    base: str, phones: list[people.Phone], seconds: int, meter: harness.CpuMeter
) -> dict[str, Any]:
    import aiohttp

    from app_api import auth as api_auth
    from authenticators import app_keys

    done: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + seconds

    def signed(phone: people.Phone, path: str, body: bytes) -> dict[str, str]:
        header = api_auth.authorization_header(
            key_id=phone.key_id, private_key=phone.private_key, method="POST", path=path, body=body
        )
        return {"Authorization": header, "Content-Type": "application/json"}

    async def citizen(phone: people.Phone) -> None:
        app = aiohttp.ClientSession(base)
        while time.monotonic() < deadline:
            started = time.monotonic()
            async with aiohttp.ClientSession(
                base, cookie_jar=aiohttp.CookieJar(unsafe=True)
            ) as web:
                try:
                    async with web.get("/da/login/") as page:
                        await page.read()
                    token = web.cookie_jar.filter_cookies(base)["csrftoken"].value
                    async with web.post(
                        "/da/login/",
                        data={"user_id": phone.user_id, "next": ""},
                        headers={"X-CSRFToken": token},
                        allow_redirects=False,
                    ) as typed:
                        # The answer is the app page itself, with the QR code's first frame.
                        assert typed.status == 200, typed.status
                        frame = FRAME.search(await typed.text())
                    assert frame, "no frame on the page"
                    body = json.dumps({"frame": frame.group(1)}).encode()
                    path = f"{API}/logins/scan"
                    async with app.post(path, data=body, headers=signed(phone, path, body)) as scan:
                        login = await scan.json()
                        assert scan.status == 200, login
                    signature = app_keys.sign(phone.private_key, login["signing_input"].encode())
                    body = json.dumps({"signature": signature, "pin": people.PIN}).encode()
                    path = f"{API}/logins/{login['token']}/approve"
                    async with app.post(path, data=body, headers=signed(phone, path, body)) as ok:
                        assert ok.status == 200, await ok.text()
                    async with web.get("/da/login/app/", allow_redirects=False) as session:
                        assert session.status == 302, session.status
                        # Logged in: on to the page after login, not back to a login page.
                        assert "/login/" not in session.headers["Location"], session.headers
                        assert "sessionid" in session.cookies, "no new session"
                    done.append(time.monotonic() - started)
                except (AssertionError, aiohttp.ClientError) as error:
                    failures.append(repr(error)[:200])
        await app.close()

    meter.start()
    started = time.monotonic()
    await asyncio.gather(*(citizen(phone) for phone in phones))
    elapsed = time.monotonic() - started
    cpu = meter.stop(len(done))
    return {
        "logins": len(done),
        "failures": len(failures),
        "failure_examples": failures[:3],
        "logins_per_second": round(len(done) / elapsed, 1),
        "login_p50_ms": round(1000 * harness.percentile(done, 0.5), 1) if done else None,
        "login_p99_ms": round(1000 * harness.percentile(done, 0.99), 1) if done else None,
        **cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--server", default="gunicorn-sync-2")
    args = parser.parse_args()
    harness.fresh_database()
    harness.setup_django()
    harness.remember_nonces_from_now()
    phones = people.make_phones(args.users, "citizen")
    from bench.pages import sessions

    plain, _proven = sessions()
    with harness.server(args.server) as (base, process):
        bare_before = harness.wrk(f"{base}/da/bench/bare/", cookie=plain, seconds=8)
        meter = harness.CpuMeter(server=process.pid)
        portal = asyncio.run(citizens(base, phones, args.seconds, meter))
        bare_after = harness.wrk(f"{base}/da/bench/bare/", cookie=plain, seconds=8)
    bare = (bare_before + bare_after) / 2
    result = {"server": args.server, "users": args.users, "portal": portal, "bare_page_rps": bare}
    print(json.dumps(result))
    print("| complete logins/s | one login p50 / p99 ms | bare page req/s | logins per bare page |")
    print("|---|---|---|---|")
    print(
        f"| {portal['logins_per_second']} | {portal['login_p50_ms']} / {portal['login_p99_ms']} "
        f"| {bare:.0f} | {portal['logins_per_second'] / bare:.3f} |"
    )
    harness.save(f"logins-{args.server}", result)


if __name__ == "__main__":
    main()
