"""Goal 1 without the machine's noise: the instructions a server spends on a complete login.

    python -m bench.peers.instructions [--logins 20] [--warm-up 5] [--flows NAME ...]

(`make bench-peers-instructions`.) On this shared machine `bench.peers.run`'s CPU ratios move
by more from run to run (1.02 to 1.24 for the QR login) than a change of code does. callgrind
(valgrind) counts the instructions a process runs, which other people's work does not change.
Each flow's project is served as in `bench.peers.run` (gunicorn's sync worker, PostgreSQL with
a persistent connection, sessions in the database, MD5 as the hasher; the portal with Redis),
but with one worker, under callgrind, twice: once for `--warm-up` complete logins
(bench/peers/flows.py), once for as many and `--logins` more, one after another. A login's
instructions are the difference of the two workers' totals divided by `--logins`: what both
spent starting, importing and warming up cancels out.

What this leaves out, as `bench.instructions` does for pages: PostgreSQL's and Redis's work
(their backends are other processes) and the gunicorn master's (idle). Under callgrind a
request takes about fifty times as long, so the portal's frames may be older when the app
scans them: the run allows 60 s (`APP_LOGIN_FRAME_MAX_AGE_SECONDS`; no other setting differs).
Prints each flow's instructions a login and its ratio to allauth's, and saves them in
bench/results/peers-instructions.json. Needs valgrind; about ten minutes for the four flows
counted by default.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import harness
from bench.peers import flows, run

# A Python process under callgrind starts in about a minute; its requests take about fifty
# times as long as they do without it.
PATIENCE = 600
# A TOTP code is typed at least this long before its step ends (`flows.Browser.totp`).
TOTP_MARGIN_SECONDS = 10
SUMMARY = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)
# Determinism between runs: the same string hashes, so the same dict and set layouts.
UNDER_ENV = {"PYTHONHASHSEED": "0", "APP_LOGIN_FRAME_MAX_AGE_SECONDS": "60"}

# A relying party's login through the portal (issue 14: what the provider adds to a login).
PARTY = "portal_party_qr"
PORTAL_FLOWS = [*run.PORTAL_FLOWS, PARTY]


def party_customers(count: int) -> list[flows.PartyCustomer]:
    """A party registered in the portal's database, and citizens with the app to log in."""
    from django.db import connections

    from bench import people
    from bench.party_logins import register_party

    client_id, client_secret = register_party()
    phones = people.make_phones(count, "party")
    connections.close_all()  # this process's backend is no server's
    return [flows.PartyCustomer(phone, client_id, client_secret) for phone in phones]


