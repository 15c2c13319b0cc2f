"""Directory scaling: the directory page and the list endpoint with 100 and 10,000 organisations.

Fills a fresh database (SQLite, and PostgreSQL where reachable) and prints the median time of
the first page of each, uncached (a session cookie bypasses the public page cache), at each size,
and the ratio 10,000/100. Target: the ratio stays under 2 for the directory page and the list
endpoint. A substring search is also shown, for information: it reads every name, so its time
grows with the directory (here a quarter of the organisations match).

Environment: BENCH_REPEAT (default 30), BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/consulta_bench_directory; "" skips PostgreSQL).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.databases import run_on_each_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/consulta_bench_directory"
)
SIZES = (100, 10_000)
TARGET = 2.0
# (name, path, counted in the target)
PAGES = [
    ("directory page", "/organisations/", True),
    ("directory, filtered", "/organisations/?region=african&sort=country", True),
    ("list endpoint", "/api/v1/organisations", True),
    ("list endpoint, search", "/api/v1/organisations?q=rights", False),
]


def fill(size: int) -> None:
    """Bring the directory to `size` organisations, a tenth of them accredited."""
    from core.models import Process
    from core.services import create_process
    from stakeholders.models import Application, Organisation, ThematicArea
    from stakeholders.regions import REGION_OF

    process = Process.objects.filter(slug="bench").first() or create_process(
        actor=None, slug="bench", name="Bench process", convening_body="GA", status="active"
    )
    area, _ = ThematicArea.objects.get_or_create(slug="ransomware", defaults={"name": "Ransomware"})
    countries = sorted(REGION_OF)
    kinds = ["ngo", "academia", "private", "igo", "other"]
    start = Organisation.objects.count()
    batch = [
        Organisation(
            name=f"{['Digital', 'Cyber', 'Rights', 'Open'][i % 4]} Organisation {i:05d}",
            kind=kinds[i % 5],
            country=countries[i % len(countries)],
            region=REGION_OF[countries[i % len(countries)]],
            ecosoc_status="none",
        )
        for i in range(start, size)
    ]
    created = Organisation.objects.bulk_create(batch, batch_size=1000)
    Organisation.thematic_areas.through.objects.bulk_create(
        [
            Organisation.thematic_areas.through(organisation_id=o.pk, thematicarea_id=area.pk)
            for o in created[::3]
        ],
        batch_size=1000,
    )
    Application.objects.bulk_create(
        [
            Application(process=process, organisation=o, track="open", state="accredited")
            for o in created[::10]
        ],
        batch_size=1000,
    )


def measure(client, path: str) -> float:
    client.get(path)  # warm-up
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times) * 1000


def run_backend() -> dict[tuple[str, int], float]:
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = "bench-no-such-session"
    results = {}
    for size in SIZES:
        fill(size)
        for name, path, _counted in PAGES:
            results[(name, size)] = measure(client, path)
    return results


def child(label: str) -> None:
    results = run_backend()
    print(f"\n{label}: median of {REPEAT} requests, in-process, uncached")
    print(f"{'page':24} {'100 orgs':>10} {'10,000 orgs':>12} {'ratio':>7}")
    worst = 0.0
    for name, _path, counted in PAGES:
        small, large = results[(name, SIZES[0])], results[(name, SIZES[1])]
        if counted:
            worst = max(worst, large / small)
        note = "" if counted else "  (for information)"
        print(f"{name:24} {small:8.2f}ms {large:10.2f}ms {large / small:7.2f}{note}")
    verdict = "meets" if worst < TARGET else "MISSES"
    print(f"worst ratio {worst:.2f}: {verdict} the < {TARGET:.0f} target")
    sys.exit(0 if worst < TARGET else 1)


def main() -> None:
    if len(sys.argv) > 1:
        child(sys.argv[1])
        return
    codes = run_on_each_database(__file__, "directory", PG_URL)
    sys.exit(0 if not any(codes) else 1)


if __name__ == "__main__":
    main()
