"""The portal's logins against three peers' on the same set-up: requests, CPU and queries.

    python -m bench.peers.run [--logins 100] [--rounds 3] [--production-logins 20]

(`make bench-peers` makes the peers' virtualenv first and runs this.) Five flows, each driven
to a complete login (bench/peers/flows.py): the portal's app QR login and code-device login,
django-allauth's password + TOTP, django-two-factor-auth's password + TOTP and Django's plain
LoginView. Each is served as the portal is deployed, by gunicorn with 2 sync workers, on
PostgreSQL (a database of its own, persistent connections), sessions in the database, the
same password hasher for all. The peers run from bench/peers/.venv, so none of their packages
enters the portal's environment.

Per complete login, for each flow:
- requests: HTTP requests from the browser and (QR login) the app together;
- cpu_ms: CPU time of the gunicorn processes (master and workers, /proc/<pid>/stat) plus that
  of the PostgreSQL backends serving them (their pids from pg_stat_activity), measured around
  a batch of logins; the median of the rounds, the flows' order turned each round;
- queries: SQL statements the server sent, counted on the wire by a proxy (bench/peers/wire.py),
  BEGIN/COMMIT/ROLLBACK counted apart (`transaction_statements`); savepoints are queries.

The main rounds hash with MD5, so that the frameworks are compared and not the hash; a
shorter round with the portal's own hashers (Argon2 first) gives `cpu_ms_production_hasher`.
Prints a table, writes bench/results/peers.json, and the statements of one login of each
flow to bench/results/peers-queries.txt.
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import harness, people
from bench.peers import flows, wire

ROOT = harness.ROOT
PEERS = ROOT / "bench" / "peers"
PEERS_BIN = PEERS / ".venv" / "bin"
# The PostgreSQL server (databases bench_peers_*, dropped and made again) and Redis database.
POSTGRES = os.environ.get("BENCH_PEERS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_PEERS_REDIS_URL", "redis://127.0.0.1:6379/10")
# Two runs at once (two checkouts compared) each need databases of their own.
PREFIX = os.environ.get("BENCH_PEERS_DATABASE_PREFIX", "bench_peers_")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
APPLICATION = "bench-peers-server"  # how the servers' PostgreSQL backends are told apart
PEER_FLOWS = ["allauth_totp", "two_factor", "plain_login"]
PORTAL_FLOWS = ["portal_app_qr", "portal_code_device", "portal_code_device_returning"]
ALLAUTH = "allauth_totp"
TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK")


def database(name: str) -> str:
    return f"{PREFIX}{name}"


def admin_connection() -> Any:
    import psycopg

    return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)


def fresh_databases(names: list[str]) -> None:
    with admin_connection() as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{database(name)}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database(name)}"')


def portal_environment(database_url: str, redis_url: str, hashers: list[str]) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "BENCH_PASSWORD_HASHERS": ",".join(hashers),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@dataclass(frozen=True)
class Hashing:
    """The hashers of a pass: the portal's, and the same for the peers (with their settings)."""

    portal: list[str]
    peers: list[str]
    peer_env: dict[str, str] = field(default_factory=dict)


FAST = Hashing(FAST_HASHERS, FAST_HASHERS)


def production_hashing(portal: list[str]) -> Hashing:
    """The portal's own hashers, and for the peers the same as the first, which hashes every
    password (the others only read older hashes, of which the peers have none, or hash what
    is not a person's password, like relying parties' client secrets): Django's class as it
    is, or an Argon2 subclass of the portal's (which the peers' virtualenv cannot import) as
    peers_site.hashers.BenchArgon2PasswordHasher with its parameters."""
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.utils.module_loading import import_string

    first = portal[0]
    if first.startswith("django."):
        return Hashing(portal, [first])
    hasher = import_string(first)()
    if not isinstance(hasher, Argon2PasswordHasher):
        raise SystemExit(f"{first}: no equivalent for the peers; add one to peers_site/hashers.py")
    env = {"BENCH_ARGON2": f"{hasher.time_cost},{hasher.memory_cost},{hasher.parallelism}"}
    return Hashing(portal, ["peers_site.hashers.BenchArgon2PasswordHasher"], env)


