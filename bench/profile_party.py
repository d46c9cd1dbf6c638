"""Where a relying party's login costs more than the portal's own, in-process, step by step.

    python -m bench.profile_party [--count 200] [--people 32] [--fresh] [--queries]
                                  [--profile STEP ...] [--sort tottime] [--callers PATTERN]

Runs the portal's own QR login (bench/logins.py's five requests) and a party's (bench/
party_logins.py's six, plus userinfo) through Django's WSGI handler, one after the other, and
prints each step's CPU time, wall time, database queries and Redis commands: what the provider
adds is the token request, the authorization request's work beyond the login page it answers
with, and whatever the other four login requests cost more on a party's behalf (the last of
them takes the way back to the party).
`--queries` prints the SQL of one login of each kind, step by step. `--profile` names steps to
run under cProfile (CPU time) over the second half of the logins (`--profile token authorize
"party:app page (done)"`). `--fresh` makes the benchmark database first (bench/harness.py);
without it the existing one is used.
"""

import argparse
import base64
import cProfile
import json
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, people
from bench.party_logins import (
    PARTY_REFERENCE,
    REDIRECT_URI,
    SUBSTANTIAL,
    authorization,
    register_party,
)
from bench.profile_api import API, FRAME, Counter

KINDS = [
    ("ORM and PostgreSQL driver", ("/django/db/", "/psycopg")),
    ("sessions and signing", ("/django/contrib/sessions/", "/django/core/signing")),
    ("templates", ("/django/template",)),
    ("oauthlib", ("/oauthlib/",)),
    ("django-oauth-toolkit", ("/oauth2_provider/",)),
    ("JWT and keys", ("/jwcrypto/", "/cryptography/")),
    ("Django's request cycle, middleware, other libraries", ("/site-packages/",)),
    ("the portal's own code", (str(harness.ROOT),)),
    ("Python's standard library and builtins", ("",)),
]


