"""Production shape in one test: two gunicorn workers, a Celery worker and Celery beat on Redis,
e-mail to a local SMTP sink, a fresh database (PostgreSQL when DATABASE_URL names one, else
SQLite), and everything reached over HTTP as through the TLS proxy.

Production settings throughout (no CONSULTA_DEMO, no DEBUG), as the README's "Production
set-up" has them. What differs: mail goes to a plain-SMTP sink on 127.0.0.1, static files are
compressed with gzip only, and beat counts responses every 2 seconds instead of every minute.
"""

import contextlib
import csv
import io
import json
import re
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from consultations.services import BACKGROUND_EXPORT_FROM
from tests.builders import GOOD_ANSWERS, PASSWORD
from tests.production_stack import (
    BEAT,
    BIN,
    COLLECTSTATIC,
    REDIS_HOST,
    REDIS_PORT,
    Browser,
    Processes,
    SmtpSink,
    empty_redis_db,
    free_port,
    fresh_database,
    production_env,
    query,
    redis_or_none,
    wait_until,
)

SIGN_UPS = 30
BURST = ("burst%",)
# The page exports in the background from this many responses on.
SEEDED = BACKGROUND_EXPORT_FROM
THROUGH_API = 5
SLUG = "small-survey"
SECRETARIAT = "staff@example.org"
BEAT_EVERY = 2
DEADLINE = 60

# The README's steps before serving, in one process (each start of Django takes seconds).
PREPARE = """
import django
django.setup()
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
call_command("migrate", interactive=False, verbosity=0)
"""

# The data worked on, through the services, in one transaction (one commit, not thousands).
SEED = f"""
import django
django.setup()
from django.db import transaction
from tests import builders
with transaction.atomic():
    process = builders.make_process(slug="ahc-production", status="active")
    builders.make_user({SECRETARIAT!r}, role="secretariat", process=process)
    consultation = builders.make_consultation(process, slug={SLUG!r})
    for _ in range({SEEDED}):
        builders.submit(consultation)
"""


@pytest.fixture
def stack(tmp_path: Path) -> Any:
    redis = redis_or_none()
    if redis is None:
        pytest.skip(f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT} (broker and cache here)")
    redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{empty_redis_db(redis)}"
    with contextlib.ExitStack() as cleanup:
        database_url = cleanup.enter_context(fresh_database(tmp_path))
        sink = cleanup.enter_context(SmtpSink())
        port = free_port()
        processes = Processes(
            production_env(
                DATABASE_URL=database_url,
                CACHE_URL=redis_url,
                CELERY_BROKER_URL=redis_url,
                EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
                ALLOWED_HOSTS="127.0.0.1",
                CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
                SITE_URL=f"https://127.0.0.1:{port}",
                CONSULTA_VAR_DIR=str(tmp_path / "var"),
            ),
            logs=tmp_path,
        )
        # Last in, first out: the processes end, then their Redis database is emptied.
        cleanup.callback(_flush, redis_url)
        cleanup.callback(processes.close)
        _start(processes, port)
        yield SimpleNamespace(processes=processes, sink=sink, port=port, database_url=database_url)


def _flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def _start(processes: Processes, port: int) -> None:
    """Migrate, then seed while the servers start; collect static files meanwhile (they need no
    database, but gunicorn's WhiteNoise reads them as it starts)."""
    processes.start("collectstatic", sys.executable, "-c", COLLECTSTATIC)
    processes.run(sys.executable, "-c", PREPARE)
    processes.start("seed", sys.executable, "-c", SEED)
    processes.finish("collectstatic")
    processes.start(
        "gunicorn", str(BIN / "gunicorn"), "config.wsgi", "--workers", "2",
        "--bind", f"127.0.0.1:{port}",
    )  # fmt: skip
    celery = str(BIN / "celery")
    processes.start(
        "worker", celery, "-A", "config", "worker", "--concurrency", "2", "--loglevel", "INFO"
    )
    schedule = str(processes.logs / "beat-schedule")
    processes.start("beat", sys.executable, "-c", BEAT, str(BEAT_EVERY), schedule)
    processes.finish("seed")

    def up() -> bool:
        processes.check_alive()
        with contextlib.suppress(OSError):
            return Browser(port, "192.0.2.1").get("/healthz")[0] == 200
        return False

    def worker_ready() -> bool:
        processes.check_alive()
        return " ready." in processes.log("worker")

    wait_until(up, timeout=DEADLINE, what="gunicorn to answer /healthz")
    wait_until(worker_ready, timeout=DEADLINE, what="the Celery worker to be ready")


def test_production_shape(stack: Any) -> None:
    try:
        _registration_burst(stack)
        _answers_through_the_api(stack)
        _export_in_the_background(stack)
        _beat_folds_responses_into_tallies(stack)
        stack.processes.check_alive()
    except Exception as failure:
        # What the servers logged is most of what there is to know about a failure here.
        raise AssertionError(f"{failure!r}\n{stack.processes.tails()}") from failure


