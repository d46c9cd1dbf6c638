"""Where a page's time goes: cProfile over many requests through Django's test client.

python bench/profile_page.py /da/login/ [--requests 300] [--cookie proven]
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
    args = parser.parse_args()
    harness.setup_django()
    from django.test import Client

    from bench.pages import sessions

    plain, proven = sessions()
    client = Client()
    key = (proven if args.cookie == "proven" else plain).split("=", 1)[1]
    client.cookies["sessionid"] = key
    for _ in range(20):
        assert client.get(args.path).status_code == 200
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(args.path)
    plain_ms = 1000 * (time.perf_counter() - started) / args.requests
    print(f"{args.path}: {plain_ms:.2f} ms a request in-process without the profiler")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(args.path)
    profile.disable()
    stats = pstats.Stats(profile).sort_stats(args.sort)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{args.path}: {1000 * total / args.requests:.2f} ms a request under the profiler")
    stats.print_stats(args.top)


if __name__ == "__main__":
    main()
