"""What callgrind makes of the ID token's RS256 signature, against what it costs the CPU.

    python -m bench.signing [--fresh] [--rounds 5]

`make bench-peers-instructions` counts a relying party's login in instructions under callgrind,
and the token request signs an ID token (RS256, jwcrypto over OpenSSL, as django-oauth-toolkit
signs it). Under valgrind OpenSSL does not find the CPU's big-number instructions it would
use natively, so a signature there may count for more than it costs. This measures one
signature and one bare page (`bench.pages`' baseline, through Django's WSGI handler) both
ways in one run: instructions under callgrind, and CPU time natively (rounds alternating the
two, the median of each). If the two ratios differ, callgrind weighs the signature against a
page otherwise than the CPU does. Prints both and saves them in bench/results/signing.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.instructions import get, per_request
from bench.pages import BARE, PAGES, sessions

LOW, HIGH = 20, 120
CLAIMS = {"iss": "http://127.0.0.1:8000", "sub": "x" * 36, "aud": "bench", "nonce": "n" * 32}


def signer(pem: str):  # type: ignore[no-untyped-def]
    """Sign as the provider does: the key parsed once, a new token a call."""
    from jwcrypto import jwk, jwt

    key = jwk.JWK.from_pem(pem.encode())
    header = json.dumps({"alg": "RS256", "kid": key.thumbprint()})

    def sign() -> str:
        token = jwt.JWT(header=header, claims=json.dumps(CLAIMS))
        token.make_signed_token(key)
        return str(token.serialize())

    return sign


def child(count: int, key_file: str) -> None:
    sign = signer(Path(key_file).read_text())
    for _ in range(count):
        sign()


def signature_instructions(pem: str) -> int:
    """Instructions a signature: two runs of the same key, `HIGH` and `LOW` signatures."""
    with tempfile.TemporaryDirectory() as folder:
        key_file = Path(folder) / "key.pem"
        key_file.write_text(pem)
        return (counted(HIGH, key_file) - counted(LOW, key_file)) // (HIGH - LOW)


def counted(count: int, key_file: Path) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        ran = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "bench.signing",
                "--child",
                str(count),
                str(key_file),
            ],
            cwd=harness.ROOT,
            env=harness.environment(PYTHONHASHSEED="0"),
            capture_output=True,
            text=True,
        )
        if ran.returncode:
            raise RuntimeError(ran.stderr[-2000:])
        lines = out.read_text().splitlines()
    return int(next(line for line in lines if line.startswith("summary:")).split()[1])


def native_ms(rounds: int, cookie: str, pem: str) -> tuple[float, float]:
    """CPU ms a signature and a bare page, natively: the median over alternating rounds."""
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()

    def page() -> None:
        b"".join(application(get(PAGES[BARE], cookie), lambda *args: None))

    sign = signer(pem)
    for _ in range(50):
        page()
        sign()
    signatures, pages = [], []
    for _ in range(rounds):
        for work, into in ((sign, signatures), (page, pages)):
            start = time.process_time()
            for _ in range(200):
                work()
            into.append(1000 * (time.process_time() - start) / 200)
    return statistics.median(signatures), statistics.median(pages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true", help="make the benchmark database first")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # COUNT KEY_FILE
    args = parser.parse_args()
    if args.child is not None:
        harness.setup_django()
        child(int(args.child[0]), args.child[1])
        return
    if args.fresh:
        harness.fresh_database()
    # One connection for the whole run, as in `bench.instructions`' counted process: a page
    # that connected to PostgreSQL for each request would be timed with its connecting.
    os.environ["DB_CONN_MAX_AGE"] = "3600"
    harness.setup_django()
    from relying_parties.keys import new_private_key_pem

    plain, _proven = sessions()
    pem = new_private_key_pem()
    signature_ms, page_ms = native_ms(args.rounds, plain, pem)
    signature = signature_instructions(pem)
    page = per_request(PAGES[BARE], plain)
    counted, timed = signature / page, signature_ms / page_ms
    print("| | RS256 signature | bare page | signature in bare pages |")
    print("|---|---|---|---|")
    print(f"| instructions (callgrind) | {signature:,} | {page:,} | {counted:.2f} |")
    print(f"| CPU ms (native) | {signature_ms:.3f} | {page_ms:.3f} | {timed:.2f} |")
    print(
        f"Callgrind weighs a signature {counted / timed:.1f} times as heavily against a page "
        "as the CPU does."
    )
    harness.save(
        "signing",
        {
            "signature_instructions": signature,
            "page_instructions": page,
            "signature_ms": round(signature_ms, 4),
            "page_ms": round(page_ms, 4),
            "callgrind_weight": round(counted / timed, 2),
        },
    )


if __name__ == "__main__":
    main()
