"""Counting proxies: every SQL statement and Redis command a server sends, read off the wire.

The servers under test connect to PostgreSQL and Redis through these proxies, which pass every
byte on unchanged and count what the client side sends: for PostgreSQL each simple-protocol
Query and each extended-protocol Execute (with the text of the statement it runs), for Redis
each command. Counting on the wire sees what Django's `execute_wrappers` cannot: the BEGIN
and COMMIT that psycopg sends by itself when Django opens and closes a transaction. It needs
nothing in either project's code and no PostgreSQL extension (pg_stat_statements must be
preloaded, which a shared server may not do), and costs the servers nothing: the proxy runs in
the load generator's process. Connections must not use TLS (`sslmode=disable`).
"""

import asyncio
import struct
import threading
from collections import Counter
from collections.abc import Callable

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
TRANSACTION = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"}


def kind_of(sql: str) -> str:
    """BEGIN, COMMIT, ROLLBACK, SAVEPOINT (creating, releasing or rolling back to one), or the
    statement's first word (SELECT, INSERT, UPDATE, DELETE, SET...)."""
    words = sql.lstrip(" \t\r\n(").split(None, 2)
    if not words:
        return "EMPTY"
    first = words[0].upper().rstrip(";")
    second = words[1].upper() if len(words) > 1 else ""
    if first == "RELEASE" or (first == "ROLLBACK" and second == "TO") or first == "SAVEPOINT":
        return "SAVEPOINT"
    if first in {"START", "BEGIN"}:
        return "BEGIN"
    if first in {"END", "COMMIT"}:
        return "COMMIT"
    if first in {"ROLLBACK", "ABORT"}:
        return "ROLLBACK"
    return first


class Tally:
    """What went through one proxy: statements (or commands) by kind, and their texts."""

    def __init__(self, *, keep_texts: bool = False) -> None:
        self.kinds: Counter[str] = Counter()
        self.round_trips = 0
        self.keep_texts = keep_texts
        self.texts: list[str] = []
        self.lock = threading.Lock()

    def add(self, kind: str, text: str = "") -> None:
        with self.lock:
            self.kinds[kind] += 1
            if self.keep_texts:
                self.texts.append(text)

    def note(self, text: str) -> None:
        """A marker among the kept texts (which request the next ones belong to)."""
        with self.lock:
            if self.keep_texts:
                self.texts.append(text)

    def trip(self) -> None:
        with self.lock:
            self.round_trips += 1

    def snapshot(self) -> tuple[Counter[str], int]:
        with self.lock:
            return Counter(self.kinds), self.round_trips

    def record(self, on: bool) -> list[str]:
        """Start (or stop) keeping the texts; returns what was kept so far and forgets it."""
        with self.lock:
            kept, self.texts = self.texts, []
            self.keep_texts = on
            return kept


class PostgresReader:
    """Frontend messages of one PostgreSQL connection, fed in pieces as they arrive."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.buffer = b""
        self.started = False
        self.statements: dict[bytes, str] = {}  # prepared statement name -> text
        self.portals: dict[bytes, str] = {}  # portal name -> text

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if not self.started:
                if len(self.buffer) < 8:
                    return
                length, code = struct.unpack("!ii", self.buffer[:8])
                if len(self.buffer) < length:
                    return
                self.buffer = self.buffer[length:]
                # An SSL or GSS request is answered with one byte, then the real start-up.
                self.started = code not in {SSL_REQUEST, GSSENC_REQUEST}
                continue
            if len(self.buffer) < 5:
                return
            kind = self.buffer[:1]
            (length,) = struct.unpack("!i", self.buffer[1:5])
            if len(self.buffer) < 1 + length:
                return
            body = self.buffer[5 : 1 + length]
            self.buffer = self.buffer[1 + length :]
            self.message(kind, body)

    def message(self, kind: bytes, body: bytes) -> None:
        if kind == b"Q":  # simple query: one round trip
            text = body.rstrip(b"\0").decode(errors="replace")
            self.tally.add(kind_of(text), text)
            self.tally.trip()
        elif kind == b"P":  # Parse: name, text
            name, _, rest = body.partition(b"\0")
            self.statements[name] = rest.partition(b"\0")[0].decode(errors="replace")
        elif kind == b"B":  # Bind: portal, statement
            portal, _, rest = body.partition(b"\0")
            self.portals[portal] = self.statements.get(rest.partition(b"\0")[0], "?")
        elif kind == b"E":  # Execute: portal
            text = self.portals.get(body.partition(b"\0")[0], "?")
            self.tally.add(kind_of(text), text)
        elif kind == b"S":  # Sync: the end of an extended-protocol exchange
            self.tally.trip()


class RedisReader:
    """Commands of one Redis connection (RESP arrays of bulk strings, as redis-py sends)."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.buffer = b""

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while self.buffer:
            parsed = self._command()
            if parsed is None:
                return
            name, key, used = parsed
            self.buffer = self.buffer[used:]
            self.tally.add(name, f"{name} {key}")
            self.tally.trip()

    def _command(self) -> tuple[str, str, int] | None:
        """The next command's name and first argument, and its length; None if incomplete."""
        end = self.buffer.find(b"\r\n")
        if end < 0:
            return None
        if not self.buffer.startswith(b"*"):  # an inline command
            return self.buffer[:end].split(b" ", 1)[0].decode().upper(), "", end + 2
        count = int(self.buffer[1:end])
        position = end + 2
        name = key = ""
        for index in range(count):
            end = self.buffer.find(b"\r\n", position)
            if end < 0:
                return None
            size = int(self.buffer[position + 1 : end])
            start = end + 2
            if len(self.buffer) < start + size + 2:
                return None
            if index == 0:
                name = self.buffer[start : start + size].decode(errors="replace").upper()
            elif index == 1:
                key = self.buffer[start : start + min(size, 80)].decode(errors="replace")
            position = start + size + 2
        return name, key, position


class Proxy:
    """A TCP proxy on a free local port in a thread of its own, counting one side's messages."""

    def __init__(self, upstream: tuple[str, int], reader: Callable[[Tally], object]) -> None:
        self.upstream = upstream
        self.reader = reader
        self.tally = Tally()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Proxy":
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_out.close()
            return
        reader = self.reader(self.tally)

        async def pipe(
            source: asyncio.StreamReader,
            sink: asyncio.StreamWriter,
            count: Callable[[bytes], object] | None,
        ) -> None:
            try:
                while data := await source.read(65536):
                    if count is not None:
                        count(data)  # counted before it is passed on
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(
            pipe(client_in, server_out, reader.feed),  # type: ignore[attr-defined]
            pipe(server_in, client_out, None),
        )

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
