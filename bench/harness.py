"""What the benchmarks share: a fresh database, server processes, memory, wrk.

Every benchmark runs the portal as deployed (PostgreSQL, Redis) on this machine, and measures
a bare baseline on the same server in the same run, so that the ratio means something on a
shared, noisy machine.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mitid_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
RESULTS = ROOT / "bench" / "results"


def environment(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": DATABASE,
        "REDIS_URL": REDIS,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def setup_django() -> None:
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def remember_nonces_from_now() -> None:
    """Have Redis keep the App API's nonces from now, before anything is signed. The portal
    refuses a request signed before the second from which it keeps them, which the first
    signed request it sees after Redis lost its data sets, a second before that request's
    arrival (`app_api.auth`). `fresh_database` empties Redis, and a benchmark that signs its
    requests ahead, or sends its first one to a server that takes seconds to answer
    (callgrind), would be refused; a portal in service set that second long ago."""
    from app_api import auth as api_auth

    api_auth.nonces_remembered_since()


def _name_and_server() -> tuple[str, str]:
    """The benchmark database's name, and the URL of the server's `postgres` database with
    the same credentials and options (`?sslmode=...` stays an option, not part of a name)."""
    parts = urlsplit(DATABASE)
    name = unquote(parts.path.removeprefix("/"))
    if not name:
        raise SystemExit(f"BENCH_DATABASE_URL names no database: {DATABASE}")
    return name, urlunsplit(parts._replace(path="/postgres"))


def fresh_database() -> None:
    """Drop and create the benchmark database, migrate it and load the demo data."""
    import psycopg
    from psycopg import sql

    name, server = _name_and_server()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = environment()
    for command in (["migrate", "-v", "0"], ["seed_demo"], ["compilemessages", "-v", "0"]):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    subprocess.run(
        [
            str(BIN / "redis-cli") if (BIN / "redis-cli").exists() else "redis-cli",
            "-u",
            REDIS,
            "flushdb",
        ],
        check=False,
        capture_output=True,
    )


def ensure_database() -> None:
    """The benchmark database as the last run left it, or a fresh one if there is none (a new
    machine, or another `BENCH_DATABASE_URL`)."""
    import psycopg

    name, server = _name_and_server()
    with psycopg.connect(server, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if found is None:
        fresh_database()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SERVERS = {
    # name: command line (without the port); the production set-up is chosen from these.
    "gunicorn-sync-2": [
        str(BIN / "gunicorn"),
        "bench.wsgi:application",
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        "--bind",
    ],
    "gunicorn-sync-4": [
        str(BIN / "gunicorn"),
        "bench.wsgi:application",
        "--workers",
        "4",
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        "--bind",
    ],
    "uvicorn-2": [
        str(BIN / "uvicorn"),
        "bench.asgi:application",
        "--workers",
        "2",
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
        "--ws-per-message-deflate",
        "false",
        "--port",
    ],
    "uvicorn-1": [
        str(BIN / "uvicorn"),
        "bench.asgi:application",
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
        "--ws-per-message-deflate",
        "false",
        "--port",
    ],
}


@contextmanager
def server(
    name: str, *, websockets_only: bool = False, options: tuple[str, ...] = (), **extra: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Serve the benchmark settings with one of SERVERS; yields (base URL, process).

    Django keeps a database connection per thread. Persistent ones suit a WSGI worker's one
    thread, and a server of websockets only, whose consumers share one thread for the
    database; an ASGI server of pages runs each request in a thread of its own, where a
    persistent connection would be one per thread, so there they are closed.
    """
    port = free_port()
    command = [*SERVERS[name], f"127.0.0.1:{port}" if name.startswith("gunicorn") else str(port)]
    command.extend(options)
    persistent = name.startswith("gunicorn") or websockets_only
    # An hour: a benchmark's runs take minutes, and a worker reconnecting midway would take
    # its old backend's CPU out of CpuMeter's count.
    connections = {"DB_CONN_MAX_AGE": "3600" if persistent else "0"}
    process = subprocess.Popen(command, cwd=ROOT, env=environment(**{**connections, **extra}))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.2)
        time.sleep(1.0)  # let every worker come up
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def rss_kb(pid: int) -> int:
    """Resident memory of a process, in KB."""
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int, *, children: bool = False) -> int:
    """User and system CPU of a process (plus its reaped children's), in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1]), command))
    return found


class CpuMeter:
    """CPU time spent by each party of a benchmark between `start()` and `stop()`.

    The load generator shares the machine's two cores with the servers, so what it uses is
    measured too: `client` is this process, each named server is its process and all its
    descendants (gunicorn's and uvicorn's workers), `postgres` every process of the
    PostgreSQL server (other users' backends included, if any), `redis` the Redis server;
    `machine` is all CPU time of the machine (from /proc/stat), and `other` what it spent
    besides them: the kernel's loopback networking, and other people's work on this machine.

    With `own_backends=True`, `postgres` is only the backends connected to the benchmark's
    database (pg_stat_activity), not other people's queries on a shared server; a backend
    that ends during the measurement is then not counted, so the servers should keep their
    connections (gunicorn's workers do, with DB_CONN_MAX_AGE).
    """

    def __init__(self, *, own_backends: bool = False, **servers: int) -> None:
        self.servers = servers
        self.own_backends = own_backends
        self.started: dict[str, int] = {}
        self.started_backends: dict[int, int] = {}
        self.wall = 0.0

    def _backends(self) -> dict[int, int]:
        """CPU ticks of each PostgreSQL backend on the benchmark's database, but this one."""
        import psycopg

        with psycopg.connect(DATABASE, autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return {pid: _cpu_ticks(pid) for (pid,) in rows}

    def _snapshot(self) -> dict[str, int]:
        processes = _processes()
        children: dict[int, list[int]] = {}
        for pid, parent, _command in processes:
            children.setdefault(parent, []).append(pid)

        def tree(root: int) -> int:
            return _cpu_ticks(root, children=True) + sum(tree(c) for c in children.get(root, []))

        snapshot = {"client": _cpu_ticks(os.getpid())}
        for name, pid in self.servers.items():
            snapshot[name] = tree(pid)
        postmasters = [p for p, parent, c in processes if "postgres -D" in c]
        snapshot["postgres"] = sum(tree(p) for p in postmasters)
        snapshot["redis"] = sum(_cpu_ticks(p) for p, _parent, c in processes if "redis-server" in c)
        # user, nice, system, idle, iowait, irq, softirq, steal: busy is all but idle, iowait
        # and steal (time the hypervisor gave to another machine).
        cpu = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        snapshot["machine"] = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6]
        snapshot["steal"] = cpu[7]
        return snapshot

    def start(self) -> None:
        self.wall = time.monotonic()
        if self.own_backends:
            self.started_backends = self._backends()
        self.started = self._snapshot()

    def stop(self, operations: int) -> dict[str, object]:
        """CPU milliseconds per operation for each party, and how busy the cores were."""
        ended = self._snapshot()
        wall = time.monotonic() - self.wall
        spent = {name: ended[name] - self.started[name] for name in ended}
        ended_backends = 0
        if self.own_backends:
            backends = self._backends()
            spent["postgres"] = sum(
                ticks - self.started_backends.get(pid, 0) for pid, ticks in backends.items()
            )
            ended_backends = len(set(self.started_backends) - set(backends))
        steal = spent.pop("steal")
        # Whatever the machine did besides the parties: the kernel's loopback networking, and
        # other people's work on this shared machine (a run where it is large was disturbed).
        spent["other"] = spent["machine"] - sum(
            ticks for name, ticks in spent.items() if name != "machine"
        )
        cores = wall * (os.cpu_count() or 1)
        mine = {"postgres_backends_ended": ended_backends} if self.own_backends else {}
        return {
            **mine,
            "cpu_ms_per_operation": {
                name: round(1000 * ticks / CLOCK_TICKS / max(operations, 1), 2)
                for name, ticks in spent.items()
            },
            "machine_busy_share": round(spent["machine"] / CLOCK_TICKS / cores, 2),
            "steal_share": round(steal / CLOCK_TICKS / cores, 2),
            "client_share_of_machine_cpu": round(spent["client"] / max(spent["machine"], 1), 2),
        }


def wrk(url: str, *, cookie: str = "", seconds: int = 10, connections: int = 16) -> float:
    """Requests a second that wrk measures for one URL (fails on any non-2xx answer)."""
    return wrk_run(url, cookie=cookie, seconds=seconds, connections=connections)[0]


def wrk_run(
    url: str, *, cookie: str = "", seconds: int = 10, connections: int = 16
) -> tuple[float, int]:
    """wrk's requests a second for one URL, and how many requests it made."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"{url} answered with errors:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    made = re.search(r"(\d+) requests in", output)
    if not (rate and made):
        raise RuntimeError(f"wrk printed no figures for {url}:\n{output}")
    return float(rate.group(1)), int(made.group(1))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def save(name: str, result: dict[str, object]) -> None:
    RESULTS.mkdir(exist_ok=True)
    result = {"machine": os.uname().nodename, "at": time.strftime("%Y-%m-%d %H:%M:%S"), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
