"""Where a portal login's CPU goes: py-spy on the gunicorn workers during complete logins.

    python -m bench.peers.profile [--logins 300] [--rate 400]

Serves the portal as bench/peers/run.py does (gunicorn, 2 sync workers, PostgreSQL, MD5),
and for each of the portal's two logins samples both workers with py-spy (`--subprocesses`,
`--nonblocking`: the workers are never paused; `--gil`: only a thread holding the GIL, so the
samples are the Python side of the workers' CPU) while that many logins run one after another.
Without `--gil` (`--not-asleep`) py-spy also counts a thread that is runnable but waiting for
a core, which on a busy machine inflates whatever follows a wake-up. Writes
bench/results/peers-profile-<flow>.txt: the share of samples per kind of work (the innermost
library on the stack decides), landmarks of Django's request cycle, the view, the portal's own
functions with the share of samples under them, and the hottest leaves. Not a measurement of
cost (run.py is): a map.
"""

import argparse
import ast
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import harness
from bench.peers import flows, run

# The innermost frame from one of these (path fragment) names the kind of work; first match.
KINDS = [
    ("PostgreSQL driver (psycopg: sending, reading, adapting)", ("/psycopg/", "/psycopg_binary/")),
    ("Redis (redis-py, channels_redis)", ("/redis/", "/channels_redis/")),
    ("signatures and hashes (cryptography, hashlib)", ("/cryptography/", "hashlib", "/hmac.py")),
    ("templates", ("/django/template/", "/django/templatetags/")),
    ("forms and widgets", ("/django/forms/",)),
    ("ORM (building queries, making models)", ("/django/db/",)),
    ("sessions and signing", ("/django/contrib/sessions/", "/django/core/signing.py")),
    ("auth, messages, CSRF", ("/django/contrib/auth/", "/django/contrib/messages/", "csrf")),
    ("i18n and URLs", ("/django/utils/translation/", "/django/urls/", "gettext")),
    ("async_to_sync, event loops", ("/asgiref/", "/asyncio/", "/selectors.py")),
    ("JSON", ("/json/",)),
    ("django-otp", ("/django_otp/",)),
    ("Celery", ("/celery/", "/kombu/")),
    ("HTTP, middleware, responses (Django, whitenoise)", ("/django/", "/whitenoise/")),
    ("gunicorn", ("/gunicorn/",)),
]
# Landmarks of Django's request cycle: share of samples with the frame on the stack.
LANDMARKS = [
    ("a page's template rendered (Template.render)", "/django/template/base.py", "Template.render"),
    ("forms rendered (BoundField.__str__ and the renderer)", "/django/forms/", "render"),
    ("SQL compiled (SQLCompiler.as_sql)", "/django/db/models/sql/compiler.py", ".as_sql"),
    (
        "SQL executed, ORM and raw (CursorWrapper.execute)",
        "/django/db/backends/utils.py",
        "execute",
    ),
    ("transactions closed (Atomic.__exit__)", "/django/db/transaction.py", "Atomic.__exit__"),
    ("session loaded", "/django/contrib/sessions/backends/", "load"),
    (
        "session saved (SessionMiddleware.process_response)",
        "sessions/middleware.py",
        "process_response",
    ),
    ("Django's auth.login (new key, last_login)", "/django/contrib/auth/__init__.py", "login"),
    ("CSRF checked and set", "/django/middleware/csrf.py", ""),
    ("LocaleMiddleware", "/django/middleware/locale.py", ""),
    (
        "the channel layer's own event-loop thread (login/layers.py; its waits too)",
        "/asyncio/base_events.py",
        "run_forever",
    ),
    ("Redis round trips (redis-py)", "/redis/", ""),
    ("the App API's signed-request check", "/app_api/auth.py", ""),
    ("gunicorn reading the request and writing the answer", "/gunicorn/", "write"),
]
# Wrappers around every view of a kind (and the portal's middleware): the view inside them
# is the door that matters.
WRAPPERS = (".PendingLoginMixin.dispatch", ".json_endpoint.decorate.wrapper")
APPS = [
    "login",
    "app_api",
    "authenticators",
    "pages",
    "enrollment",
    "activation",
    "audit",
    "messaging",
    "mitid_portal",
    "selfservice",
    "nemid",
]


def frames(stack: str) -> list[tuple[str, str, int]]:
    """(function, file, line) of each frame of one py-spy raw line's stack, outermost first."""
    found = []
    for frame in stack.split(";"):
        function, _, where = frame.rpartition(" (")
        path, _, line = where.rstrip(")").rpartition(":")
        found.append((function, path, int(line) if line.isdigit() else 0))
    return found


def portal_file(path: str) -> str | None:
    """The path relative to the repository, if the frame is the portal's own code."""
    relative = path.removeprefix(str(run.ROOT) + "/")
    if relative.split("/", 1)[0] in APPS and "/.venv/" not in path:
        return relative
    return None


@cache
def qualified(relative: str, line: int, function: str) -> str:
    """module.Class.function for the portal's frame at `line` (py-spy gives no class)."""
    try:
        tree = ast.parse((run.ROOT / relative).read_text())
    except (OSError, SyntaxError):
        return f"{relative}:{function}"
    best: list[str] = []

    def visit(node: ast.AST, names: list[str]) -> None:
        nonlocal best
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                end = child.end_lineno or child.lineno
                if child.lineno <= line <= end:
                    best = [*names, child.name]
                    visit(child, best)

    visit(tree, [])
    module = relative.removesuffix(".py").replace("/", ".")
    return f"{module}.{'.'.join(best) or function}"


