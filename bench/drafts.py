"""Negotiating texts: the figures of the drafts issue, printed (never asserted).

1. Import of ETS 185 (English): time (median of 5) and the counts of chapters, articles,
   paragraphs and sub-paragraphs.
2. The compilation of a revision with 5,000 published submissions and amendments over 60
   articles: p95 of the uncached page and of the API endpoint, beside a bare query of the same
   rows (goal: <= 300 ms p95 on PostgreSQL).
3. Influence tracking of 5,000 amendments against a changed revision: total time (goal: < 60 s
   on 2 cores), and precision and recall on two labelled sets: the demo's eleven published
   amendments, labelled by hand from the demo's revision 2 (which was written to adopt four of
   them, one reworded), and a synthetic set of 5,000 built from the demo's wording (per
   paragraph: one proposal adopted as written, one adopted with a third of its words changed,
   the rest not taken up, some of them decoys whose words were already in the text).

Runs on SQLite, and on PostgreSQL where reachable. Environment: BENCH_REPEAT (default 20),
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/consulta_bench_drafts; "" skips it).
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
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/consulta_bench_drafts")
ETS = ROOT / "drafts/tests/data/BWBV0001839_convention_on_cybercrime_en_nl.md"
ENTRIES = 5000
ARTICLES = 60

WORDS = [
    "information",
    "communications",
    "technology",
    "system",
    "electronic",
    "data",
    "traffic",
    "service",
    "provider",
    "State",
    "Party",
    "measures",
    "legislative",
    "offence",
    "intentionally",
    "access",
    "interception",
    "interference",
    "device",
    "program",
    "evidence",
    "preservation",
    "disclosure",
    "order",
    "safeguards",
    "review",
    "remedy",
    "proportionality",
    "cooperation",
    "assistance",
    "extradition",
    "jurisdiction",
    "confidentiality",
    "integrity",
    "availability",
    "competent",
    "authorities",
    "domestic",
    "law",
    "criminal",
    "proceedings",
    "investigation",
]
FRESH = [
    "accountability",
    "oversight",
    "transparency",
    "notification",
    "victims",
    "researchers",
    "journalists",
    "whistleblowers",
    "encryption",
    "anonymity",
    "redress",
    "audit",
    "independent",
    "judicial",
    "warrant",
    "necessity",
    "minimisation",
    "retention",
    "deletion",
    "consent",
    "purpose",
    "limitation",
    "equality",
    "gender",
    "children",
]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000 if len(values) > 1 else values[0] * 1000


def timed(fn, repeat: int = REPEAT) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


# 1. ETS 185 ----------------------------------------------------------------------------------


def bench_import(text) -> None:  # type: ignore[no-untyped-def]
    from drafts import services
    from drafts.selectors import counts

    content = ETS.read_bytes()
    times, revision = [], None
    for _ in range(5):
        start = time.perf_counter()
        revision = services.import_revision(
            text, actor=None, content=content, fmt="ets", title="ETS 185", only=("en",)
        )
        times.append(time.perf_counter() - start)
    c = counts(revision)
    print(
        f"ETS 185 import (English): median {statistics.median(times) * 1000:.0f} ms "
        f"(of 5); {c['chapter']} chapters, {c.get('section', 0)} sections, "
        f"{c.get('title', 0)} titles, {c['article']} articles, {c['paragraph']} paragraphs, "
        f"{c['point']} sub-paragraphs"
    )


# 2. The compilation ------------------------------------------------------------------------------


def synthetic_text(rng: random.Random) -> str:
    lines = ["# Preamble", "", "The States Parties to this Convention,", ""]
    for chapter in range(1, 7):
        lines += [f"# Chapter {chapter}. Chapter {chapter}", ""]
        for n in range((chapter - 1) * 10 + 1, chapter * 10 + 1):
            lines += [f"## Article {n}. Article {n}", ""]
            for para in range(1, 4):
                words = " ".join(rng.choice(WORDS) for _ in range(40))
                lines += [f"{para}. Each State Party shall {words} in article {n}.{para}.", ""]
    return "\n".join(lines)


def fill_submissions(revision, rng: random.Random) -> list:  # type: ignore[no-untyped-def]
    from accounts.services import create_account
    from drafts.models import Submission
    from stakeholders.models import Organisation

    author = create_account("bench.author@example.org", actor=None, password="x" * 12)
    kinds, regions = ["ngo", "academia", "private", "igo", "other"], ["african", "weog", "grulac"]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench organisation {i}",
            kind=kinds[i % 5],
            country="KE",
            region=regions[i % 3],
            ecosoc_status="none",
        )
        for i in range(50)
    )
    paragraphs = list(revision.elements.filter(kind="paragraph").prefetch_related("texts"))
    now = __import__("django.utils.timezone", fromlist=["now"]).now()
    rows = []
    for i in range(ENTRIES):
        para = paragraphs[i % len(paragraphs)]
        text = para.texts.all()[0].text.split()
        at = rng.randrange(0, len(text) - 4)
        quote = " ".join(text[at : at + 3])
        organisation = organisations[i % 50]
        rows.append(
            Submission(
                revision=revision,
                kind="amendment",
                state="published",
                author=author,
                organisation=organisation,
                constituency=organisation.kind,
                region=organisation.region,
                language="en",
                title=f"Amendment {i}",
                body="Justification " * 20,
                words=21,
                element=para,
                operation="replace",
                anchor_language="en",
                quote_exact=quote,
                proposed_text=" ".join(rng.choice(FRESH) for _ in range(6)),
                submitted_at=now,
                published_at=now,
            )
        )
    return Submission.objects.bulk_create(rows, batch_size=1000)


def bench_compilation(revision, label: str) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from drafts.models import Submission
    from drafts.selectors import ENTRY_FIELDS

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = "bench-no-such-session"  # bypasses any public page cache
    page = f"/texts/{revision.text.slug}/revisions/{revision.number}/compilation/"
    api = f"/api/v1/revisions/{revision.pk}/compilation"

    def get(path: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return run

    fields = [f for f in ENTRY_FIELDS if f != "element_eid"]
    rows = Submission.objects.filter(revision=revision, state="published")
    bare = timed(lambda: list(rows.values_list(*fields, "element__eid")))
    page_t = timed(get(page))
    api_t = timed(get(api))

    def med(values: list[float]) -> float:
        return statistics.median(values) * 1000

    print(
        f"compilation of {ENTRIES:,} entries over {ARTICLES} articles ({label}), {REPEAT} "
        f"requests: page p95 {p95(page_t):.0f} ms (median {med(page_t):.0f}), API p95 "
        f"{p95(api_t):.0f} ms (median {med(api_t):.0f}), bare query of the same rows p95 "
        f"{p95(bare):.0f} ms (median {med(bare):.0f}); goal <= 300 ms p95 on PostgreSQL"
    )


# 3. Influence ------------------------------------------------------------------------------------


def changed_text(source: str, amendments: list, rng: random.Random) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    """Revision B: per paragraph, one proposal adopted as written and one reworded; the
    labels say which amendments B reflects."""
    by_para: dict[int, list] = {}
    for a in amendments:
        by_para.setdefault(a.element_id, []).append(a)
    labels = {a.pk: False for a in amendments}
    texts = {}
    for para_id, group in by_para.items():
        text = group[0].element.texts.all()[0].text
        adopted, reworded = group[0], group[1]
        text = text.replace(adopted.quote_exact, adopted.proposed_text, 1)
        labels[adopted.pk] = True
        words = reworded.proposed_text.split()
        for k in rng.sample(range(len(words)), 2):
            words[k] = rng.choice(WORDS)
        if reworded.quote_exact in text:
            text = text.replace(reworded.quote_exact, " ".join(words), 1)
            labels[reworded.pk] = True
        texts[para_id] = text
    return texts, labels


def bench_influence(text, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    from drafts import services
    from drafts.exporting import to_markdown
    from drafts.models import ElementText, Influence, Revision

    first = Revision.objects.filter(text=text).order_by("number").first()
    amendments = list(
        first.submissions.select_related("element").prefetch_related("element__texts")
    )
    texts, labels = changed_text(first, amendments, rng)
    markdown = to_markdown(first)
    for para_id, new in texts.items():
        old = ElementText.objects.get(element_id=para_id, language="en").text
        markdown = markdown.replace(old, new, 1)
    second = services.import_revision(text, actor=None, content=markdown.encode(), title="B")
    start = time.perf_counter()
    judged = services.track_influence(second.pk)
    took = time.perf_counter() - start
    verdicts = dict(
        Influence.objects.filter(revision=second).values_list("submission_id", "verdict")
    )
    precision, recall, claimed = score(verdicts, labels)
    print(
        f"influence of {judged:,} amendments: {took:.1f} s (goal < 60 s); synthetic set: "
        f"{claimed} claimed, precision {precision:.3f}, recall {recall:.3f}"
    )


def score(verdicts: dict, labels: dict) -> tuple[float, float, int]:  # type: ignore[type-arg]
    claimed = {k for k, v in verdicts.items() if v in ("adopted", "partly")}
    truth = {k for k, v in labels.items() if v}
    hits = len(claimed & truth)
    return (
        hits / len(claimed) if claimed else 1.0,
        hits / len(truth) if truth else 1.0,
        len(claimed),
    )


# The demo's hand-labelled set: which amendments on revision 1 its revision 2 reflects.
DEMO_REFLECTED = {
    "Illegal access needs dishonest intent",
    "Keep the scope to crimes",
    "Proportionality in every procedural power",
    "Protect security research",  # adopted in other words
}


def bench_demo_labels(process) -> None:  # type: ignore[no-untyped-def]
    """The demo's two revisions and its amendments (written here by one delegate: the verdict
    does not depend on who wrote them), judged against the hand labels."""
    from accounts.services import create_account, grant_role
    from drafts import demo, services
    from drafts.models import Influence

    delegate = create_account("bench.delegate@example.org", actor=None, password="x" * 12)
    grant_role(delegate, actor=None, role="delegate", member_state="US")
    text = services.create_text(
        process, actor=None, slug="demo-text", title="Demo", status="published"
    )
    first = services.import_revision(
        text, actor=None, content=(demo.TEXTS / "revision-1.md").read_bytes(), title="1"
    )
    for entry in demo.ENTRIES:
        _kind, operation, element, quote, proposed, language, title, body, _decision = entry
        if operation == "written":
            continue
        draft = services.Draft(
            kind="amendment",
            speaks_for="state:US",
            language=language,
            title=title,
            body=body,
            element=element,
            operation=operation,
            quote=quote,
            proposed_text=proposed,
        )
        services.submit_submission(
            services.create_submission(first, actor=delegate, draft=draft), actor=delegate
        )
    second = services.import_revision(
        text, actor=None, content=(demo.TEXTS / "revision-2.md").read_bytes(), title="2"
    )
    services.track_influence(second.pk)
    rows = Influence.objects.filter(revision=second).select_related("submission")
    verdicts = {r.submission.title: r.verdict for r in rows}
    labels = {title: title in DEMO_REFLECTED for title in verdicts}
    precision, recall, claimed = score(verdicts, labels)
    print(
        f"influence on the demo's labelled set ({len(verdicts)} amendments, "
        f"{len(DEMO_REFLECTED)} reflected by hand): {claimed} claimed, "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    for title, verdict in sorted(verdicts.items()):
        print(f"  {verdict:14} {'reflected' if labels[title] else 'not':9} {title}")


def child(label: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from core.services import create_process
    from drafts import services

    rng = random.Random(185)
    process = create_process(
        actor=None, slug="bench", name="Bench", convening_body="GA", status="active"
    )
    print(f"\n{label}")
    bench_import(
        services.create_text(process, actor=None, slug="ets", title="ETS 185", status="published")
    )
    text = services.create_text(
        process, actor=None, slug="bench-text", title="Bench text", status="published"
    )
    revision = services.import_revision(
        text, actor=None, content=synthetic_text(rng).encode(), title="A"
    )
    fill_submissions(revision, rng)
    bench_compilation(revision, label)
    bench_influence(text, rng)
    bench_demo_labels(process)


def main() -> None:
    if len(sys.argv) > 1:
        child(sys.argv[1])
        return
    run_on_each_database(__file__, "drafts", PG_URL)


if __name__ == "__main__":
    main()
