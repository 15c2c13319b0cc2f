"""Throughput of Consulta's pages against a bare Django view on the same gunicorn server.

Serves the demo world with gunicorn (2 workers) on SQLite and, where reachable, PostgreSQL; loads
the home page, a process page and /healthz from a separate process (wrk, or bench/loadgen.py
when wrk is missing) on 127.0.0.1 for a bounded time each; prints requests/s, p50 and p99 latency
and each page's throughput as a ratio of the bare view's. Target: home page >= 50 % of bare.

Environment: BENCH_SECONDS (default 8), BENCH_CONNECTIONS (default 8),
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/consulta_bench; "" skips PostgreSQL).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.databases import prepare_postgres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/consulta_bench")
# A session cookie (even an unknown one) bypasses the public page cache: that row shows the cost
# of rendering the page itself.
UNCACHED = "sessionid=bench-no-such-session"
PATHS = [
    ("bare view", "/bench/ok", ""),
    ("home page", "/", ""),
    ("home, uncached", "/", UNCACHED),
    ("process page", "/processes/ahc-cybercrime/", ""),
    ("healthz", "/healthz", ""),
]
TARGET = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def consulta(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(BIN / "consulta"), *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer /healthz")


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if match is None:
        raise SystemExit(f"cannot read wrk's latency {value!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def load(url: str, cookie: str = "") -> dict[str, float]:
    if shutil.which("wrk"):
        header = ["-H", f"Cookie: {cookie}"] if cookie else []
        out = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{int(SECONDS)}s", "--latency", *header, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if "Requests/sec" not in out or "50%" not in out:
            raise SystemExit(f"wrk printed no figures for {url}:\n{out}")
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)),
            "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)),
            "errors": int(bad.group(1)) if bad else 0,
        }
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "loadgen.py"), url, str(SECONDS), str(CONNECTIONS)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def bench_env(database_url: str, var_dir: Path | str, **extra: str) -> dict[str, str]:
    """The environment of a benchmark's server: demo mode, a throw-away key, this database."""
    env = {
        **os.environ,
        "CONSULTA_DEMO": "1",
        "SECRET_KEY": "bench-" + "k" * 50,
        "DATABASE_URL": database_url,
        "CONSULTA_VAR_DIR": str(var_dir),
        **extra,
    }
    env.pop("DEBUG", None)
    return env


def load_demo(env: dict[str, str]) -> None:
    consulta(env, "migrate", "--no-input")
    consulta(env, "demo", "--password", "bench-password")


def start_server(env: dict[str, str], *, access_log: bool = False) -> tuple[subprocess.Popen, str]:
    """gunicorn with 2 workers on a free port, serving Consulta and the bare views; once up."""
    port = free_port()
    logs = ["--access-logfile", "-", "--error-logfile", "-"] if access_log else []
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "bench.app:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            *logs,
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
    except BaseException:
        server.terminate()
        raise
    return server, base


def run_backend(label: str, database_url: str, var_dir: Path) -> list[tuple[str, dict]]:
    env = bench_env(database_url, var_dir)
    load_demo(env)
    server, base = start_server(env, access_log=True)
    try:
        results = []
        for name, path, cookie in PATHS:
            load(base + path, cookie)  # warm-up pass is discarded
            results.append((name, load(base + path, cookie)))
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(label: str, results: list[tuple[str, dict]]) -> bool:
    bare = results[0][1]["rps"]
    print(f"\n{label}: gunicorn 2 workers, {CONNECTIONS} connections, {SECONDS:.0f} s per page")
    print(f"{'page':14} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8}")
    for name, r in results:
        print(
            f"{name:14} {r['rps']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} "
            f"{int(r['errors']):7d} {r['rps'] / bare:8.0%}"
        )
    home = dict(results)["home page"]["rps"] / bare
    verdict = "meets" if home >= TARGET else "MISSES"
    print(f"home page at {home:.0%} of the bare view: {verdict} the {TARGET:.0%} target")
    return home >= TARGET


def main() -> None:
    print(f"load generator: {'wrk' if shutil.which('wrk') else 'bench/loadgen.py'}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="consulta-bench-") as tmp:
        var = Path(tmp)
        ok &= report("SQLite", run_backend("SQLite", f"sqlite:///{var / 'bench.sqlite3'}", var))
        if PG_URL and prepare_postgres(PG_URL):
            ok &= report("PostgreSQL", run_backend("PostgreSQL", PG_URL, var))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
