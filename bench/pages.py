"""(d) Login and enrollment pages against a bare 5 KB page, served the same way.

    python bench/pages.py [--seconds 8]

For each way of serving (gunicorn with sync workers, uvicorn), wrk measures the bare page
(template, session read, CSRF token, i18n), the login page, an enrollment step and the public
user-ID check, in one run, and prints each page's requests a second and ratio to the bare
page (the mean of a bare run before and after).
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

PAGES = {
    "bare 5 KB page": "/da/bench/bare/",
    "login: user-ID": "/da/login/",
    "enrollment: method": "/da/enrollment/method/",
    "enrollment: check a user-ID": "/da/enrollment/check-user-id/",
}


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    harness.fresh_database()
    harness.setup_django()
    plain, proven = sessions()
    cookie = {"enrollment: method": proven}
    rows = []
    for name in ("gunicorn-sync-2", "uvicorn-2"):
        with harness.server(name) as (base, _process):
            for path in PAGES.values():  # every page answers 200 before it is measured
                status = subprocess.run(
                    [
                        "curl",
                        "-s",
                        "-o",
                        "/dev/null",
                        "-w",
                        "%{http_code}",
                        "-H",
                        f"Cookie: {proven}",
                        base + path,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                assert status == "200", (path, status)
                harness.wrk(base + path, cookie=proven, seconds=2)
            measured: dict[str, float] = {}
            bare: list[float] = []
            for page, path in [*PAGES.items(), ("bare 5 KB page", PAGES["bare 5 KB page"])]:
                rate = harness.wrk(
                    base + path, cookie=cookie.get(page, plain), seconds=args.seconds
                )
                if page == "bare 5 KB page":
                    bare.append(rate)
                else:
                    measured[page] = rate
            baseline = sum(bare) / len(bare)
            rows.append({"server": name, "page": "bare 5 KB page", "rps": baseline, "ratio": 1.0})
            for page, rate in measured.items():
                rows.append({"server": name, "page": page, "rps": rate, "ratio": rate / baseline})
    print("| server | page | requests/s | ratio to the bare page |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['server']} | {row['page']} | {row['rps']:.0f} | {row['ratio']:.2f} |")
    harness.save("pages", {"rows": rows, "seconds": args.seconds})


if __name__ == "__main__":
    main()