def print_kinds(stats: pstats.Stats, steps: int) -> None:
    """CPU of the profiled steps by the kind of code it was spent in (the function itself)."""
    spent: dict[str, float] = defaultdict(float)
    for (path, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        kind = next(kind for kind, parts in KINDS if any(part in path for part in parts))
        spent[kind] += row[2]  # tottime
    for kind, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"{kind:<40} {1000 * seconds / steps:7.2f} ms a step under the profiler")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200, help="logins of each kind")
    parser.add_argument("--people", type=int, default=32)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--profile", nargs="*", default=[])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--callers", help="who calls the functions matching this pattern")
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative")
    parser.add_argument("--queries", action="store_true", help="print one login's SQL by step")
    args = parser.parse_args()
    if args.fresh:
        harness.fresh_database()
    else:
        harness.ensure_database()
    harness.setup_django()
    import jwt
    from django.test import Client
    from django.test.client import ClientHandler

    from app_api import auth as api_auth
    from authenticators import app_keys
    from mitid_portal.handlers import MachineMiddleware

    class MachineClientHandler(MachineMiddleware, ClientHandler):
        """The App API's and the party's server's requests through their own middleware, as
        the server sends them (mitid_portal.handlers)."""

    phones = people.make_phones(args.people, f"party{time.time_ns() % 10**6}")
    client_id, client_secret = register_party()
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    counter = Counter()
    counter.install()
    steps: dict[str, dict[str, list[tuple[float, float, int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    profiler = cProfile.Profile(time.process_time)  # CPU, not time waiting on PostgreSQL
    profiling = False
    statements: list[tuple[str, str, str]] = []  # (flow, step, SQL) of the last login
    current = ["", ""]

    def record(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        statements.append((current[0], current[1], sql))
        return execute(sql, *rest)

    from django.db import connection

    connection.execute_wrappers.append(record)

    def step(flow: str, name: str, call: Callable[[], Any]) -> Any:
        queries, redis = counter.queries, counter.redis
        current[:] = [flow, name]
        profiled = profiling and (name in args.profile or f"{flow}:{name}" in args.profile)
        if profiled:
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        spent = (time.perf_counter() - wall, time.process_time() - cpu)
        if profiled:
            profiler.disable()
        steps[flow][name].append((*spent, counter.queries - queries, counter.redis - redis))
        return result

    def signed(phone: people.Phone, path: str, body: bytes) -> dict[str, str]:
        header = api_auth.authorization_header(
            key_id=phone.key_id, private_key=phone.private_key, method="POST", path=path, body=body
        )
        return {"HTTP_AUTHORIZATION": header}

    app = Client()
    api = Client()
    api.handler = MachineClientHandler(enforce_csrf_checks=False)
    jwks = jwt.PyJWKSet.from_dict(api.get("/oidc/jwks/").json())
    keys = {key.key_id: key.key for key in jwks.keys}
    issuer = api.get("/.well-known/openid-configuration").json()["issuer"]

    def in_app(flow: str, phone: people.Phone, page: Any) -> None:
        frame = FRAME.search(page.content.decode())
        assert frame, "no frame"
        body = json.dumps({"frame": frame.group(1)}).encode()
        path = f"{API}/logins/scan"
        headers = signed(phone, path, body)  # the phone's work, not timed
        scan = step(
            flow, "scan", lambda: api.post(path, body, content_type="application/json", **headers)
        )
        assert scan.status_code == 200, scan.content
        described = scan.json()
        signature = app_keys.sign(phone.private_key, described["signing_input"].encode())
        body = json.dumps({"signature": signature, "pin": people.PIN}).encode()
        path = f"{API}/logins/{described['token']}/approve"
        headers = signed(phone, path, body)
        ok = step(
            flow,
            "approve",
            lambda: api.post(path, body, content_type="application/json", **headers),
        )
        assert ok.status_code == 200, ok.content

    def browser() -> Any:
        web = Client()
        web.handler = app.handler  # a new handler would load the middleware (whitenoise scans)
        return web

    def portal_login(phone: people.Phone) -> None:
        web = browser()
        flow = "portal"
        assert step(flow, "login page", lambda: web.get("/da/login/")).status_code == 200
        typed = step(flow, "user-ID", lambda: web.post("/da/login/", {"user_id": phone.user_id}))
        assert typed.status_code == 200, typed.status_code  # the app page itself
        in_app(flow, phone, typed)
        done = step(flow, "app page (done)", lambda: web.get("/da/login/app/"))
        assert done.status_code == 302 and "/login/" not in done["Location"], done["Location"]

    def party_login(phone: people.Phone) -> None:
        web = browser()
        flow = "party"
        asked = authorization(client_id)
        # The answer is the login's user-ID page itself (a redirect to it before 2026-12-05).
        page = step(flow, "authorize", lambda: web.get(f"/oidc/authorize/?{asked.query}"))
        assert page.status_code == 200, page.status_code
        reference = PARTY_REFERENCE.search(page.content.decode())
        assert reference, "no party on the user-ID page"
        data = {"user_id": phone.user_id, "next": "", "for": reference.group(1)}
        typed = step(flow, "user-ID", lambda: web.post("/da/login/", data))
        assert typed.status_code == 200, typed.status_code  # the app page itself
        in_app(flow, phone, typed)
        # The login's last request is the way back: the redirect to the party with the code.
        callback = step(flow, "app page (done)", lambda: web.get("/da/login/app/"))
        assert callback.status_code == 302 and callback["Location"].startswith(REDIRECT_URI)
        code = parse_qs(urlsplit(callback["Location"]).query)["code"][0]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": asked.verifier,
        }
        exchange = step(
            flow,
            "token",
            lambda: api.post(
                "/oidc/token/",
                urlencode(form),
                content_type="application/x-www-form-urlencoded",
                HTTP_AUTHORIZATION=f"Basic {basic}",
            ),
        )
        assert exchange.status_code == 200, exchange.content
        tokens = exchange.json()
        raw = tokens["id_token"]
        claims = jwt.decode(
            raw,
            keys[jwt.get_unverified_header(raw)["kid"]],
            algorithms=["RS256"],
            audience=client_id,
            issuer=issuer,
        )
        assert claims["nonce"] == asked.nonce and claims["acr"] == SUBSTANTIAL, claims
        bearer = f"Bearer {tokens['access_token']}"
        info = step(flow, "userinfo", lambda: api.get("/oidc/userinfo/", HTTP_AUTHORIZATION=bearer))
        assert info.status_code == 200 and info.json()["sub"] == claims["sub"], info.content

    # As in bench/party_logins.py, a few people log in again and again (a person's first login
    # for a party also makes their pseudonym).
    half = args.count // 2
    for phone in phones:  # warm up: imports, templates, connections, pseudonyms
        portal_login(phone)
        party_login(phone)
    steps.clear()
    for index in range(args.count):
        phone = phones[index % len(phones)]
        profiling = index >= half
        statements.clear()
        portal_login(phone)
        party_login(phone)

    result: dict[str, Any] = {}
    totals: dict[str, float] = {}
    print(f"{'flow':<7} {'step':<16} {'wall ms':>8} {'cpu ms':>8} {'queries':>8} {'redis':>6}")
    for flow, table in steps.items():
        result[flow] = {}
        for name, runs in table.items():
            wall = 1000 * sum(r[0] for r in runs) / len(runs)
            cpu = 1000 * sum(r[1] for r in runs) / len(runs)
            result[flow][name] = {
                "wall_ms": round(wall, 2),
                "cpu_ms": round(cpu, 2),
                "queries": runs[-1][2],
                "redis_commands": runs[-1][3],
            }
            print(f"{flow:<7} {name:<16} {wall:8.2f} {cpu:8.2f} {runs[-1][2]:8d} {runs[-1][3]:6d}")
        without_userinfo = [name for name in table if name != "userinfo"]
        totals[flow] = sum(result[flow][name]["cpu_ms"] for name in without_userinfo)
        print(f"{flow:<7} {'login, in all':<16} {'':>8} {totals[flow]:8.2f}")
    added = totals["party"] - totals["portal"]
    print(f"CPU the provider adds to a login (without userinfo): {added:.2f} ms in-process")
    result["provider_adds_cpu_ms"] = round(added, 2)
    harness.save("profile-party", result)
    if args.queries:
        for flow, name, sql in statements:
            print(f"{flow:<7} {name:<16} {sql[:300]}")
    if args.profile:
        stats = pstats.Stats(profiler).sort_stats(args.sort)
        stats.print_stats(args.top)
        print_kinds(
            stats,
            steps=sum(len(steps["party"][name]) for name in args.profile if ":" not in name) or 1,
        )
        if args.callers:
            stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
