"""CPU per password check: Django's default Argon2 parameters against the portal's.

    python bench/hashing.py [--rounds 5] [--checks 10]

Both hashers verify a password against a hash they made, in alternating rounds in one run (the
machine is shared and noisy: compare the two numbers of one run, not runs). CPU time is the
process's, so Argon2's lanes running on other threads count too. Prints the median over the
rounds of ms of CPU and of wall time per check, and saves them to bench/results/hashing.json.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.contrib.auth.hashers import Argon2PasswordHasher

from bench import harness
from mitid_portal.hashers import PortalArgon2PasswordHasher

PASSWORD = "Demo-Staff-2026"


def measure(hasher: Argon2PasswordHasher, encoded: str, checks: int) -> tuple[float, float]:
    """ms of CPU and ms of wall time per check."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(checks):
        assert hasher.verify(PASSWORD, encoded)
    return (
        1000 * (time.process_time() - cpu) / checks,
        1000 * (time.perf_counter() - wall) / checks,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=10)
    args = parser.parse_args()
    from django.conf import settings

    settings.configure()  # the hashers need no project settings, only a configured Django
    hashers = {
        "django default": Argon2PasswordHasher(),
        "portal": PortalArgon2PasswordHasher(),
    }
    encoded = {name: h.encode(PASSWORD, h.salt()) for name, h in hashers.items()}
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in hashers}
    for name, hasher in hashers.items():
        measure(hasher, encoded[name], 2)  # warm up
    for _ in range(args.rounds):
        for name, hasher in hashers.items():
            samples[name].append(measure(hasher, encoded[name], args.checks))

    result: dict[str, object] = {"rounds": args.rounds, "checks_per_round": args.checks}
    for name, hasher in hashers.items():
        cpu = statistics.median(s[0] for s in samples[name])
        wall = statistics.median(s[1] for s in samples[name])
        params = f"m={hasher.memory_cost} KiB, t={hasher.time_cost}, p={hasher.parallelism}"
        print(f"{name:15} ({params}): {cpu:7.1f} ms CPU, {wall:7.1f} ms wall per check")
        result[name] = {"params": params, "cpu_ms": round(cpu, 1), "wall_ms": round(wall, 1)}
    harness.save("hashing", result)


if __name__ == "__main__":
    main()
