"""Where a page's time goes: cProfile over many requests through Django's test client.

python bench/profile_page.py /da/login/ [--requests 300] [--cookie proven]
python bench/profile_page.py /da/login/ --user-id nobody-here   # the user-ID's answer (POST)
python bench/profile_page.py /da/login/ --callers "compiler.py:32"  # who calls what

It also prints the database statements and the Python calls a request makes, which the
machine's noise does not move, and saves them in bench/results/profile-page-*.json.
"""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cookie", choices=["plain", "proven"], default="plain")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative")
    parser.add_argument("--user-id", help="POST this user-ID to the path, as a new browser")
    parser.add_argument("--callers", help="also print who called the functions matching this")
    args = parser.parse_args()
    harness.ensure_database()
    harness.setup_django()
    from django.test import Client

    from bench.pages import sessions

    plain, proven = sessions()
    client = Client()
    key = (proven if args.cookie == "proven" else plain).split("=", 1)[1]
    client.cookies["sessionid"] = key

    def first_page() -> dict[str, str] | None:
        """For the user-ID's answer, a new browser's first page: the form's fields to post."""
        if args.user_id is None:
            return None
        client.cookies.clear()
        client.get(args.path)
        token = client.cookies["csrftoken"].value
        return {"user_id": args.user_id, "next": "", "csrfmiddlewaretoken": token}

    def answer(data: dict[str, str] | None) -> int:
        """The request measured: the page, or the user-ID posted."""
        response = client.get(args.path) if data is None else client.post(args.path, data)
        return response.status_code

    for _ in range(20):
        assert answer(first_page()) == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = first_page()
    with CaptureQueriesContext(connection) as statements:
        answer(data)
    print(f"{args.path}: {len(statements)} database statements a request (the last of them)")
    spent = 0.0
    for _ in range(args.requests):
        data = first_page()
        started = time.perf_counter()
        answer(data)
        spent += time.perf_counter() - started
    plain_ms = 1000 * spent / args.requests
    print(f"{args.path}: {plain_ms:.2f} ms a request in-process without the profiler")
    profile = cProfile.Profile()
    for _ in range(args.requests):
        data = first_page()  # a user-ID's first page is not profiled, only its answer
        profile.enable()
        answer(data)
        profile.disable()
    stats = pstats.Stats(profile).sort_stats(args.sort)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{args.path}: {1000 * total / args.requests:.2f} ms a request under the profiler")
    calls = stats.total_calls  # type: ignore[attr-defined]
    print(f"{args.path}: {calls / args.requests:.0f} Python calls a request")
    name = args.path.strip("/").replace("/", "-") + ("-user-id" if args.user_id else "")
    harness.save(
        f"profile-page-{name}",
        {
            "path": args.path,
            "user_id_posted": args.user_id is not None,
            "cookie": args.cookie,
            "statements": len(statements),
            "ms_in_process": round(plain_ms, 2),
            "python_calls": round(calls / args.requests),
        },
    )
    stats.print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
