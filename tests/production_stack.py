"""Consulta as the README's "Production set-up" runs it, started as subprocesses for
tests/test_production.py: gunicorn, a Celery worker and Celery beat on Redis, a throw-away
database, and an SMTP sink that keeps what it is sent.

The test plays the TLS proxy in front of gunicorn: it sends `X-Forwarded-Proto: https` and the
client's address in `X-Forwarded-For`, as nginx would (BEHIND_TLS_PROXY=1, PROXY_COUNT=1).
"""

import contextlib
import email
import email.policy
import http.client
import os
import random
import re
import secrets
import signal
import socket
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Settings that only demo mode or the test runner set: production has none of them.
NOT_IN_PRODUCTION = ("CONSULTA_DEMO", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll `check` until it returns something true; fail saying what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


# SMTP ---------------------------------------------------------------------------------------------


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: every message is accepted and kept."""

    server: "SmtpSink"

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.keep(recipients, self._read_data())
                recipients = []
                self.reply("250 OK")
            elif verb == b"RSET":
                recipients = []
                self.reply("250 OK")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            else:  # HELO, MAIL, NOOP
                self.reply("250 OK")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class SmtpSink(socketserver.ThreadingTCPServer):
    """A local SMTP server, in a thread of the test, keeping (recipients, message) pairs."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.port = int(self.server_address[1])
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def keep(self, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self._lock:
            self.messages.append((recipients, message))  # type: ignore[arg-type]

    def received(self) -> list[tuple[list[str], EmailMessage]]:
        with self._lock:
            return list(self.messages)

    def __enter__(self) -> "SmtpSink":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


# Redis --------------------------------------------------------------------------------------------


def redis_or_none() -> Any:
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return None
    return client


def empty_redis_db(client: Any) -> int:
    """A Redis database no one is using (broker and cache of this run), chosen at random among
    the high ones so that two runs at once are unlikely to share one."""
    used = {int(name[2:]) for name in client.info("keyspace")}
    free = [n for n in range(8, 16) if n not in used]
    assert free, "no empty Redis database among 8-15"
    return random.choice(free)


# Database -----------------------------------------------------------------------------------------


def _postgres_conninfo(url: str, dbname: str | None = None) -> str:
    parts = urlsplit(url)
    path = f"/{dbname}" if dbname else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, ""))


@contextlib.contextmanager
def fresh_database(tmp: Path) -> Iterator[str]:
    """The DATABASE_URL of a new, empty database: on the PostgreSQL server of the test's own
    DATABASE_URL when it names one (dropped afterwards), else a SQLite file in `tmp`."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres", "pgsql", "psql")):
        yield f"sqlite:///{tmp / 'consulta.sqlite3'}"
        return
    import psycopg

    name = f"consulta_production_{secrets.token_hex(4)}"
    with psycopg.connect(_postgres_conninfo(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres_conninfo(server, name).replace("postgresql://", "postgres://", 1)
    finally:
        with psycopg.connect(_postgres_conninfo(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows read straight from the run's database (the test process has its own settings)."""
    if database_url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(database_url[len("sqlite:///") :])) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(_postgres_conninfo(database_url)) as conn:
        return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


# Processes ----------------------------------------------------------------------------------------


def production_env(**settings: str) -> dict[str, str]:
    """The environment of every process: the README's production one, with local addresses."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        PARTICIPATION_KEY=secrets.token_urlsafe(50),
        AUDIT_KEY=secrets.token_urlsafe(50),
        BEHIND_TLS_PROXY="1",
        PROXY_COUNT="1",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


class Processes:
    """Subprocesses in sessions of their own, each logging to a file; all ended on close."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *argv: str, timeout: float = 120) -> str:
        """Run a command to its end (a management command, say); its output, or a failure."""
        done = subprocess.run(
            argv, cwd=ROOT, env=self.env, capture_output=True, timeout=timeout, check=False
        )
        output = (done.stdout + done.stderr).decode(errors="replace")
        assert done.returncode == 0, f"{' '.join(argv)} failed:\n{output[-3000:]}"
        return output

    def start(self, name: str, *argv: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.running[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def finish(self, name: str, timeout: float = 120) -> None:
        """Wait for a started command to end well; it is then no longer among those running."""
        returncode = self.running[name].wait(timeout=timeout)
        assert returncode == 0, f"{name} failed:\n{self.log(name)[-3000:]}"
        del self.running[name]

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def check_alive(self) -> None:
        for name, proc in self.running.items():
            assert proc.poll() is None, f"{name} stopped:\n{self.log(name)[-3000:]}"

    def tails(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-2000:]}" for name in self.running)

    def close(self) -> None:
        # Each one was started as the leader of its own session: its group holds its children
        # (gunicorn's and Celery's workers) and nothing else.
        for proc in self.running.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.running.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


# collectstatic as production runs it, but with gzip only: brotli at its highest quality takes
# half a minute over the API documentation's scripts, and which encodings are served is not what
# this test is about.
COLLECTSTATIC = """
import sys
sys.modules["brotli"] = None
from config.manage import main
sys.argv = ["consulta", "collectstatic", "--no-input", "-v0"]
main()
"""

# The beat process: the production schedule, with the counting of responses brought from once a
# minute down to `every` seconds so that a run sees it happen.
BEAT = """
import sys
from config.celery import app
app.conf.beat_schedule["count-consultation-responses"]["schedule"] = float(sys.argv[1])
app.start(["beat", "--schedule", sys.argv[2], "--loglevel", "INFO"])
"""


# HTTP ---------------------------------------------------------------------------------------------


class Browser:
    """One visitor reaching gunicorn through the (simulated) TLS proxy, with its own cookies.

    Cookies are kept by hand: production marks them Secure, which a cookie jar would only send
    back over HTTPS, and here HTTPS ends at the proxy."""

    def __init__(self, port: int, client_ip: str) -> None:
        self.port, self.client_ip = port, client_ip
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_ip,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            sent["Origin"] = f"https://127.0.0.1:{self.port}"
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Post a page's form as a browser would: with the CSRF token the page gave."""
        status, _headers, page = self.get(path)
        assert status == 200, f"GET {path}: {status}"
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        form = urlencode({"csrfmiddlewaretoken": token[1].decode(), **data}).encode()
        return self.request(
            "POST", path, form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
