"""Complete relying-party logins a second (authorize to a verified ID token, app QR), against
the portal's own QR login, in the same run on the same server.

    python -m bench.party_logins [--users 32] [--seconds 60] [--rounds 6]
                                 [--server gunicorn-sync-2]

The portal's own login is bench/logins.py's five requests. A party's login adds the token
request (six in all: the party's authorization request is answered with the login's user-ID
page, which took a redirect and a request of its own before 2026-12-05, and the login's last
request is the way back to the party with the code, which also took a request before); the
client then verifies the ID token's signature against the JWKS (fetched once), its audience,
issuer, nonce and acr, as any party would. The two take turns against one server process tree
(`--rounds` turns each, `--seconds` in all for each), so that on a shared machine both meet the
same load from others; each reports its CPU time per login of every party, PostgreSQL counted
as the backends of the benchmark's own database.
"""

import argparse
import asyncio
import base64
import hashlib
import json
import re
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, people
from bench.logins import citizens as portal_citizens

FRAME = re.compile(r'data-first-frame="(mitid\.[^"]+)"')
API = "/api/app/v1"
REDIRECT_URI = "https://bank.example/callback"
SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
# The party's reference on the portal's user-ID page, posted back with the user-ID.
PARTY_REFERENCE = re.compile(r'name="for" value="([^"]+)"')


@dataclass(frozen=True)
class Authorization:
    """A party's authorization request as the benchmarks' parties make it: PKCE with S256, a
    nonce, the level Substantial, in Danish."""

    query: str  # of /oidc/authorize/
    verifier: str  # PKCE's, for the token request
    nonce: str


def authorization(client_id: str) -> Authorization:
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(12)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": "openid profile",
            "state": secrets.token_urlsafe(8),
            "nonce": nonce,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
            "acr_values": SUBSTANTIAL,
            "ui_locales": "da",
        }
    )
    return Authorization(query, verifier, nonce)


def register_party() -> tuple[str, str]:
    from relying_parties import services

    registered = services.register_party(name="Benchbank", redirect_uris=[REDIRECT_URI])
    return registered.client_id, registered.client_secret


async def party_citizens(
    base: str,
    phones: list[people.Phone],
    seconds: int,
    meter: harness.CpuMeter,
    client_id: str,
    client_secret: str,
) -> dict[str, Any]:
    import aiohttp
    import jwt

    from app_api import auth as api_auth
    from authenticators import app_keys

    done: list[float] = []
    failures: list[str] = []
    requests_per_login: list[int] = []
    async with aiohttp.ClientSession(base) as setup:
        async with setup.get("/.well-known/openid-configuration") as answer:
            meta = await answer.json()
        async with setup.get(urlsplit(meta["jwks_uri"]).path) as answer:
            jwks = jwt.PyJWKSet.from_dict(await answer.json())
    keys = {key.key_id: key.key for key in jwks.keys}
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
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
            count = 0
            asked = authorization(client_id)
            async with aiohttp.ClientSession(
                base, cookie_jar=aiohttp.CookieJar(unsafe=True)
            ) as web:
                try:
                    # The answer is the login's user-ID page itself (since 2026-12-05; a
                    # redirect to it before).
                    authorize = f"/oidc/authorize/?{asked.query}"
                    async with web.get(authorize, allow_redirects=False) as page:
                        assert page.status == 200, page.status
                        text = await page.text()
                    count += 1
                    reference = PARTY_REFERENCE.search(text)
                    assert reference, "no party on the user-ID page"
                    token = web.cookie_jar.filter_cookies(base)["csrftoken"].value
                    async with web.post(
                        "/da/login/",
                        data={"user_id": phone.user_id, "next": "", "for": reference.group(1)},
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
                    # The login's last request answers with the way back to the party.
                    async with web.get("/da/login/app/", allow_redirects=False) as back:
                        assert back.status == 302, back.status
                        callback = back.headers["Location"]
                    count += 4
                    assert callback.startswith(REDIRECT_URI), callback
                    code = parse_qs(urlsplit(callback).query)["code"][0]
                    async with app.post(
                        "/oidc/token/",
                        data={
                            "grant_type": "authorization_code",
                            "code": code,
                            "redirect_uri": REDIRECT_URI,
                            "code_verifier": asked.verifier,
                        },
                        headers={"Authorization": f"Basic {basic}"},
                    ) as exchange:
                        tokens = await exchange.json()
                        assert exchange.status == 200, tokens
                    count += 1
                    raw = tokens["id_token"]
                    claims = jwt.decode(
                        raw,
                        keys[jwt.get_unverified_header(raw)["kid"]],
                        algorithms=["RS256"],
                        audience=client_id,
                        issuer=meta["issuer"],
                    )
                    assert claims["nonce"] == asked.nonce and claims["acr"] == SUBSTANTIAL, claims
                    done.append(time.monotonic() - started)
                    requests_per_login.append(count)
                except (AssertionError, KeyError, aiohttp.ClientError, jwt.PyJWTError) as error:
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
        "requests_per_login": max(requests_per_login) if requests_per_login else None,
        "logins_per_second": round(len(done) / elapsed, 1),
        "login_p50_ms": round(1000 * harness.percentile(done, 0.5), 1) if done else None,
        "login_p99_ms": round(1000 * harness.percentile(done, 0.99), 1) if done else None,
        **cpu,
    }


