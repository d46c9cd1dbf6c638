"""(d) Login and enrollment pages against a bare 5 KB page, served the same way.

    python -m bench.pages [--seconds 5] [--rounds 3] [--servers gunicorn-sync-2 uvicorn-2]

For each way of serving (gunicorn with sync workers, uvicorn), wrk measures the bare page
(template, session read, CSRF token, i18n), the login page, an enrollment step and the public
user-ID check, in one run: the pages in turn, `--rounds` times, with a bare run before the
first round and after each. It prints each page's requests a second and their ratio to the
bare page's (the median of the rounds, each to the mean of the bare runs on either side, and
the lowest and highest), and the CPU the server and its PostgreSQL backends spent on a request
with its ratio, bare over page: the machine is shared, and its neighbours move throughput more
than CPU per request.
"""

import argparse
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

BARE = "bare 5 KB page"
PAGES = {
    BARE: "/da/bench/bare/",
    "login: user-ID": "/da/login/",
    "enrollment: method": "/da/enrollment/method/",
    "enrollment: check a user-ID": "/da/enrollment/check-user-id/",
}


@dataclass(frozen=True)
class Sample:
    rate: float  # requests a second
    cpu_ms: float  # the server's and PostgreSQL's CPU a request
    other_ms: float  # the machine's CPU besides the parties, a request

    @staticmethod
    def mean(one: "Sample", other: "Sample") -> "Sample":
        return Sample(
            (one.rate + other.rate) / 2,
            (one.cpu_ms + other.cpu_ms) / 2,
            (one.other_ms + other.other_ms) / 2,
        )


def sessions() -> tuple[str, str]:
    """A plain session, and one proven with NemID whose enrollment case is at the method step."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from enrollment import state
    from enrollment.flow import Channel
    from nemid import session as nemid_session

    plain = SessionStore()
    plain["visits"] = 1
    plain.create()
    proven = SessionStore()
    proven[nemid_session.PROOF_KEY] = {
        "cpr": "1505831235",
        "nemid_user_id": "Jonas1983",
        "proven_at": timezone.now().isoformat(),
    }
    proven.create()
    state.open_case(
        cpr="1505831235", nemid_user_id="Jonas1983", channel=Channel.MITID, language="da"
    )
    return f"sessionid={plain.session_key}", f"sessionid={proven.session_key}"


def measure(
    base: str, path: str, cookie: str, seconds: int, process: Any, *, own_backends: bool
) -> Sample:
    """wrk on one page, and the CPU the server and its database spent on each request."""
    meter = harness.CpuMeter(own_backends=own_backends, server=process.pid)
    meter.start()
    rate, made = harness.wrk_run(base + path, cookie=cookie, seconds=seconds)
    spent: Any = meter.stop(made)
    if spent.get("postgres_backends_ended"):
        raise RuntimeError("a worker's database connection ended: its CPU is not counted")
    cpu = spent["cpu_ms_per_operation"]
    return Sample(rate, cpu["server"] + cpu["postgres"], cpu["other"])


def serve_and_measure(
    name: str, seconds: int, rounds: int, plain: str, proven: str
) -> list[dict[str, Any]]:
    """Every page's row for one way of serving."""
    cookie = {"enrollment: method": proven}
    pages = [page for page in PAGES if page != BARE]
    with harness.server(name) as (base, process):
        for path in PAGES.values():  # every page answers 200 before it is measured
            curl = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"]
            status = subprocess.run(
                [*curl, "-H", f"Cookie: {proven}", base + path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert status == "200", (path, status)
            harness.wrk(base + path, cookie=proven, seconds=2)

        # gunicorn's workers keep their database connections, so their own backends are
        # counted; uvicorn's close them after each request, so there every process of the
        # PostgreSQL server is (background workers too, and anyone else's queries).
        own_backends = name.startswith("gunicorn")

        def sample(page: str) -> Sample:
            jar = cookie.get(page, plain)
            return measure(base, PAGES[page], jar, seconds, process, own_backends=own_backends)

        # The pages in turn between bare runs; each round's ratios are to the mean of the
        # bare runs on either side of it, so a machine that slows down or speeds up during
        # the run moves both sides of a ratio alike.
        bares = [sample(BARE)]
        taken: dict[str, list[Sample]] = {page: [] for page in pages}
        for _round in range(rounds):
            for page in pages:
                taken[page].append(sample(page))
            bares.append(sample(BARE))
    around = [Sample.mean(bares[index], bares[index + 1]) for index in range(rounds)]
    return [row(name, BARE, around, around), *(row(name, p, taken[p], around) for p in pages)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", nargs="+", default=["gunicorn-sync-2", "uvicorn-2"])
    args = parser.parse_args()
    harness.fresh_database()
    harness.setup_django()
    plain, proven = sessions()
    rows = []
    for name in args.servers:
        rows.extend(serve_and_measure(name, args.seconds, args.rounds, plain, proven))
    print(
        "| server | page | requests/s | ratio to the bare page (min-max) "
        "| CPU ms a request (server and PostgreSQL) | CPU ratio |"
    )
    print("|---|---|---|---|---|---|")
    for each in rows:
        low, high = each["ratio_min_max"]
        # The bare page is the baseline, each round against itself: no range to show.
        spread = "baseline" if each["page"] == BARE else f"{low:.2f}-{high:.2f}"
        print(
            f"| {each['server']} | {each['page']} | {each['rps']:.0f} | {each['ratio']:.2f} "
            f"({spread}) | {each['cpu_ms']:.2f} | {each['cpu_ratio']:.2f} |"
        )
    harness.save("pages", {"rows": rows, "seconds": args.seconds, "rounds": args.rounds})


def row(server: str, page: str, samples: list[Sample], bare: list[Sample]) -> dict[str, Any]:
    """A page's medians over the rounds, and its ratios to the bare page round by round: of
    requests a second (the goal's), and of CPU a request, bare over page (which the machine's
    neighbours move less than they move throughput)."""
    ratios = [mine.rate / theirs.rate for mine, theirs in zip(samples, bare, strict=True)]
    cpu_ratios = [theirs.cpu_ms / mine.cpu_ms for mine, theirs in zip(samples, bare, strict=True)]
    return {
        "server": server,
        "page": page,
        "rps": statistics.median(sample.rate for sample in samples),
        "ratio": statistics.median(ratios),
        "ratio_min_max": [min(ratios), max(ratios)],
        "cpu_ms": statistics.median(sample.cpu_ms for sample in samples),
        "cpu_ratio": statistics.median(cpu_ratios),
        "other_cpu_ms": statistics.median(sample.other_ms for sample in samples),
        "rounds": [
            {"rps": round(sample.rate, 1), "cpu_ms": sample.cpu_ms, "other_cpu_ms": sample.other_ms}
            for sample in samples
        ],
    }


if __name__ == "__main__":
    main()