def summarise(raw: Path, flow: str, logins: int, rate: int, measured: float, gil_only: bool) -> str:
    kinds: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    outermost: Counter[str] = Counter()
    landmarks: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        stack_frames = frames(stack)
        kind = "other (the portal's own code, the standard library)"
        for _function, path, _line in reversed(stack_frames):
            match = next((name for name, parts in KINDS if any(p in path for p in parts)), None)
            if match:
                kind = match
                break
        kinds[kind] += count
        seen: list[str] = []
        for function, path, line_number in stack_frames:
            relative = portal_file(path)
            if relative:
                seen.append(qualified(relative, line_number, function))
        for name in set(seen):
            inclusive[name] += count
        doors = [n for n in seen if not n.endswith(WRAPPERS) and "Middleware." not in n]
        outermost[doors[0] if doors else "(no portal view: middleware, rendering, gunicorn)"] += (
            count
        )
        for label, fragment, function_part in LANDMARKS:
            if any(fragment in p and function_part in f for f, p, _n in stack_frames):
                landmarks[label] += count
        function, path, _line = stack_frames[-1]
        leaves[f"{function} ({path.split('site-packages/')[-1].removeprefix(str(run.ROOT))})"] += (
            count
        )

    def share(n: int) -> str:
        return f"{100 * n / max(total, 1):5.1f}%"

    out = [
        f"{flow}: {logins} complete logins, {total} samples of the two workers "
        f"({1000 * total / rate / logins:.1f} ms a login at {rate} a second; the workers' CPU"
        f" in /proc during it: {measured:.1f} ms a login).",
        (
            "Only samples of a thread holding the GIL: the Python side of the CPU. Not in it:"
            " CPU with the GIL released (the system calls that send and receive on the"
            " sockets to PostgreSQL, Redis and the client, and C code that releases it)."
            if gil_only
            else "Every sample of a thread not asleep, which on a busy machine includes"
            " waiting for a core after each wake-up (after PostgreSQL answers, psycopg's"
            " Connection.wait; after a request arrives, gunicorn's SyncWorker.wait)."
        ),
        "",
        "Kind of work (the innermost library on the stack):",
        *(f"  {share(n)}  {name}" for name, n in kinds.most_common()),
        "",
        "Landmarks of the request cycle, share of samples with it on the stack:",
        *(f"  {share(landmarks[label])}  {label}" for label, _f, _p in LANDMARKS),
        "",
        "The outermost portal function on the stack, within the login and App API wrappers:",
        *(f"  {share(n)}  {name}" for name, n in outermost.most_common(12)),
        "",
        "The portal's own functions, share of samples with the function on the stack:",
        *(f"  {share(n)}  {name}" for name, n in inclusive.most_common(30)),
        "",
        "Hottest leaves:",
        *(f"  {share(n)}  {name}" for name, n in leaves.most_common(15)),
    ]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=300)
    parser.add_argument("--rate", type=int, default=400, help="samples a second")
    parser.add_argument("--warm-up", type=int, default=10)
    parser.add_argument("--keep-raw", action="store_true", help="keep py-spy's collapsed stacks")
    parser.add_argument(
        "--not-asleep",
        action="store_true",
        help="every sample of a thread not asleep, not only those holding the GIL",
    )
    args = parser.parse_args()
    run.fresh_databases(["portal"])
    os.environ.update(
        run.portal_environment(f"{run.POSTGRES}/{run.database('portal')}", run.REDIS, [])
    )
    os.environ.pop("BENCH_PASSWORD_HASHERS")
    import django

    django.setup()
    hashes = run.password_hashes()
    everyone = run.portal_people({"fast": args.logins + args.warm_up}, hashes)["fast"]
    with run.serve("portal", run.FAST) as served:
        for flow in run.PORTAL_FLOWS:
            run.warm_up(served, flow, everyone, args.warm_up)
            raw = harness.RESULTS / f"peers-profile-{flow}.raw"
            spy = subprocess.Popen(
                [
                    str(harness.BIN / "py-spy"),
                    "record",
                    "--pid",
                    str(served.process.pid),
                    "--subprocesses",
                    "--nonblocking",
                    "--full-filenames",
                    *([] if args.not_asleep else ["--gil"]),
                    "--rate",
                    str(args.rate),
                    "--format",
                    "raw",
                    "--output",
                    str(raw),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(2)  # py-spy finds the workers
            ticks = run.server_ticks(served.process.pid)
            for _ in range(args.logins):
                flows.FLOWS[flow](flows.Browser(served.base), everyone.next(flow))
            ticks = run.server_ticks(served.process.pid) - ticks
            measured = 1000 * ticks / harness.CLOCK_TICKS / args.logins
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
            text = summarise(raw, flow, args.logins, args.rate, measured, not args.not_asleep)
            if not args.keep_raw:
                raw.unlink()
            print(text)
            (harness.RESULTS / f"peers-profile-{flow}.txt").write_text(text)


if __name__ == "__main__":
    main()
