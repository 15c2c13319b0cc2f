"""Responses sent while PostgreSQL restarts, for tests/test_restart.py and bench/restart.py.

A private cluster (initdb into a temporary directory, on a free port: the machine's own
PostgreSQL is never touched) gets Consulta's schema and one open consultation; gunicorn serves
Consulta on it; client threads send each response until it is acknowledged, retrying with the
same instance_id, as the API promises is safe. Once half are answered, the cluster is
stopped and started again while the rest go out. Then the responses are counted in the
database, folded into the tallies, and both are compared with what the client was told.
"""

import contextlib
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SLUG = "restart-survey"
SECTORS = ("ngo", "academia")
TOPICS = (["ransomware"], ["evidence"], ["ransomware", "evidence"])
# Variables of the caller's environment that would point a child at shared services.
SHARED = ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "DEBUG", "PGHOST", "PGPORT")


def server_binaries() -> Path | None:
    """The newest PostgreSQL server's bin directory, or None where none is installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner() -> list[str]:
    # initdb and postgres refuse to run as root: as root, they run as the postgres user.
    return ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


class Cluster:
    """A PostgreSQL cluster of our own in `directory`, listening on 127.0.0.1:`port`.

    Not `durable`, it does not fsync: what a server restart must keep (every committed
    transaction's WAL, written before the commit returns) is kept all the same, since the
    machine itself does not go down; only the figures of a durable cluster are the real ones."""

    def __init__(self, binaries: Path, directory: Path, *, durable: bool = True) -> None:
        self.binaries, self.directory, self.durable = binaries, directory, durable
        self.data, self.log = directory / "data", directory / "postgres.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/consulta"

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        command = [*_as_owner(), str(self.binaries / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {done.stderr.strip()}")

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *args)

    def create(self) -> None:
        if os.getuid() == 0:
            # The postgres user must reach its directory through ours.
            self.directory.parent.chmod(0o711)
            shutil.chown(self.directory, "postgres", "postgres")
        sync = [] if self.durable else ["--no-sync"]
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", *sync
        )
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "consulta")

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("restart", "-m", mode)

    def destroy(self) -> None:
        """Stop the cluster if it runs; kill its postmaster should pg_ctl fail."""
        pidfile = self.data / "postmaster.pid"
        if not pidfile.exists():
            return
        try:
            self.stop("immediate")
        except (RuntimeError, subprocess.SubprocessError):
            with contextlib.suppress(OSError, ValueError, IndexError):
                os.kill(int(pidfile.read_text().split()[0]), signal.SIGKILL)


def child_env(cluster: Cluster, var_dir: Path) -> dict[str, str]:
    """The environment of Consulta's processes: demo mode, this cluster, no shared services."""
    env = {k: v for k, v in os.environ.items() if k not in SHARED}
    env.update(
        CONSULTA_DEMO="1",
        DATABASE_URL=cluster.url,
        CONSULTA_VAR_DIR=str(var_dir),
        SECRET_KEY="restart-" + "k" * 50,
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    return env


_SETUP = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from tests.builders import make_consultation, make_process
make_consultation(make_process(slug="restart-test"), slug={SLUG!r}, title="Restart survey")
"""

# Folds the responses into the tallies, then reports what is stored and what is counted.
_CHECK = f"""
import json
from collections import Counter
import django
django.setup()
from consultations.counting import count_responses
from consultations.models import Consultation, Response, Tally
survey = Consultation.objects.get(slug={SLUG!r})
folded = count_responses(survey)
stored = Counter()
references, sectors, topics = {{}}, Counter(), Counter()
for instance, reference, answers in Response.objects.filter(consultation=survey).values_list(
    "instance_id", "reference", "answers"
):
    stored[str(instance)] += 1
    references[str(instance)] = reference
    sectors[answers.get("sector", "")] += 1
    topics.update(answers.get("topics", []))
tallies = Counter()
for question, value, count in Tally.objects.filter(consultation=survey).values_list(
    "question", "value", "count"
):
    tallies[question + "=" + value] += count
print(json.dumps({{
    "folded": folded,
    "stored": stored,
    "references": references,
    "uncounted": Response.objects.filter(consultation=survey, counted=False).count(),
    "sectors": sectors,
    "topics": topics,
    "tallies": tallies,
}}))
"""


def run_python(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        raise RuntimeError(f"a Consulta script failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(env: dict[str, str]) -> None:
    """Consulta's schema and the open consultation, in the cluster (one process for both)."""
    run_python(env, _SETUP)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 2) -> Iterator[str]:
    """Consulta served by gunicorn on a free port; yields its address once it answers."""
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(port, server)
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /healthz")


# The client ------------------------------------------------------------------------------------


@dataclass
class Attempt:
    at: float  # seconds since the run started
    status: int  # 0: no answer (connection refused or dropped)
    error_shaped: bool = True  # for a failure: the API's {"detail", "errors"} shape


@dataclass
class Send:
    instance_id: str
    body: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)
    reference: str = ""
    acknowledged_at: float | None = None