def peer_environment(
    flow: str, database_url: str, hashers: list[str], extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {
        **os.environ,
        "PEER_FLOW": flow,
        "DJANGO_SETTINGS_MODULE": "peers_site.settings",
        "DATABASE_URL": database_url,
        "BENCH_PASSWORD_HASHERS": ",".join(hashers),
        **(extra or {}),
    }
    env.pop("PYTHONPATH", None)
    return env


# People --------------------------------------------------------------------------------------


@dataclass
class People:
    """Everyone who logs in during the run, by flow; each TOTP person logs in once."""

    queues: dict[str, list[Any]] = field(default_factory=dict)

    def next(self, flow: str) -> Any:
        return self.queues[flow].pop()


def password_hashes() -> dict[str, str]:
    """The one password hashed once with each hasher of the run (everyone shares it)."""
    from django.conf import settings
    from django.contrib.auth.hashers import MD5PasswordHasher
    from django.utils.module_loading import import_string

    production = import_string(settings.PASSWORD_HASHERS[0])()
    return {
        "fast": MD5PasswordHasher().encode(flows.PASSWORD, MD5PasswordHasher().salt()),
        "production": production.encode(flows.PASSWORD, production.salt()),
    }


def portal_code_device_people(count: int, prefix: str, password_hash: str) -> list[Any]:
    """Active identities, each with an active code display and `flows.PASSWORD`."""
    from django.contrib.auth.models import User

    from authenticators.models import AuthenticatorStatus, CodeDevice, HardwareToken, Identity
    from authenticators.user_ids import normalise_user_id

    first = Identity.objects.count()
    made = []
    for n in range(first, first + count):
        user_id = f"{prefix} {n}"
        identity = Identity.objects.create(
            cpr=f"7{n:09d}",
            user_id=user_id,
            user_id_key=normalise_user_id(user_id),
            status=Identity.Status.ACTIVE,
        )
        identity.account = User.objects.create(
            username=f"mitid-{identity.pk}", password=password_hash
        )
        identity.save(update_fields=["account"])
        token = HardwareToken.objects.create(
            serial=f"KB{n:08d}", kind="kodeviser", assigned_to=identity
        )
        CodeDevice.objects.create(
            identity=identity,
            user=identity.account,
            name=token.serial,
            token=token,
            key=token.key,
            status=AuthenticatorStatus.ACTIVE,
        )
        made.append(flows.CodeDevicePerson(user_id, token.key))
    return made


def portal_people(counts: dict[str, int], hashes: dict[str, str]) -> dict[str, People]:
    """The portal's database, migrated, with people for both passes (fast, production)."""
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    found = {}
    for run, count in counts.items():
        phones = people.make_phones(count, f"qr {run}")
        devices = portal_code_device_people(count, f"code {run}", hashes[run])
        returning = portal_code_device_people(count, f"again {run}", hashes[run])
        found[run] = People(
            {
                "portal_app_qr": phones,
                "portal_code_device": devices,
                "portal_code_device_returning": returning,
            }
        )
    connections.close_all()  # this process's backend must not be counted as a server's
    return found


def peer_people(flow: str, counts: dict[str, int], hashes: dict[str, str]) -> dict[str, People]:
    """The peer's database, migrated, with people for both passes."""
    env = peer_environment(flow, f"{POSTGRES}/{database(flow)}", FAST_HASHERS)
    manage = [str(PEERS_BIN / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=PEERS, env=env, check=True)
    found = {}
    for run, count in counts.items():
        made = [flows.PeerPerson(f"{flow}-{run}-{n}", secrets.token_hex(20)) for n in range(count)]
        data = {
            "password_hash": hashes[run],
            "people": [{"username": p.username, "totp_key": p.totp_key} for p in made],
        }
        subprocess.run(
            [*manage, "bench_people"],
            cwd=PEERS,
            env=env,
            input=json.dumps(data).encode(),
            check=True,
            capture_output=True,
        )
        found[run] = People({flow: made})
    return found


# Servers and what they spend ------------------------------------------------------------------


@dataclass
class Served:
    name: str
    database: str
    base: str
    process: subprocess.Popen[bytes]
    postgres: wire.Proxy
    redis: wire.Proxy | None


def upstream(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or (6379 if parts.scheme == "redis" else 5432)


@contextmanager
def serve(
    name: str,
    hashing: Hashing,
    *,
    workers: int = 2,
    under: tuple[str, ...] = (),
    env_extra: dict[str, str] | None = None,
    patience: float = 30,
) -> Iterator[Served]:
    """gunicorn, 2 sync workers, for the portal (`name` "portal") or a peer, behind proxies;
    `under` runs it under another program (valgrind, bench/peers/instructions.py), given
    `patience` seconds to start and to stop."""
    postgres = wire.Proxy(upstream(POSTGRES), wire.PostgresReader).start()
    user = urlsplit(POSTGRES).username or "postgres"
    database_url = (
        f"postgres://{user}@127.0.0.1:{postgres.port}/{database(name)}"
        f"?sslmode=disable&gssencmode=disable&application_name={APPLICATION}"
    )
    port = harness.free_port()
    gunicorn = ["--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"]
    gunicorn += ["--bind", f"127.0.0.1:{port}", "--timeout", str(int(patience))]
    gunicorn += ["--graceful-timeout", str(int(patience))]
    redis = None
    if name == "portal":
        redis = wire.Proxy(upstream(REDIS), wire.RedisReader).start()
        redis_url = f"redis://127.0.0.1:{redis.port}{urlsplit(REDIS).path}"
        command = [str(harness.BIN / "gunicorn"), "bench.wsgi:application", *gunicorn]
        env, cwd = portal_environment(database_url, redis_url, hashing.portal), ROOT
    else:
        command = [str(PEERS_BIN / "gunicorn"), "peers_site.wsgi:application", *gunicorn]
        env = peer_environment(name, database_url, hashing.peers, hashing.peer_env)
        cwd = PEERS
    # Persistent connections, as deployed (Procfile): one backend per worker for the run.
    env["DB_CONN_MAX_AGE"] = "3600"
    env.update(env_extra or {})
    process = subprocess.Popen([*under, *command], cwd=cwd, env=env)
    try:
        deadline = time.monotonic() + patience
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.2)
        yield Served(name, database(name), f"http://127.0.0.1:{port}", process, postgres, redis)
    finally:
        process.terminate()
        try:
            process.wait(timeout=max(15, patience))
        except subprocess.TimeoutExpired:
            process.kill()
        postgres.stop()
        if redis is not None:
            redis.stop()


def server_ticks(pid: int) -> int:
    """CPU of a gunicorn master and all its workers (and reaped children), in clock ticks."""
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent, _command in harness._processes():
        children[parent].append(child)

    def tree(root: int) -> int:
        return harness._cpu_ticks(root, children=True) + sum(tree(c) for c in children[root])

    return tree(pid)


def backend_ticks(admin: Any, served: Served) -> dict[int, int]:
    """CPU of each PostgreSQL backend serving the server (by pid), in clock ticks."""
    pids = [
        row[0]
        for row in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [served.database, APPLICATION],
        )
    ]
    return {pid: harness._cpu_ticks(pid) for pid in pids}


@dataclass
class Batch:
    logins: int
    requests: list[int]
    server_ms: float
    postgres_ms: float
    statements: list[Counter[str]]
    round_trips: list[int]
    redis: list[Counter[str]]
    backends_changed: bool

    @property
    def cpu_ms(self) -> float:
        return self.server_ms + self.postgres_ms


def measure(
    admin: Any, served: Served, flow: str, everyone: People, count: int, *, record: bool = False
) -> tuple[Batch, list[str]]:
    """`count` complete logins one after another; what the server and its backends spent."""
    login = flows.FLOWS[flow]
    requests: list[int] = []
    statements: list[Counter[str]] = []
    round_trips: list[int] = []
    redis: list[Counter[str]] = []
    kept: list[str] = []
    no_redis = wire.Tally()
    redis_tally = served.redis.tally if served.redis else no_redis

    def mark(text: str) -> None:
        served.postgres.tally.note(text)
        redis_tally.note(text)

    backends = backend_ticks(admin, served)
    server = server_ticks(served.process.pid)
    for index in range(count):
        sql_before, trips_before = served.postgres.tally.snapshot()
        redis_before = redis_tally.snapshot()[0]
        recording = record and index == 0
        if recording:
            served.postgres.tally.record(True)
            redis_tally.record(True)
        browser = flows.Browser(served.base, mark if recording else None)
        login(browser, everyone.next(flow))
        if recording:
            kept = ["PostgreSQL:", *served.postgres.tally.record(False)]
            kept += ["", "Redis:", *redis_tally.record(False)]
        sql_after, trips_after = served.postgres.tally.snapshot()
        requests.append(browser.requests)
        statements.append(sql_after - sql_before)
        round_trips.append(trips_after - trips_before)
        redis.append(redis_tally.snapshot()[0] - redis_before)
    server = server_ticks(served.process.pid) - server
    after = backend_ticks(admin, served)
    postgres = sum(after[pid] - backends.get(pid, 0) for pid in after)
    milliseconds = 1000 / harness.CLOCK_TICKS / count
    batch = Batch(
        logins=count,
        requests=requests,
        server_ms=server * milliseconds,
        postgres_ms=postgres * milliseconds,
        statements=statements,
        round_trips=round_trips,
        redis=redis,
        backends_changed=set(after) != set(backends),
    )
    return batch, kept


def warm_up(served: Served, flow: str, everyone: People, count: int) -> None:
    """Imports, templates, connections; and one login's session tried on the page after it."""
    for _ in range(count):
        browser = flows.Browser(served.base)
        answer = flows.FLOWS[flow](browser, everyone.next(flow))
    after = browser.web.get(served.base + answer.headers["Location"], allow_redirects=False)
    if after.status_code != 200:
        raise flows.LoginFailed(f"{flow}: the page after login answered {after.status_code}")


# The run ------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def summary(batches: list[Batch]) -> dict[str, Any]:
    """One flow's figures per complete login, over its batches (one per round)."""
    statements = [s for b in batches for s in b.statements]
    queries = [sum(n for k, n in s.items() if k not in TRANSACTION) for s in statements]
    transaction = [sum(s[k] for k in TRANSACTION) for s in statements]
    kinds: Counter[str] = Counter()
    for s in statements:
        kinds.update(s)
    requests = [r for b in batches for r in b.requests]
    redis_kinds: Counter[str] = Counter()
    for b in batches:
        for r in b.redis:
            redis_kinds.update(r)
    return {
        "requests": round(median(requests)),
        "cpu_ms": round(median([b.cpu_ms for b in batches]), 2),
        "queries": round(median(queries)),
        "transaction_statements": round(median(transaction)),
        "cpu_ms_rounds": [round(b.cpu_ms, 2) for b in batches],
        "cpu_ms_server": round(median([b.server_ms for b in batches]), 2),
        "cpu_ms_postgres": round(median([b.postgres_ms for b in batches]), 2),
        "statements_by_kind": {
            k: round(n / len(statements), 2) for k, n in sorted(kinds.items(), key=lambda i: -i[1])
        },
        "queries_min_max": [min(queries), max(queries)],
        "requests_min_max": [min(requests), max(requests)],
        "db_round_trips": round(median([float(t) for b in batches for t in b.round_trips])),
        "redis_commands": round(median([float(r.total()) for b in batches for r in b.redis])),
        "redis_by_kind": {
            k: round(n / len(statements), 2)
            for k, n in sorted(redis_kinds.items(), key=lambda i: -i[1])
        },
        "logins_measured": sum(b.logins for b in batches),
        "backends_changed": any(b.backends_changed for b in batches),
    }


def run_pass(
    hashing: Hashing,
    everyone: dict[str, People],
    order: list[str],
    *,
    rounds: int,
    logins: int,
    warm: int,
    record: bool,
) -> tuple[dict[str, list[Batch]], dict[str, list[str]]]:
    """Every server up at once; rounds of batches, the flows' order turned each round."""
    batches: dict[str, list[Batch]] = {flow: [] for flow in order}
    texts: dict[str, list[str]] = {}
    with ExitStack() as stack, admin_connection() as admin:
        served = {
            name: stack.enter_context(serve(name, hashing)) for name in ["portal", *PEER_FLOWS]
        }
        server_of = {flow: served["portal" if flow in PORTAL_FLOWS else flow] for flow in order}
        for flow in order:
            warm_up(server_of[flow], flow, everyone, warm)
        for index in range(rounds):
            turned = order[index % len(order) :] + order[: index % len(order)]
            for flow in turned:
                batch, kept = measure(
                    admin,
                    server_of[flow],
                    flow,
                    everyone,
                    logins,
                    record=record and index == 0,
                )
                batches[flow].append(batch)
                if kept:
                    texts[flow] = kept
                print(
                    f"  round {index + 1}/{rounds} {flow:<20} {batch.cpu_ms:7.2f} ms CPU a login "
                    f"(server {batch.server_ms:.2f}, PostgreSQL {batch.postgres_ms:.2f})",
                    flush=True,
                )
    return batches, texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=100, help="logins per flow and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--production-logins", type=int, default=20, help="0: no such pass")
    parser.add_argument("--warm-up", type=int, default=10)
    args = parser.parse_args()
    order = [*PORTAL_FLOWS, *PEER_FLOWS]
    if not (PEERS_BIN / "gunicorn").exists():
        sys.exit("No bench/peers/.venv: run `make bench-peers` (it makes the virtualenv).")

    counts = {"fast": args.rounds * args.logins + args.warm_up}
    if args.production_logins:
        counts["production"] = args.production_logins + args.warm_up
    fresh_databases(["portal", *PEER_FLOWS])
    os.environ.update(portal_environment(f"{POSTGRES}/{database('portal')}", REDIS, []))
    os.environ.pop("BENCH_PASSWORD_HASHERS")  # this process keeps the portal's own hashers
    import django

    django.setup()
    from django.conf import settings

    production_hashers = list(settings.PASSWORD_HASHERS)
    hashes = password_hashes()
    print("Making the databases and people...", flush=True)
    portal = portal_people(counts, hashes)
    peers = {flow: peer_people(flow, counts, hashes) for flow in PEER_FLOWS}
    everyone = {
        run: People({**portal[run].queues, **{f: peers[f][run].queues[f] for f in PEER_FLOWS}})
        for run in counts
    }

    print(f"Fast hasher ({FAST_HASHERS[0].rsplit('.', 1)[1]}): {args.rounds} rounds", flush=True)
    fast, texts = run_pass(
        FAST,
        everyone["fast"],
        order,
        rounds=args.rounds,
        logins=args.logins,
        warm=args.warm_up,
        record=True,
    )
    result_flows = {flow: summary(fast[flow]) for flow in order}
    production_name = production_hashers[0].rsplit(".", 1)[1]
    if args.production_logins:
        print(f"Production hasher ({production_name}): 1 round", flush=True)
        slow, _texts = run_pass(
            production_hashing(production_hashers),
            everyone["production"],
            order,
            rounds=1,
            logins=args.production_logins,
            warm=args.warm_up,
            record=False,
        )
        for flow in order:
            result_flows[flow]["cpu_ms_production_hasher"] = round(slow[flow][0].cpu_ms, 2)
            # The same statements as with MD5, or a hash was made again (`must_update`).
            result_flows[flow]["queries_production_hasher"] = summary(slow[flow])["queries"]

    # Ratios to allauth's login, round by round (each pair measured in the same round).
    ratios = {
        flow: round(
            median([a.cpu_ms / b.cpu_ms for a, b in zip(fast[flow], fast[ALLAUTH], strict=True)]),
            2,
        )
        for flow in order
    }
    for flow in order:
        result_flows[flow]["cpu_ratio_to_allauth"] = ratios[flow]
    result = {
        "flows": result_flows,
        "setup": {
            "server": "gunicorn, 2 sync workers, a server per project",
            "database": "PostgreSQL, a database per project, persistent connections",
            "sessions": "django.contrib.sessions.backends.db",
            "hasher": FAST_HASHERS[0],
            "production_hasher": production_hashers[0],
            "logins_per_round": args.logins,
            "rounds": args.rounds,
            "production_logins": args.production_logins,
            "cpu": "gunicorn master and workers plus their PostgreSQL backends, per login",
            "queries": "counted on the wire; BEGIN/COMMIT/ROLLBACK in transaction_statements",
        },
    }
    table = render_table(result_flows, production_name if args.production_logins else "")
    print(table)
    harness.save("peers", result)
    (harness.RESULTS / "peers-queries.txt").write_text(queries_text(texts))