def server_cpu(result: dict[str, Any]) -> float:
    spent = result["cpu_ms_per_operation"]
    return float(spent["server"] + spent["postgres"] + spent["redis"])


def combined(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One flow's rounds as one: totals, CPU per login weighted by each round's logins, the
    median round's p50 and the worst round's p99."""
    logins = sum(row["logins"] for row in rounds)
    parties = rounds[0]["cpu_ms_per_operation"].keys()
    return {
        "logins": logins,
        "failures": sum(row["failures"] for row in rounds),
        "failure_examples": [example for row in rounds for example in row["failure_examples"]][:3],
        "requests_per_login": rounds[0].get("requests_per_login"),
        "logins_per_second": round(statistics.mean(row["logins_per_second"] for row in rounds), 1),
        "login_p50_ms": statistics.median(row["login_p50_ms"] for row in rounds),
        "login_p99_ms": max(row["login_p99_ms"] for row in rounds),
        "cpu_ms_per_operation": {
            name: round(
                sum(row["cpu_ms_per_operation"][name] * row["logins"] for row in rounds)
                / max(logins, 1),
                2,
            )
            for name in parties
        },
        "machine_busy_share": round(statistics.mean(r["machine_busy_share"] for r in rounds), 2),
        "postgres_backends_ended": sum(row["postgres_backends_ended"] for row in rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60, help="of each flow, over the rounds")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--server", default="gunicorn-sync-2")
    args = parser.parse_args()
    harness.fresh_database()
    harness.setup_django()
    harness.remember_nonces_from_now()
    phones = people.make_phones(args.users, "citizen")
    client_id, client_secret = register_party()
    seconds = max(1, args.seconds // args.rounds)
    portal_rounds: list[dict[str, Any]] = []
    party_rounds: list[dict[str, Any]] = []
    # Connections kept for the whole run: a backend that ends is not counted (CpuMeter).
    with harness.server(args.server, DB_CONN_MAX_AGE="3600") as (base, process):

        def portal_round(meter: harness.CpuMeter, seconds: int) -> dict[str, Any]:
            return asyncio.run(portal_citizens(base, phones, seconds, meter))

        def party_round(meter: harness.CpuMeter, seconds: int) -> dict[str, Any]:
            return asyncio.run(
                party_citizens(base, phones, seconds, meter, client_id, client_secret)
            )

        # Not measured: the workers' first requests (imports, templates, connections).
        for warm_up in (portal_round, party_round):
            warm_up(harness.CpuMeter(server=process.pid), 2)
        # The machine is shared: the flows take turns, so that both meet the same load.
        for _ in range(args.rounds):
            for run, rounds in ((portal_round, portal_rounds), (party_round, party_rounds)):
                meter = harness.CpuMeter(server=process.pid, own_backends=True)
                rounds.append(run(meter, seconds))
    portal, party = combined(portal_rounds), combined(party_rounds)
    added = server_cpu(party) / server_cpu(portal) - 1
    added_by_round = [
        server_cpu(theirs) / server_cpu(ours) - 1
        for ours, theirs in zip(portal_rounds, party_rounds, strict=True)
    ]
    result = {
        "server": args.server,
        "users": args.users,
        "rounds": args.rounds,
        "seconds_per_round": seconds,
        "portal": portal,
        "party": party,
        "server_cpu_added": round(added, 3),
        "server_cpu_added_by_round": [round(value, 3) for value in added_by_round],
        "server_cpu_added_median_round": round(statistics.median(added_by_round), 3),
    }
    print(json.dumps(result))
    print("| login | complete logins/s | p50 / p99 ms | requests | server+db CPU ms per login |")
    print("|---|---|---|---|---|")
    for name, row, requests in (("portal's own", portal, 5), ("party's", party, None)):
        print(
            f"| {name} | {row['logins_per_second']} | {row['login_p50_ms']} / "
            f"{row['login_p99_ms']} | {requests or row['requests_per_login']} | "
            f"{server_cpu(row):.1f} |"
        )
    print(
        f"CPU added by the provider: {100 * added:.1f} % "
        f"(rounds: {', '.join(f'{100 * value:.1f}' for value in added_by_round)}; "
        f"median {100 * statistics.median(added_by_round):.1f} %)"
    )
    harness.save(f"party-logins-{args.server}", result)


if __name__ == "__main__":
    main()
