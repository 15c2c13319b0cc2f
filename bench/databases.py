"""Running a benchmark once per database: a fresh SQLite file, and PostgreSQL where reachable.

A benchmark script calls `run_on_each_database(__file__, name, pg_url)` from its main(); each
run is the same script again, in a child process whose environment names the database, with
the database's label as its one argument. Returns the children's exit codes.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare_postgres(url: str) -> bool:
    """Make the database at `url` anew; False (and why, printed) if PostgreSQL is not there."""
    import psycopg

    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return False
    return True


def run_on_each_database(script: str, name: str, pg_url: str) -> list[int]:
    with tempfile.TemporaryDirectory(prefix="consulta-bench-") as tmp:
        runs = [("SQLite", f"sqlite:///{tmp}/{name}.sqlite3")]
        if pg_url and prepare_postgres(pg_url):
            runs.append(("PostgreSQL", pg_url))
        codes = []
        for label, url in runs:
            env = {
                **os.environ,
                "CONSULTA_DEMO": "1",
                "DATABASE_URL": url,
                "CONSULTA_VAR_DIR": tmp,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "LOG_LEVEL": "ERROR",
                "ALLOWED_HOSTS": "127.0.0.1",
            }
            codes.append(
                subprocess.run([sys.executable, script, label], env=env, cwd=ROOT).returncode
            )
        return codes