def make_sends(count: int) -> list[Send]:
    sends = []
    for n in range(count):
        instance_id = str(uuid.uuid4())
        answers = {"sector": SECTORS[n % 2], "staff": n % 50, "topics": TOPICS[n % 3]}
        sends.append(Send(instance_id, {"instance_id": instance_id, "answers": answers}))
    return sends


def _error_shaped(raw: bytes) -> bool:
    try:
        body = json.loads(raw)
    except ValueError:
        return False
    return isinstance(body, dict) and set(body) == {"detail", "errors"}


class Client:
    """Threads that each send responses one after another until each is acknowledged.

    The sends from `held_from` on wait for `release()`: the restart begins as they go out, so
    that however fast the machine, they cannot all be done before the database is down."""

    def __init__(
        self, address: str, sends: list[Send], *, threads: int, give_up_s: float, held_from: int
    ) -> None:
        self.host, _, port = address.partition(":")
        self.port, self.threads, self.give_up_s = int(port), threads, give_up_s
        self.path = f"/api/v1/consultations/{SLUG}/responses"
        self.sends, self.next, self.lock = sends, 0, threading.Lock()
        self.held_from, self.released = held_from, threading.Event()
        self.started = time.monotonic()
        self.acknowledged = self.finished = 0  # finished: acknowledged, refused or given up
        self.halted = threading.Event()

    def release(self) -> None:
        self.released.set()

    def halt(self) -> None:
        """Send nothing more (the run failed): each thread ends after its current attempt."""
        self.halted.set()
        self.released.set()

    def run(self) -> list[threading.Thread]:
        workers = [threading.Thread(target=self._work, daemon=True) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        return workers

    def _take(self) -> Send | None:
        with self.lock:
            index, self.next = self.next, self.next + 1
        if index >= self.held_from:
            self.released.wait()
        if index >= len(self.sends) or self.halted.is_set():
            return None
        return self.sends[index]

    def _work(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        while (send := self._take()) is not None:
            connection = self._deliver(connection, send)
            with self.lock:
                self.finished += 1
        connection.close()

    def _deliver(self, connection: http.client.HTTPConnection, send: Send) -> Any:
        body, pause = json.dumps(send.body), 0.02
        give_up = time.monotonic() + self.give_up_s
        while time.monotonic() < give_up and not self.halted.is_set():
            status, raw = self._post(connection, body)
            now = time.monotonic() - self.started
            if 200 <= status < 300:
                send.attempts.append(Attempt(now, status))
                send.reference, send.acknowledged_at = json.loads(raw)["reference"], now
                with self.lock:
                    self.acknowledged += 1
                return connection
            send.attempts.append(Attempt(now, status, _error_shaped(raw)))
            if status and status < 500:
                return connection  # a refusal: sending it again would change nothing
            connection.close()
            connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
            self.halted.wait(pause)
            pause = min(pause * 2, 0.25)
        return connection

    def _post(self, connection: http.client.HTTPConnection, body: str) -> tuple[int, bytes]:
        try:
            connection.request(
                "POST", self.path, body, headers={"Content-Type": "application/json"}
            )
            answer = connection.getresponse()
            return answer.status, answer.read()
        except (OSError, http.client.HTTPException):
            return 0, b""


# The run ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the client was told, what the database holds, and how the outage looked."""

    sends: list[Send]
    check: dict[str, Any]
    restart_at: float
    restart_done: float
    mode: str
    down_s: float
    server_log: str

    @property
    def sent(self) -> int:
        return len(self.sends)

    @property
    def acknowledged(self) -> list[Send]:
        return [s for s in self.sends if s.acknowledged_at is not None]

    @property
    def stored(self) -> int:
        return sum(self.check["stored"].values())

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.check["stored"].values() if n > 1)

    @property
    def lost(self) -> list[str]:
        """Acknowledged, but not stored (or stored under another receipt)."""
        references = self.check["references"]
        return [
            s.instance_id for s in self.acknowledged if references.get(s.instance_id) != s.reference
        ]

    @property
    def stored_unacknowledged(self) -> int:
        acknowledged = {s.instance_id for s in self.acknowledged}
        return sum(1 for i in self.check["stored"] if i not in acknowledged)

    @property
    def failures(self) -> list[Attempt]:
        """Every attempt that was not acknowledged, in the order they were made."""
        failed = (a for s in self.sends for a in s.attempts if a.status // 100 != 2)
        return sorted(failed, key=lambda a: a.at)

    @property
    def given_up(self) -> int:
        return self.sent - len(self.acknowledged)

    @property
    def statuses(self) -> Counter[int]:
        return Counter(a.status for s in self.sends for a in s.attempts)

    @property
    def sends_that_saw_the_outage(self) -> int:
        return sum(1 for s in self.sends if any(a.status // 100 != 2 for a in s.attempts))

    @property
    def outage_s(self) -> float:
        """From the first failed attempt to the first acknowledgement after the last one."""
        failures = self.failures
        if not failures:
            return 0.0
        after = [t for t in self._acknowledged_times() if t > failures[-1].at]
        return (after[0] if after else failures[-1].at) - failures[0].at

    @property
    def restart_s(self) -> float:
        """How long pg_ctl took to stop and start the cluster (the pause included)."""
        return self.restart_done - self.restart_at

    def _acknowledged_times(self) -> list[float]:
        return sorted(s.acknowledged_at for s in self.sends if s.acknowledged_at is not None)

    def throughput(self) -> tuple[float, float]:
        """Acknowledgements a second before the outage and after it. The first tenth of the
        responses are left out of "before": gunicorn's workers answer their first requests
        slower (imports, a first connection, the consultation read once)."""
        times, failures = self._acknowledged_times(), self.failures
        start = failures[0].at if failures else self.restart_at
        end = failures[-1].at if failures else self.restart_done
        warm = times[self.sent // 10 :]
        return _rate([t for t in warm if t < start]), _rate([t for t in times if t > end])

    def tallies_agree(self) -> list[str]:
        """Each disagreement between the tallies and the stored responses (none: they agree)."""
        check, tallies = self.check, self.check["tallies"]
        wrong = []
        expected = {"=": self.stored, "sector=": self.stored, "topics=": self.stored}
        expected |= {f"sector={k}": n for k, n in check["sectors"].items()}
        expected |= {f"topics={k}": n for k, n in check["topics"].items()}
        for cell, count in sorted(expected.items()):
            if tallies.get(cell, 0) != count:
                wrong.append(f"{cell}: tally {tallies.get(cell, 0)}, responses {count}")
        if check["uncounted"]:
            wrong.append(f"{check['uncounted']} responses left uncounted")
        return wrong


def _rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def run(
    count: int,
    *,
    threads: int = 4,
    mode: str = "fast",
    down_s: float = 1.0,
    give_up_s: float = 60,
    durable: bool = True,
) -> Outcome:
    """Send `count` responses; once the first half are answered, stop the cluster (`mode`),
    keep it down `down_s` seconds (0: `pg_ctl restart`, no pause), start it again."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
    with tempfile.TemporaryDirectory(prefix="consulta-restart-") as tmp:
        directory = Path(tmp)
        cluster = Cluster(binaries, directory / "pg", durable=durable)
        cluster.directory.mkdir()
        try:
            cluster.create()
            env = child_env(cluster, directory)
            prepare(env)
            return _run_against(cluster, env, count, threads, mode, down_s, give_up_s)
        finally:
            cluster.destroy()


def _restart(cluster: Cluster, mode: str, down_s: float) -> None:
    if not down_s:
        cluster.restart(mode)
        return
    cluster.stop(mode)
    time.sleep(down_s)
    cluster.start()


def _run_against(
    cluster: Cluster,
    env: dict[str, str],
    count: int,
    threads: int,
    mode: str,
    down_s: float,
    give_up_s: float,
) -> Outcome:
    log = cluster.directory.parent / "gunicorn.log"
    sends = make_sends(count)
    with gunicorn(env, log) as address:
        half = count // 2
        client = Client(address, sends, threads=threads, give_up_s=give_up_s, held_from=half)
        workers = client.run()
        try:
            while client.finished < half and any(w.is_alive() for w in workers):
                time.sleep(0.005)
            restart_at = time.monotonic() - client.started
            client.release()
            _restart(cluster, mode, down_s)
            restart_done = time.monotonic() - client.started
        except BaseException:
            client.halt()
            raise
        finally:
            for worker in workers:
                worker.join()
    check = json.loads(run_python(env, _CHECK))
    server_log = log.read_text(errors="replace")
    return Outcome(sends, check, restart_at, restart_done, mode, down_s, server_log)