def _sign_up(port: int, n: int) -> int:
    # Each from an address of its own, as a burst of people would come.
    visitor = Browser(port, f"198.51.100.{n + 1}")
    status, headers, _body = visitor.post_form(
        "/accounts/signup/",
        {"email": f"burst{n}@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert status == 302, f"sign-up {n}: {status}"
    assert headers["location"].startswith("/accounts/confirm-email/"), headers["location"]
    return n


def _registration_burst(stack: Any) -> None:
    with ThreadPoolExecutor(SIGN_UPS) as pool:
        list(pool.map(lambda n: _sign_up(stack.port, n), range(SIGN_UPS)))
    wanted = {f"burst{n}@example.org" for n in range(SIGN_UPS)}

    rows = query(stack.database_url, "SELECT email FROM accounts_user WHERE email LIKE %s", BURST)
    assert sorted(r[0] for r in rows) == sorted(wanted)
    unverified = query(
        stack.database_url,
        "SELECT email FROM account_emailaddress WHERE email LIKE %s AND NOT verified",
        BURST,
    )
    assert sorted(r[0] for r in unverified) == sorted(wanted)

    def mailed() -> list[Any]:
        got = [m for m in stack.sink.received() if set(m[0]) & wanted]
        return got if len(got) >= SIGN_UPS else []

    messages = wait_until(mailed, timeout=DEADLINE, what="every confirmation e-mail")
    assert sorted(to for recipients, _m in messages for to in recipients) == sorted(wanted)
    links = {}
    for recipients, message in messages:
        body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        link = re.search(r"https://127\.0\.0\.1:\d+(/accounts/confirm-email/[^/\s]+/)", body)
        assert link, f"no confirmation link to {recipients}:\n{body}"
        links[recipients[0]] = link[1]

    # One person follows their link: the key the worker mailed is the one the site knows.
    visitor = Browser(stack.port, "198.51.100.200")
    status, _headers, _body = visitor.post_form(links["burst0@example.org"], {})
    assert status == 302
    verified = query(
        stack.database_url,
        "SELECT verified FROM account_emailaddress WHERE email = %s",
        ("burst0@example.org",),
    )
    assert [bool(v) for (v,) in verified] == [True]


def _answers_through_the_api(stack: Any) -> None:
    respondent = Browser(stack.port, "198.51.100.210")
    for n in range(THROUGH_API):
        payload = {
            "instance_id": str(uuid.uuid4()),
            "language": "en",
            "answers": {**GOOD_ANSWERS, "comment": f"sent through the API, {n}"},
        }
        status, _headers, body = respondent.request(
            "POST",
            f"/api/v1/consultations/{SLUG}/responses",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 201, body


def _export_in_the_background(stack: Any) -> None:
    staff = Browser(stack.port, "203.0.113.7")
    status, headers, _body = staff.post_form(
        "/accounts/login/", {"login": SECRETARIAT, "password": PASSWORD}
    )
    assert status == 302, f"login: {status}"
    status, headers, _body = staff.post_form(
        f"/consultations/{SLUG}/export/", {"format": "csv", "labels": "names"}
    )
    assert status == 302, f"export: {status}"
    job_page = headers["location"]
    assert re.fullmatch(rf"/consultations/{SLUG}/exports/\d+/", job_page), job_page

    def ready() -> bool:
        page = staff.get(job_page)[2]
        assert b"The export failed" not in page
        return b"The file is ready." in page

    wait_until(ready, timeout=DEADLINE, what="the export job to be built by the worker")
    status, headers, body = staff.get(job_page + "?download=1")
    assert status == 200
    assert headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))

    references = query(stack.database_url, "SELECT reference FROM consultations_response")
    assert len(rows) == SEEDED + THROUGH_API
    assert sorted(r["_reference"] for r in rows) == sorted(ref for (ref,) in references)
    assert {r["sector"] for r in rows} == {"ngo"}
    assert sorted(r["comment"] for r in rows if r["comment"]) == [
        f"sent through the API, {n}" for n in range(THROUGH_API)
    ]


def _beat_folds_responses_into_tallies(stack: Any) -> None:
    """No request counts responses (a submission only stores its own): the tallies can only
    grow by beat sending count_responses to the worker."""
    total = "SELECT count FROM consultations_tally WHERE question = '' AND value = ''"

    def counted() -> bool:
        uncounted = query(
            stack.database_url, "SELECT COUNT(*) FROM consultations_response WHERE NOT counted"
        )
        return uncounted == [(0,)] and sum(n for (n,) in query(stack.database_url, total)) > 0

    wait_until(counted, timeout=DEADLINE, what="beat's count of the responses")
    assert sum(n for (n,) in query(stack.database_url, total)) == SEEDED + THROUGH_API
    assert "consultations.tasks.count_responses" in stack.processes.log("beat")
