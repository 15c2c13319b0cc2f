# ruff: noqa: E501  (the texts of the submissions are one line each)
"""Themes in the two other sources of free text: the published submissions on a draft revision
and the accepted statements of a deliberation. Every quote is its source's slice, small cells
are protected, and who may start, see and quote is checked from both sides."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from analysis import services
from analysis.exceptions import TooFewTexts
from analysis.models import Statement, ThemeQuote, ThemeRun
from analysis.selectors import theme_run_for, themes_of
from drafts.models import Submission
from tests.access import assert_constant_queries, client_for
from tests.builders import (
    make_deliberation,
    make_organisation,
    make_process,
    make_revision,
    make_text,
    make_user,
)

pytestmark = pytest.mark.django_db

# (language, constituency, region, text): English, French, Spanish and Arabic.
SUBMISSIONS = [
    (
        "en",
        "ngo",
        "african",
        "Privacy must be protected in every partnership. Data are not a commodity.",
    ),
    ("en", "ngo", "weog", "Data protection and privacy safeguards are vital for victims."),
    (
        "fr",
        "academia",
        "weog",
        "La protection des données personnelles est essentielle. La vie privée compte.",
    ),
    (
        "fr",
        "ngo",
        "african",
        "Protection des données et vie privée : des garanties pour les victimes.",
    ),
    ("es", "private", "grulac", "Las empresas deben compartir datos de amenazas con la policía."),
    (
        "es",
        "private",
        "grulac",
        "Compartir datos de amenazas con la policía ayuda contra el ransomware.",
    ),
    (
        "ar",
        "state",
        "asia_pacific",
        "يجب حماية الخصوصية في الشراكات بين القطاعين. البيانات ليست سلعة.",
    ),
    ("ar", "state", "asia_pacific", "حماية البيانات الشخصية والخصوصية ضرورية للضحايا."),
    ("en", "academia", "eastern_european", "Training programmes for judges and police are needed!"),
    (
        "fr",
        "academia",
        "weog",
        "Former les juges et la police : des programmes de formation, café été.",
    ),
    ("es", "ngo", "grulac", "Más formación para jueces y policía en todas las regiones."),
    ("en", "private", "weog", "Share threat indicators between companies and police in real time."),
]

STATEMENTS = [text for _lang, _kind, _region, text in SUBMISSIONS]


@pytest.fixture
def world():
    process = make_process()
    staff = make_user("staff@example.org", role="secretariat", process=process)
    revision = make_revision(make_text(process, actor=staff), actor=staff)
    organisation = make_organisation(name="Privacy First")
    for language, kind, region, body in SUBMISSIONS:
        state = {"organisation": organisation} if kind != "state" else {"member_state": "EG"}
        Submission.objects.create(
            revision=revision,
            kind="written",
            state="published",
            constituency=kind,
            region=region,
            language=language,
            body=body,
            published_at=timezone.now(),
            **state,
        )
    Submission.objects.create(  # not published: never read
        revision=revision,
        kind="written",
        state="pending",
        constituency="ngo",
        language="en",
        body="A pending secret about privacy and data.",
        organisation=organisation,
    )
    deliberation = make_deliberation(process, actor=staff, seeds=STATEMENTS)
    Statement.objects.create(
        deliberation=deliberation,
        number=len(STATEMENTS),
        text="A rejected statement about privacy and data.",
        status="rejected",
        created_at=timezone.now(),
    )
    other = make_user("other@example.org", role="secretariat", process=make_process(slug="o"))
    return {
        "process": process,
        "staff": staff,
        "revision": revision,
        "deliberation": deliberation,
        "other": other,
        "stakeholder": make_user("rep@example.org"),
    }


def _revision_run(world, capture):
    with capture(execute=True):
        run = services.start_revision_theme_run(world["revision"], actor=world["staff"])
    run.refresh_from_db()
    return run


def _deliberation_run(world, capture):
    with capture(execute=True):
        run = services.start_deliberation_theme_run(world["deliberation"], actor=world["staff"])
    run.refresh_from_db()
    return run


def _assert_no_small_cell(themes):
    for theme in themes:
        for cell in [theme.size] + [c for _k, _l, c in theme.by_kind + theme.by_region]:
            assert not (isinstance(cell, int) and 0 < cell < 5), cell


# A revision's published submissions -------------------------------------------------------------


def test_a_revision_run_quotes_published_submissions_exactly(
    world, django_capture_on_commit_callbacks
):
    run = _revision_run(world, django_capture_on_commit_callbacks)
    assert (
        run.state == "ready" and run.texts == len(SUBMISSIONS) and run.source == world["revision"]
    )
    assert sum(run.themes.values_list("size", flat=True)) == len(SUBMISSIONS)
    quotes = ThemeQuote.objects.filter(theme__run=run).select_related("submission")
    assert quotes and {q.submission.language for q in quotes} >= {"ar"} or len(quotes) >= 2
    for quote in quotes:
        assert quote.response_id is None and quote.statement_id is None
        assert quote.submission.state == "published" and quote.path == "body"
        assert quote.submission.body[quote.start : quote.end] == quote.text
        assert quote.text in quote.submission.body
    assert "pending secret" not in " ".join(q.text for q in quotes)
    breakdown = {}
    for theme in run.themes.all():
        for key, count in theme.breakdown["kind"].items():
            breakdown[key] = breakdown.get(key, 0) + count
    assert breakdown == {"ngo": 4, "academia": 3, "private": 3, "state": 2}


def test_a_revision_run_protects_small_cells(world, django_capture_on_commit_callbacks):
    run = _revision_run(world, django_capture_on_commit_callbacks)
    themes = themes_of(run, world["staff"])
    _assert_no_small_cell(themes)
    assert any(c == "<5" for t in themes for _k, _l, c in t.by_kind + t.by_region)


def test_too_few_published_submissions_are_refused(world):
    revision = make_revision(world["revision"].text, actor=world["staff"], title="Second")
    with pytest.raises(TooFewTexts):
        services.start_revision_theme_run(revision, actor=world["staff"])
    assert not ThemeRun.objects.exists()


def test_the_secretariat_starts_a_revision_run_on_its_page(
    world, django_capture_on_commit_callbacks
):
    revision = world["revision"]
    base = f"/texts/{revision.text.slug}/revisions/{revision.number}/"
    client = client_for(world["staff"])
    assert "themes/" in client.get(base).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{base}themes/")
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "TF-IDF" in page or "embeddings" in page
    assert ThemeQuote.objects.first().text in page


def test_who_starts_and_reads_a_revision_run(world, django_capture_on_commit_callbacks):
    run = _revision_run(world, django_capture_on_commit_callbacks)
    revision = world["revision"]
    page = f"/texts/{revision.text.slug}/revisions/{revision.number}/themes/"
    api = f"/api/v1/texts/{revision.text.slug}/revisions/{revision.number}/theme-runs"
    quote = ThemeQuote.objects.filter(theme__run=run).first().text
    for user in (None, world["stakeholder"], world["other"]):
        # Published submissions are public: whoever reads the compilation reads the quotes.
        shown = client_for(user).get(f"{page}{run.pk}/")
        assert shown.status_code == 200 and quote in shown.content.decode()
        assert client_for(user).post(page).status_code in (302, 403)
        assert client_for(user, api=user is not None).post(api).status_code in (401, 403)
        body = client_for(user, api=user is not None).get(f"{api}/{run.pk}").json()
        assert any(q["text"] == quote for t in body["themes"] for q in t["quotes"])
    assert ThemeRun.objects.count() == 1
    staff = client_for(world["staff"], api=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(api).status_code == 201
    body = staff.get(api).json()
    assert body["count"] == 2 and body["items"][0]["url"].startswith(page)
    detail = staff.get(f"{api}/{run.pk}").json()
    for theme in detail["themes"]:
        for q in theme["quotes"]:
            source = Submission.objects.get(public_id=q["submission"]).body
            assert source[q["start"] : q["end"]] == q["text"]


def test_a_draft_text_hides_its_themes_from_outsiders(world, django_capture_on_commit_callbacks):
    run = _revision_run(world, django_capture_on_commit_callbacks)
    revision = world["revision"]
    revision.text.status = "draft"
    revision.text.save(update_fields=["status"])
    page = f"/texts/{revision.text.slug}/revisions/{revision.number}/themes/{run.pk}/"
    api = f"/api/v1/texts/{revision.text.slug}/revisions/{revision.number}/theme-runs/{run.pk}"
    for user in (world["stakeholder"], world["other"]):
        assert client_for(user).get(page).status_code == 404
        assert client_for(user, api=True).get(api).status_code == 404
    assert client_for(world["staff"]).get(page).status_code == 200


def test_revision_pages_pin_their_queries(world, django_capture_on_commit_callbacks):
    run = _revision_run(world, django_capture_on_commit_callbacks)
    revision = world["revision"]
    base = f"/texts/{revision.text.slug}/revisions/{revision.number}/themes/"

    def grow():
        theme = run.themes.create(number=90 + run.themes.count(), label="x", size=1)
        submission = Submission.objects.filter(state="published").first()
        ThemeQuote.objects.create(
            theme=theme,
            submission=submission,
            path="body",
            start=0,
            end=3,
            text=submission.body[:3],
        )
        ThemeRun.objects.create(revision=revision, question="body", method="tfidf")

    assert_constant_queries(client_for(world["staff"]), f"{base}{run.pk}/", grow)
    assert_constant_queries(client_for(world["staff"]), base, grow)


# A deliberation's accepted statements -----------------------------------------------------------


def test_a_deliberation_run_quotes_accepted_statements_exactly(
    world, django_capture_on_commit_callbacks
):
    run = _deliberation_run(world, django_capture_on_commit_callbacks)
    assert run.state == "ready" and run.texts == len(STATEMENTS)
    quotes = ThemeQuote.objects.filter(theme__run=run).select_related("statement")
    assert quotes
    for quote in quotes:
        assert quote.statement.status == "accepted" and quote.path == "text"
        assert quote.statement.text[quote.start : quote.end] == quote.text
    themes = themes_of(run, None)
    _assert_no_small_cell(themes)
    assert all(t.by_kind == [] or t.by_kind[0][0] == "" for t in themes)


def test_who_starts_and_reads_a_deliberation_run(world, django_capture_on_commit_callbacks):
    run = _deliberation_run(world, django_capture_on_commit_callbacks)
    deliberation = world["deliberation"]
    page = f"/deliberations/{deliberation.slug}/themes/"
    api = f"/api/v1/deliberations/{deliberation.slug}/theme-runs"
    assert (
        "themes/" in client_for(None).get(f"/deliberations/{deliberation.slug}/").content.decode()
    )
    quote = ThemeQuote.objects.filter(theme__run=run).first().text
    for user in (None, world["stakeholder"], world["other"]):
        shown = client_for(user).get(f"{page}{run.pk}/")
        assert shown.status_code == 200 and quote in shown.content.decode()
        assert client_for(user).post(page).status_code in (302, 403)
        assert client_for(user, api=user is not None).post(api).status_code in (401, 403)
    with django_capture_on_commit_callbacks(execute=True):
        made = client_for(world["staff"]).post(page)
    assert made.status_code == 302 and ThemeRun.objects.count() == 2
    staff = client_for(world["staff"], api=True)
    assert staff.get(api).json()["count"] == 2
    detail = staff.get(f"{api}/{run.pk}").json()
    for theme in detail["themes"]:
        for q in theme["quotes"]:
            source = deliberation.statements.get(number=q["statement"]).text
            assert source[q["start"] : q["end"]] == q["text"]


def test_a_draft_deliberation_hides_its_themes(world, django_capture_on_commit_callbacks):
    process, staff = world["process"], world["staff"]
    draft = make_deliberation(
        process, actor=staff, slug="draft-talk", status="draft", seeds=STATEMENTS
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_deliberation_theme_run(draft, actor=staff)
    page = f"/deliberations/{draft.slug}/themes/{run.pk}/"
    for user in (world["stakeholder"], world["other"]):
        assert client_for(user).get(page).status_code == 404
        assert (
            client_for(user, api=True)
            .get(f"/api/v1/deliberations/{draft.slug}/theme-runs/{run.pk}")
            .status_code
            == 404
        )
    assert client_for(staff).get(page).status_code == 200


# The model and the reports' reader ---------------------------------------------------------------


def test_a_run_has_exactly_one_source(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeRun.objects.create(question="x", method="tfidf")
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeRun.objects.create(
            revision=world["revision"],
            deliberation=world["deliberation"],
            question="x",
            method="tfidf",
        )


def test_reports_read_consultation_runs_only(world, django_capture_on_commit_callbacks):
    from django.http import Http404

    run = _revision_run(world, django_capture_on_commit_callbacks)
    with pytest.raises(Http404):
        theme_run_for(world["staff"], run.pk)


def test_a_quote_goes_when_its_source_is_no_longer_public(
    world, django_capture_on_commit_callbacks
):
    run = _revision_run(world, django_capture_on_commit_callbacks)
    quote = ThemeQuote.objects.filter(theme__run=run).first()
    Submission.objects.filter(pk=quote.submission_id).update(state="withdrawn")
    shown = [q.text for t in themes_of(run, world["staff"]) for q in t.quotes]
    assert shown and quote.text not in shown
    talk = _deliberation_run(world, django_capture_on_commit_callbacks)
    said = ThemeQuote.objects.filter(theme__run=talk).first()
    Statement.objects.filter(pk=said.statement_id).update(status="rejected")
    assert said.text not in [q.text for t in themes_of(talk, None) for q in t.quotes]


def test_a_quote_from_the_first_entry_of_a_repeat_is_found_and_a_negative_entry_is_not():
    from analysis.texts import stored_text
    from reports.computed_blocks import _entry

    answers = {"people": [{"why": "first"}, {"why": "last"}]}
    assert stored_text(answers, "people/why", _entry(0)) == "first"
    assert stored_text(answers, "people/why", _entry(1)) == "last"
    assert stored_text(answers, "people/why", _entry(-1)) is None
    assert stored_text(answers, "people/why", _entry("0")) is None
    assert stored_text({"people": []}, "people/why", _entry(0)) is None
