"""Logs: JSON lines with a request id, no query strings, CPR numbers masked in every record."""

import io
import json
import logging
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client

from pages.logs import JSONFormatter, mask_cpr_numbers

ROOT = Path(__file__).resolve().parents[2]
CPR = "1505831235"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("1505831235", "******-****"),
        ("cpr=150583-1235.", "cpr=******-****."),
        ("search q=1505831235&x=1", "search q=******-****&x=1"),
        ("two: 0101010101 and 020202-0202", "two: ******-**** and ******-****"),
        ("an order 123456789 and 12345678901 stay", "an order 123456789 and 12345678901 stay"),
    ],
)
def test_cpr_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_cpr_numbers(text) == masked


@contextmanager
def console_output() -> Iterator[io.StringIO]:
    """What the portal's console handler (settings.LOGGING) writes meanwhile."""
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.formatter, JSONFormatter)
    )
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    with console_output() as stream:
        yield stream


def entries(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_record_is_one_json_object_with_cpr_numbers_masked() -> None:
    logger = logging.getLogger("tests.logs")
    with console_output() as console:
        logger.warning("looked up %s", CPR, extra={"note": "cpr 150583-1235", "count": 3})
        logger.warning("typed 150583-1235 in the search")
        try:
            raise ValueError(f"no person {CPR}")
        except ValueError:
            logger.exception("lookup failed")
    output = console.getvalue()
    assert CPR not in output and "150583-1235" not in output
    first, second, third = entries(console)
    assert first["message"] == "looked up ******-****"
    assert first["note"] == "cpr ******-****" and first["count"] == 3
    assert first["level"] == "WARNING" and first["logger"] == "tests.logs"
    assert second["message"] == "typed ******-**** in the search"
    assert "ValueError: no person ******-****" in str(third["exception"])


def test_query_strings_are_cut_from_messages() -> None:
    with console_output() as console:
        # As uvicorn logs a websocket handshake.
        logging.getLogger("uvicorn.error").info(
            '%s - "WebSocket %s" 403', "127.0.0.1:5555", "/ws/login/app/?q=secret"
        )
    (entry,) = entries(console)
    assert entry["message"] == '127.0.0.1:5555 - "WebSocket /ws/login/app/" 403'


@pytest.mark.django_db
def test_the_access_log_has_the_path_without_its_query_and_the_request_id(
    client: Client, console: io.StringIO
) -> None:
    response = client.get(f"/admin/?q={CPR}")
    access = [e for e in entries(console) if e["logger"] == "portal.access"]
    assert len(access) == 1
    assert access[0]["path"] == "/admin/" and access[0]["message"] == "GET /admin/ 302"
    assert access[0]["status"] == 302 and access[0]["client"] == "127.0.0.1"
    assert access[0]["request_id"] == response["X-Request-ID"]
    assert CPR not in console.getvalue() and "q=" not in console.getvalue()


@pytest.mark.django_db
def test_a_well_formed_incoming_request_id_is_kept_and_echoed(client: Client) -> None:
    request_id = "7f0c5e52-9a55-4c39-9a8f-2d1b0e6a4b11"
    response = client.get("/da/", headers={"X-Request-ID": request_id})
    assert response["X-Request-ID"] == request_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        CPR,
        "req-010170-1234",
        "abcdef0101701234fedcba98",
        # Written with the id's other separators, or in a longer number: a probe's ids.
        "req-010170.1234",
        "req:010170:1234",
        "req_010170_1234",
        "req-01.01.70-1234",
        "req-01017012345",
    ],
)
def test_an_incoming_request_id_holding_a_cpr_number_is_replaced(
    client: Client, console: io.StringIO, incoming: str
) -> None:
    """The request id is written on every line as it came, and the mask leaves it alone (a
    portal's own ids must stay whole): one shaped like a CPR number would be in the log."""
    response = client.get("/da/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert incoming not in console.getvalue()
    access = [e for e in entries(console) if e["logger"] == "portal.access"]
    assert access[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming", ["short", "has space in it", "a" * 129, 'quote"injection', "line\\nbreak-123"]
)
def test_a_malformed_request_id_is_replaced(client: Client, incoming: str) -> None:
    response = client.get("/da/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", response["X-Request-ID"])


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client: Client) -> None:
    ids = {client.get("/da/")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.django_db
def test_lines_logged_during_a_request_carry_its_id(client: Client, console: io.StringIO) -> None:
    response = client.get("/da/no-such-page/")
    assert response.status_code == 404
    by_logger = {e["logger"]: e for e in entries(console)}
    # Django's own warning about the 404, and the access line.
    assert by_logger["django.request"]["request_id"] == response["X-Request-ID"]
    assert by_logger["portal.access"]["request_id"] == response["X-Request-ID"]


def make_run_server_command(port: int) -> list[str]:
    """The server command of `make run`, read from the Makefile, on the given port."""
    recipe = ROOT.joinpath("Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    (line,) = [line for line in recipe.splitlines() if "uvicorn" in line]
    line = (
        line.replace("$(BIN)", str(Path(sys.executable).parent))
        .replace("$(HOST)", "127.0.0.1")
        .replace("$(PORT)", str(port))
    )
    return shlex.split(line)


def test_make_runs_server_logs_no_query_string_and_no_cpr_number(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    output = tmp_path / "server.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("REDIS_URL", None)
    with output.open("w") as log:
        server = subprocess.Popen(
            make_run_server_command(port), cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, output.read_text()
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        for path in (f"/health/?q={CPR}", f"/da/?q=150583-1235&next=/x/?y={CPR}"):
            # A forged X-Forwarded-For: uvicorn must not make it the client's address (the
            # portal's own client_address decides, from TRUSTED_PROXIES).
            request = urllib.request.Request(  # noqa: S310 - the test server's own URL
                base + path, headers={"X-Forwarded-For": "203.0.113.9"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                assert response.status == 200
        # A websocket handshake with a query string, refused (no Origin): uvicorn logs it.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as ws:
            ws.sendall(
                f"GET /ws/login/app/?q={CPR} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n".encode()
            )
            ws.recv(1024)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = output.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    paths = [e["path"] for e in lines if e["logger"] == "portal.access"]
    assert paths == ["/health/", "/da/"], text
    clients = {e["client"] for e in lines if e["logger"] == "portal.access"}
    assert clients == {"127.0.0.1"}, text
    assert any("WebSocket /ws/login/app/" in str(e["message"]) for e in lines), text
    assert "?" not in text and CPR not in text and "150583-1235" not in text, text
