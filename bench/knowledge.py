"""Knowledge base search over 100,000 published records, on SQLite and PostgreSQL.

Fills a fresh database with records whose words follow a Zipf-like law over a vocabulary of
practice (a few words in a tenth of the records, most in very few), then times, in-process:

- bare indexed query: one record by its unique public id (the floor of any query);
- bare full-text match: the first 20 ids matching a word, unranked (FTS5 MATCH; tsvector @@);
- search: what the search page and the API read — the ranked first page of 20, the count
  (exact up to knowledge.search.WINDOW, 1,000; beyond it said as "more than 1,000"), and the
  highlighted snippets of the page (knowledge.selectors.search, hits);
- facets: the counts by type, region, sector and area among the records found (beyond the
  window, among the 1,000 newest found, as the page says);
- search page: the whole page through Django (uncached: a session cookie skips the page cache).

Queries mix a frequent word, a mid-frequency word, a rare one, two words, a phrase and a filter.
Goal: search p95 <= 50 ms. Prints p50 and p95 per measure and backend.

Environment: BENCH_RECORDS (default 100000), BENCH_REPEAT (rounds over the queries, default 20),
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/consulta_bench_knowledge; "" skips it).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.databases import run_on_each_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RECORDS = int(os.environ.get("BENCH_RECORDS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/consulta_bench_knowledge"
)
GOAL_MS = 50.0

COMMON = [
    "cybercrime",
    "ransomware",
    "disclosure",
    "vulnerability",
    "partnership",
    "training",
    "literacy",
    "platform",
    "victims",
    "evidence",
    "police",
    "prosecutors",
    "researchers",
    "vendors",
    "banks",
    "schools",
    "trafficking",
    "phishing",
    "fraud",
    "hotline",
    "reports",
    "safeguards",
    "privacy",
    "cooperation",
    "community",
    "network",
    "survivors",
    "children",
    "women",
    "journalists",
    "activists",
    "judges",
    "hospitals",
    "insurers",
    "operators",
]
FILLER = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "for",
    "with",
    "on",
    "by",
    "as",
    "from",
    "that",
    "which",
    "their",
    "each",
    "who",
    "where",
    "when",
    "how",
    "work",
    "share",
    "report",
    "find",
    "fix",
    "run",
    "help",
    "take",
    "make",
    "learn",
    "teach",
    "protect",
    "respond",
    "publish",
]
MID = [f"{w}{i}" for w in ("helpline", "clinic", "label", "bounty", "court") for i in range(10)]
QUERIES = [
    ("most frequent word", "cybercrime", {}),
    ("frequent word", "ransomware", {}),
    ("mid-frequency word", "clinic3", {}),
    ("rare word", "w1234x", {}),
    ("two words", "vulnerability disclosure", {}),
    ("phrase", '"bug bounty"', {}),
    ("word + filter", "training", {"type": "training", "region": "african"}),
]
TYPES = ["cvd_policy", "ppp_case", "training", "report", "other"]
SECTORS = ["ict", "telecom", "finance", "government", "justice", "education", "civil_society"]
REGIONS = ["african", "asia_pacific", "eastern_european", "grulac", "weog"]
AREAS = ["ransomware", "vulnerability-disclosure", "digital-literacy", "human-trafficking"]


def _words(rng: random.Random, n: int) -> str:
    """Words of practice: two in ten from the common list (each in about a quarter of the
    records), one in fifty from the mid list (each in about 2 %), the rest filler; "cybercrime"
    in about 90 % of the records, and rare words w0x..w9999x now and then."""
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.03:
            out.append("cybercrime")
        elif r < 0.23:
            out.append(rng.choice(COMMON))
        elif r < 0.25:
            out.append(rng.choice(MID))
        elif r < 0.26:
            out.append(f"w{rng.randrange(10000)}x")
        else:
            out.append(rng.choice(FILLER))
    return " ".join(out)


def fill(total: int) -> None:
    """`total` published records with their search entries, facets and an actor each."""
    from django.db import transaction
    from django.utils import timezone

    from knowledge.choices import SEARCH_CONFIGS
    from knowledge.models import Record, RecordActor, RecordFacet, SearchEntry
    from knowledge.search import backend, facet_token
    from stakeholders.models import Organisation, ThematicArea

    rng = random.Random(11)
    lead = Organisation.objects.create(
        name="Bench CERT", kind="igo", country="KE", region="african"
    )
    for slug in AREAS:
        ThematicArea.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ")})
    now = timezone.now()
    batch = 5000
    for start in range(0, total, batch):
        with transaction.atomic():
            records = []
            for i in range(start, min(total, start + batch)):
                summary = _words(rng, 60)
                if i % 50 == 0:
                    summary += " a bug bounty programme"
                records.append(
                    Record(
                        record_type=TYPES[i % 5],
                        state="published",
                        title=_words(rng, 8).capitalize(),
                        summary=summary,
                        sector=SECTORS[i % 7],
                        mechanism="other",
                        regions=[REGIONS[i % 5], REGIONS[(i * 7) % 5]],
                        language="en",
                        published_at=now,
                    )
                )
            made = Record.objects.bulk_create(records)
            facets, entries = [], []
            for r in made:
                pairs = [("type", r.record_type), ("sector", r.sector)]
                pairs += [("region", v) for v in sorted(set(r.regions))]
                pairs.append(("area", AREAS[r.pk % 4]))
                facets += [RecordFacet(record=r, facet=f, value=v) for f, v in pairs]
                tokens = " ".join(sorted({facet_token(f, v) for f, v in pairs}))
                entries.append(
                    SearchEntry(
                        record=r,
                        config=SEARCH_CONFIGS["en"],
                        title=r.title,
                        body=r.summary,
                        facets=tokens,
                    )
                )
            SearchEntry.objects.bulk_create(entries)
            RecordFacet.objects.bulk_create(facets)
            RecordActor.objects.bulk_create(
                [RecordActor(record=r, organisation=lead, role="lead") for r in made]
            )
    with transaction.atomic():
        backend().refresh(SearchEntry.objects.all())
    # As autovacuum would, so the planner knows the tables' sizes.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure() -> dict[str, list[float]]:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import Client

    from knowledge import selectors
    from knowledge.models import Record

    anyone = AnonymousUser()
    ids = list(Record.objects.values_list("public_id", flat=True)[:200])
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = "bench-no-such-session"
    pg = connection.vendor == "postgresql"

    def bare_lookup(n: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM knowledge_record WHERE public_id = %s", [ids[n % len(ids)]]
            )
            cursor.fetchall()

    def bare_match(word: str) -> None:
        sql = (
            "SELECT record_id FROM knowledge_searchentry WHERE document @@ "
            "websearch_to_tsquery('english', %s) LIMIT 20"
            if pg
            else "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH %s LIMIT 20"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [word if pg else f'"{word}"'])
            cursor.fetchall()

    def search(text: str, filters: dict) -> None:
        found = selectors.search(anyone, text=text, filters=filters)
        found.records.count()
        found.hits(found.records[0:20])

    def facets(text: str, filters: dict) -> None:
        selectors.search(anyone, text=text, filters=filters).facets()

    def page(text: str, filters: dict) -> None:
        response = client.get("/knowledge/", {"q": text, **filters})
        assert response.status_code == 200, response.status_code

    results: dict[str, list[float]] = {
        "bare indexed query": [],
        "bare full-text match": [],
        "search (page, count, snippets)": [],
        "facets": [],
        "search page (whole request)": [],
    }
    for _name, text, filters in QUERIES:  # warm caches and plans
        search(text, filters), facets(text, filters), page(text, filters)
    per_query: dict[str, list[float]] = {name: [] for name, _t, _f in QUERIES}
    for n in range(REPEAT):
        for name, text, filters in QUERIES:
            word = text.strip('"').split()[0]
            results["bare indexed query"].append(timed(lambda n=n: bare_lookup(n)))
            results["bare full-text match"].append(timed(lambda w=word: bare_match(w)))
            took = timed(lambda t=text, f=filters: search(t, f))
            results["search (page, count, snippets)"].append(took)
            per_query[name].append(took)
            results["facets"].append(timed(lambda t=text, f=filters: facets(t, f)))
            page_took = timed(lambda t=text, f=filters: page(t, f))
            results["search page (whole request)"].append(page_took)
    for name, times in per_query.items():
        results[f"  search: {name}"] = times
    return results


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def child(label: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    fill(RECORDS)
    filled = time.perf_counter() - started
    results = measure()
    print(f"\n{label}: {RECORDS:,} published records (filled in {filled:.0f} s), {REPEAT} rounds")
    print(f"{'measure':38} {'p50':>9} {'p95':>9}")
    for name, times in results.items():
        print(f"{name:38} {statistics.median(times):7.2f}ms {p95(times):7.2f}ms")
    worst = p95(results["search (page, count, snippets)"])
    verdict = "meets" if worst <= GOAL_MS else "MISSES"
    print(f"search p95 {worst:.1f} ms: {verdict} the <= {GOAL_MS:.0f} ms goal")
    sys.exit(0 if worst <= GOAL_MS else 1)


def main() -> None:
    if len(sys.argv) > 1:
        child(sys.argv[1])
        return
    codes = run_on_each_database(__file__, "knowledge", PG_URL)
    sys.exit(0 if not any(codes) else 1)


if __name__ == "__main__":
    main()
