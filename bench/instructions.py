"""(d) without the machine's noise: instructions a page costs, counted by callgrind.

    python -m bench.instructions [--pages NAME ...] [--fresh]

On a shared machine two runs of `bench.pages` moved a page's ratio by up to 0.35. callgrind
(valgrind) counts the instructions a process runs, which other people's work does not change.
Each page of `bench.pages` is requested through Django's WSGI handler with the benchmark
settings and one database connection, in a process under callgrind: 50 requests to warm up
and then `LOW`, and again with `HIGH`; the difference divided by `HIGH - LOW` is a request's
instructions. No server is in it (gunicorn's part of a request, the same for every page, is
left out, so these ratios are lower than served ones), nor PostgreSQL's work: only the Django
process's. Two pages are counted at a time (one a core). Prints each page's instructions a
request and its ratio to the bare page's, and saves them in bench/results/instructions.json.
Needs valgrind (`apt-get install -y valgrind`); about three minutes a page.
"""

import argparse
import io
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.pages import BARE, PAGES, sessions

WARM, LOW, HIGH = 50, 50, 150


def get(path: str, cookie: str) -> dict[str, Any]:
    """The WSGI environ of a browser's GET of `path` with the session `cookie`."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def requests(path: str, cookie: str, count: int) -> None:
    """Run under callgrind: `WARM` requests, then `count` more, each answered 200."""
    harness.setup_django()
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)
        return statuses.append  # WSGI's write(), which Django does not use

    for _ in range(WARM + count):
        b"".join(application(get(path, cookie), start_response))
    assert set(statuses) == {"200 OK"}, set(statuses)


def instructions(path: str, cookie: str, count: int) -> int:
    """All the instructions of a process making `WARM + count` requests."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        child = ["-m", "bench.instructions", "--child", path, cookie, str(count)]
        ran = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, *child],
            cwd=harness.ROOT,
            # One connection for the whole run, and the same hashes in both runs compared.
            env=harness.environment(DB_CONN_MAX_AGE="3600", PYTHONHASHSEED="0"),
            capture_output=True,
            text=True,
        )
        if ran.returncode:
            raise RuntimeError(f"{path}: {ran.stderr[-2000:]}")
        lines = out.read_text().splitlines()
    return int(next(line for line in lines if line.startswith("summary:")).split()[1])


def per_request(path: str, cookie: str) -> int:
    return (instructions(path, cookie, HIGH) - instructions(path, cookie, LOW)) // (HIGH - LOW)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--fresh", action="store_true", help="make the benchmark database first")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # PATH COOKIE COUNT
    args = parser.parse_args()
    if args.child:
        path, cookie, count = args.child
        requests(path, cookie, int(count))
        return
    if args.fresh:
        harness.fresh_database()
    harness.setup_django()
    plain, proven = sessions()
    cookie = {"enrollment: method": proven}
    pages = [BARE, *(page for page in args.pages if page != BARE)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counted = dict(
            zip(
                pages,
                pool.map(lambda page: per_request(PAGES[page], cookie.get(page, plain)), pages),
                strict=True,
            )
        )
    print("| page | instructions a request | ratio to the bare page |")
    print("|---|---|---|")
    rows = []
    for page, count in counted.items():
        ratio = counted[BARE] / count
        rows.append({"page": page, "instructions": count, "ratio": round(ratio, 3)})
        print(f"| {page} | {count:,} | {ratio:.2f} |")
    harness.save("instructions", {"rows": rows, "requests": HIGH - LOW})


if __name__ == "__main__":
    main()