NAMES = {
    "portal_app_qr": "this portal, app QR",
    "portal_code_device": "this portal, code device",
    "portal_code_device_returning": "this portal, code device, browser used it before",
    "allauth_totp": "django-allauth MFA, password + TOTP",
    "two_factor": "django-two-factor-auth, password + TOTP",
    "plain_login": "Django LoginView, password only",
}


def render_table(result: dict[str, dict[str, Any]], production: str) -> str:
    head = (
        "| flow | requests per login | CPU per login, ms (rounds) | ratio to allauth "
        "| server + PostgreSQL, ms | queries (+BEGIN/COMMIT) | DB round trips | Redis |"
    )
    rule = "|---|---|---|---|---|---|---|---|"
    if production:
        head += f" CPU with {production}, ms |"
        rule += "---|"
    lines = [head, rule]
    for flow, r in result.items():
        rounds = ", ".join(f"{c:.1f}" for c in r["cpu_ms_rounds"])
        line = (
            f"| {NAMES[flow]} (`{flow}`) | {r['requests']} | {r['cpu_ms']:.1f} ({rounds}) "
            f"| {r['cpu_ratio_to_allauth']:.2f} | {r['cpu_ms_server']:.1f} + "
            f"{r['cpu_ms_postgres']:.1f} | {r['queries']} (+{r['transaction_statements']}) "
            f"| {r['db_round_trips']} | {r['redis_commands']} |"
        )
        if production:
            line += f" {r['cpu_ms_production_hasher']:.1f} |"
        lines.append(line)
    return "\n".join(lines)


def queries_text(texts: dict[str, list[str]]) -> str:
    out = []
    for flow, statements in texts.items():
        out.append(f"== {flow}: one complete login, what its server sent")
        out.extend(" ".join(s.split())[:200] for s in statements)
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    main()