def worker_of(master: int) -> int:
    """The one gunicorn worker: the master's child (valgrind runs in the same process)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        children = [pid for pid, parent, _command in harness._processes() if parent == master]
        if len(children) == 1:
            return children[0]
        time.sleep(0.5)
    raise RuntimeError("gunicorn started no worker")


def ready(served: run.Served, flow: str) -> None:
    """Wait for the worker to import the project: any page answered (a redirect or a 404
    will do), not with a server error."""
    answer = requests.get(served.base + "/", timeout=PATIENCE, allow_redirects=False)
    if answer.status_code >= 500:
        raise flows.LoginFailed(f"{flow}: its server answered {answer.status_code}")


def instructions(flow: str, everyone: run.People, logins: int, warm: int) -> tuple[int, int]:
    """All the instructions of the worker of a server that made `warm + logins` complete
    logins of `flow` and stopped, and the requests of a login."""
    name = "portal" if flow in PORTAL_FLOWS else flow
    with tempfile.TemporaryDirectory() as folder:
        out = f"--callgrind-out-file={folder}/callgrind.%p"
        under = ("valgrind", "-q", "--tool=callgrind", out)
        serving = run.serve(
            name, run.FAST, workers=1, under=under, env_extra=UNDER_ENV, patience=PATIENCE
        )
        with serving as served:
            worker = worker_of(served.process.pid)
            ready(served, flow)
            sent = 0
            for _ in range(warm + logins):
                browser = flows.Browser(served.base, totp_margin=TOTP_MARGIN_SECONDS)
                flows.FLOWS[flow](browser, everyone.next(flow))
                sent = max(sent, browser.requests)
            # The same worker all along: one that died and was replaced counted only a part.
            if worker_of(served.process.pid) != worker:
                raise RuntimeError(f"{flow}: gunicorn replaced its worker during the run")
        # Written when the worker ended, on the server's stop (its graceful timeout is long).
        dumps = sorted(path.name for path in Path(folder).iterdir())
        if f"callgrind.{worker}" not in dumps:
            raise RuntimeError(f"{flow}: the worker wrote no counts ({dumps})")
        dump = (Path(folder) / f"callgrind.{worker}").read_text()
    return int(SUMMARY.findall(dump)[-1]), sent


def count(flow: str, everyone: run.People, *, logins: int, warm: int) -> dict[str, Any]:
    """A login's instructions: two servers' workers, one of which made `logins` more."""
    low, _sent = instructions(flow, everyone, 0, warm)
    high, sent = instructions(flow, everyone, logins, warm)
    return {"instructions": (high - low) // logins, "requests": sent, "logins": logins}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=5)
    parser.add_argument(
        "--flows",
        nargs="+",
        choices=[*PORTAL_FLOWS, *run.PEER_FLOWS],
        default=["portal_app_qr", PARTY, "portal_code_device", run.ALLAUTH],
    )
    args = parser.parse_args()
    if args.logins < 1:
        parser.error("--logins must be at least 1")
    if not (run.PEERS_BIN / "gunicorn").exists():
        sys.exit("No bench/peers/.venv: run `make bench-peers` (it makes the virtualenv).")
    order = list(dict.fromkeys(args.flows))
    portal_flows = [flow for flow in order if flow in PORTAL_FLOWS]
    peer_flows = [flow for flow in order if flow in run.PEER_FLOWS]
    run.fresh_databases(["portal", *peer_flows])
    portal_database = f"{run.POSTGRES}/{run.database('portal')}"
    os.environ.update(run.portal_environment(portal_database, run.REDIS, []))
    os.environ.pop("BENCH_PASSWORD_HASHERS")  # this process keeps the portal's own hashers
    import django

    django.setup()
    hashes = run.password_hashes()
    print("Making the databases and people...", flush=True)
    needed = {"fast": args.logins + 2 * args.warm_up}
    queues = dict(run.portal_people(needed, hashes)["fast"].queues) if portal_flows else {}
    if PARTY in order:
        queues[PARTY] = party_customers(needed["fast"])
    for flow in peer_flows:
        queues.update(run.peer_people(flow, needed, hashes)["fast"].queues)
    everyone = run.People(queues)
    counted = {}
    for flow in order:
        counted[flow] = count(flow, everyone, logins=args.logins, warm=args.warm_up)
        print(f"  {flow:<30} {counted[flow]['instructions']:>14,} instructions a login", flush=True)
    allauth = counted.get(run.ALLAUTH, {}).get("instructions")
    print("| flow | requests | instructions a login (server worker) | ratio to allauth |")
    print("|---|---|---|---|")
    for flow, row in counted.items():
        if allauth:
            row["ratio_to_allauth"] = round(row["instructions"] / allauth, 3)
        ratio = f"{row['ratio_to_allauth']:.3f}" if allauth else "(not counted)"
        print(f"| {flow} | {row['requests']} | {row['instructions']:,} | {ratio} |")
    if PARTY in counted and "portal_app_qr" in counted:
        added = counted[PARTY]["instructions"] / counted["portal_app_qr"]["instructions"] - 1
        counted[PARTY]["added_to_portal_app_qr"] = round(added, 3)
        print(f"A relying party's login costs the server {added:.1%} more than the portal's own.")
    harness.save(
        "peers-instructions",
        {
            "flows": counted,
            "setup": {
                "server": "gunicorn, 1 sync worker under callgrind, a server per project",
                "counted": "the worker's instructions after the warm-up, per complete login",
                "hasher": run.FAST_HASHERS[0],
                "environment": UNDER_ENV,
            },
        },
    )


if __name__ == "__main__":
    main()
