"""A burst of 1,000 registrations for 100 places, against gunicorn (2 workers) on PostgreSQL.

The demo world is loaded; an event with 100 places and no cap per organisation is created, and
1,000 people with API tokens register at once from a separate process on 127.0.0.1
(bench/burst.py, 16 connections). Prints throughput and latencies, and checks that exactly 100
were confirmed and 900 put on the waiting list.

Environment: BENCH_CONNECTIONS (default 16), BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/consulta_bench).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.consultations import setup_django  # noqa: E402
from bench.http_throughput import (  # noqa: E402
    ROOT,
    bench_env,
    load_demo,
    prepare_postgres,
    start_server,
)

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/consulta_bench")
PEOPLE, PLACES = 1000, 100


def crowd(tmp: Path) -> tuple[int, Path]:
    """The event and a file of 1,000 tokens, one per new person."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import ApiToken, User
    from accounts.services import TOKEN_PREFIX, token_digest
    from core.models import Process
    from events import services

    start = timezone.now() + timedelta(days=10)
    event = services.create_event(
        Process.objects.get(slug="cosp-cybercrime"),
        actor=None,
        slug="bench-burst",
        kind="intersessional_consultation",
        title="Burst",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        time_zone="Europe/Vienna",
        capacity=PLACES,
        organisation_cap=0,
    )
    from django.contrib.auth.hashers import make_password

    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"burst{n:04d}@bench.example", password=unusable) for n in range(PEOPLE)]
    )
    raws = [f"{TOKEN_PREFIX}bench-{n:04d}-{os.urandom(8).hex()}" for n in range(PEOPLE)]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, name="bench", prefix=raw[:12], digest=token_digest(raw))
            for u, raw in zip(users, raws, strict=True)
        ]
    )
    path = tmp / "tokens.json"
    path.write_text(json.dumps(raws))
    return event.pk, path


def main() -> None:
    if not prepare_postgres(PG_URL):
        raise SystemExit("PostgreSQL is needed for this benchmark (BENCH_PG_URL).")
    with tempfile.TemporaryDirectory(prefix="consulta-bench-") as tmp:
        # As in production, e-mails are queued for a worker (none runs here), not sent inline.
        broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
        env = bench_env(PG_URL, tmp, CELERY_BROKER_URL=broker)
        load_demo(env)
        setup_django(env)
        event_id, tokens = crowd(Path(tmp))
        server, base = start_server(env)
        try:
            out = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "burst.py"),
                    f"{base}/api/v1/events/{event_id}/registrations",
                    str(tokens),
                    str(CONNECTIONS),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            server.terminate()
            server.wait(timeout=10)
        result = json.loads(out)
        from events.models import Registration

        states = dict.fromkeys(("confirmed", "waiting"), 0)
        for state in Registration.objects.filter(event_id=event_id).values_list("state", flat=True):
            states[state] = states.get(state, 0) + 1
        print(
            f"\nA burst of {PEOPLE} registrations for {PLACES} places, gunicorn 2 workers, "
            f"{CONNECTIONS} connections, PostgreSQL"
        )
        print(
            f"throughput {result['rps']:.1f} registrations/s ({result['seconds']:.1f} s), "
            f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; "
            f"statuses {result['statuses']}"
        )
        exact = states["confirmed"] == PLACES and states["waiting"] == PEOPLE - PLACES
        print(
            f"confirmed {states['confirmed']}, waiting {states['waiting']}: "
            f"{'exactly as many as the places' if exact else 'OVERBOOKED OR LOST'}"
        )
    sys.exit(0 if exact else 1)


if __name__ == "__main__":
    main()
