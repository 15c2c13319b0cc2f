"""Nothing lost through a database restart (issue 11), as figures.

A private PostgreSQL cluster (initdb on a free port; the machine's PostgreSQL is not touched)
gets Consulta's schema and an open consultation; gunicorn (2 workers) serves it. BENCH_THREADS
client threads send BENCH_SENDS responses, each with its own instance_id, each sent again with
the same instance_id on a refused connection or a 5xx until it is acknowledged (2xx). Once half
are acknowledged the cluster is restarted, once per line of BENCH_RESTARTS:

  fast:1       pg_ctl stop -m fast, 1 s down, pg_ctl start
  immediate:0  pg_ctl restart -m immediate (a crash: PostgreSQL recovers from its WAL)

Then the responses are folded into the tallies (consultations.counting.count_responses) and
both are compared with what the client was told. Prints, per restart: sent, acknowledged,
stored, duplicates, lost, the failed attempts during the outage by status, the outage as the
client saw it, and acknowledgements a second before and after it, with their ratio. Target:
nothing lost, no duplicate, tallies equal to the responses; the outage answered with 503s.

The cluster is durable (fsync on) here; tests/test_restart.py runs the same harness, smaller.
Environment: BENCH_SENDS (default 2000), BENCH_THREADS (default 4),
BENCH_RESTARTS (default "fast:1,immediate:0").
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import restart  # noqa: E402

SENDS = int(os.environ.get("BENCH_SENDS", "2000"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
RESTARTS = [
    (mode, float(down or 0))
    for mode, _, down in (
        part.partition(":")
        for part in os.environ.get("BENCH_RESTARTS", "fast:1,immediate:0").split(",")
    )
]


def describe(mode: str, down_s: float) -> str:
    if down_s:
        return f"pg_ctl stop -m {mode}, {down_s:g} s down, pg_ctl start"
    return f"pg_ctl restart -m {mode}"


def report(outcome: restart.Outcome) -> bool:
    before, after = outcome.throughput()
    failed = sorted((s, n) for s, n in outcome.statuses.items() if s // 100 != 2)
    by_status = ", ".join(f"{n} × {s or 'no answer'}" for s, n in failed) or "none"
    wrong = outcome.tallies_agree()
    print(f"\n{describe(outcome.mode, outcome.down_s)}: {SENDS} responses, {THREADS} threads")
    print(
        f"  sent {outcome.sent}, acknowledged {len(outcome.acknowledged)}, "
        f"given up {outcome.given_up}"
    )
    print(
        f"  stored {outcome.stored}, duplicates {outcome.duplicates}, lost {len(outcome.lost)}, "
        f"stored but never acknowledged {outcome.stored_unacknowledged}"
    )
    shaped = sum(a.error_shaped for a in outcome.failures if a.status)
    print(
        f"  failed attempts during the outage {len(outcome.failures)} "
        f"({by_status}; "
        f"{shaped} in the API's error shape), by {outcome.sends_that_saw_the_outage} sends"
    )
    print(
        f"  outage as the client saw it {outcome.outage_s:.2f} s "
        f"(pg_ctl took {outcome.restart_s:.2f} s)"
    )
    ratio = after / before if before else 0.0
    print(f"  acknowledged/s before {before:.1f}, after {after:.1f}: after/before {ratio:.0%}")
    print(f"  tallies: {'agree with the stored responses' if not wrong else '; '.join(wrong)}")
    traceback = "Traceback" in outcome.server_log
    exact = (
        not outcome.lost
        and not outcome.duplicates
        and not outcome.given_up
        and not wrong
        and outcome.stored == outcome.sent
    )
    clean = all(a.status in (0, 503) for a in outcome.failures) and not traceback
    print(
        f"  {'nothing lost, nothing stored or counted twice' if exact else 'MISMATCH'}; "
        f"{'the outage answered 503' if clean else 'the outage gave other errors (see log)'}"
    )
    return exact and clean


def main() -> None:
    if restart.server_binaries() is None:
        print("skipped: no PostgreSQL server binaries under /usr/lib/postgresql")
        return
    ok = True
    for mode, down_s in RESTARTS:
        outcome = restart.run(SENDS, threads=THREADS, mode=mode, down_s=down_s, durable=True)
        ok &= report(outcome)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
