"""The block kinds computed by other apps: each builds, renders, verifies; a tampered quote and
a tampered figure of each are refused at publication with the list; another process's data is
refused with nothing stored."""

import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from analysis import services as analysis_services
from analysis.tests.test_themes import ANSWERS
from drafts import services as drafts_services
from drafts.services import Draft
from events import services as events_services
from reports.exceptions import BlockRefused, ReportMismatch
from reports.models import Block, Report
from reports.rendering import to_html
from reports.services import add_block, create_report, publish_report
from tests.builders import (
    GOOD_ANSWERS,
    make_consultation,
    make_deliberation,
    make_event,
    make_process,
    make_revision,
    make_text,
    make_user,
    submit,
)

pytestmark = pytest.mark.django_db

CAMPAIGN = (
    "Independent oversight of every public-private partnership is essential for trust, and "
    "companies that hold data on victims must answer to courts and to the public for it"
)
ENDINGS = [".", " today.", " now.", " always."]


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    process = make_process()
    other = make_process(slug="other-process", name="Other")
    staff = make_user("staff@example.org", role="secretariat", process=process)
    consultation = make_consultation(process, actor=staff)
    for text in ANSWERS:
        submit(consultation, answers={**GOOD_ANSWERS, "comment": text})
    for n in range(4):
        submit(consultation, answers={**GOOD_ANSWERS, "comment": CAMPAIGN + ENDINGS[n]})
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_services.start_theme_run(consultation, actor=staff, question="comment")
    deliberation = make_deliberation(process)
    rng = random.Random(1)
    for n in range(30):
        token = ""
        for number in range(3):
            value = (1 if n % 2 else -1) if number < 2 else rng.choice([1, -1])
            _v, _c, token = analysis_services.cast_vote(
                deliberation,
                actor=AnonymousUser(),
                statement_number=number,
                value=value,
                token=token,
            )
    with django_capture_on_commit_callbacks(execute=True):
        analysis_services.request_opinion_map(deliberation)
    event = make_event(process)
    for n in range(7):
        events_services.register(event, actor=make_user(f"p{n}@example.org"))
    revision = make_revision(make_text(process))
    delegate = make_user("delegate@example.org", role="delegate", member_state="US")
    draft = Draft(
        kind="amendment",
        speaks_for="state:US",
        language="en",
        element="chp_2__art_4__para_1",
        operation="delete",
        quote="made by technical means, ",
    )
    submission = drafts_services.create_submission(revision, actor=delegate, draft=draft)
    drafts_services.submit_submission(submission, actor=delegate)
    return {
        "process": process,
        "other": other,
        "staff": staff,
        "c": consultation,
        "run": run,
        "d": deliberation,
        "e": event,
        "rev": revision,
    }


def _params(world):
    return {
        "themes": {"run_id": world["run"].pk},
        "opinion_groups": {"deliberation_id": world["d"].pk},
        "campaigns": {"consultation_id": world["c"].pk},
        "event_representation": {"event_id": world["e"].pk},
        "compilation": {"revision_id": world["rev"].pk},
    }


def _report(world):
    report = create_report(world["process"], actor=world["staff"], title="Evidence")
    for kind, params in _params(world).items():
        add_block(report, actor=world["staff"], kind=kind, params=params)
    return report


def _snapshot(report, kind):
    return report.blocks.get(kind=kind).snapshot


def test_each_kind_builds_renders_and_verifies(world, client):
    report = _report(world)
    themes = _snapshot(report, "themes")
    assert themes["themes"] and all(t["quotes"] for t in themes["themes"])
    assert all(t["size"] == "<5" or t["size"] >= 5 for t in themes["themes"])  # small cells
    groups = _snapshot(report, "opinion_groups")
    assert len(groups["groups"]) >= 2 and groups["participants"] == 30
    assert groups["groups"][0]["representative"][0]["text"]
    campaigns = [g for q in _snapshot(report, "campaigns")["questions"] for g in q["groups"]]
    assert any(g["signatures"] == 4 and CAMPAIGN in g["text"] for g in campaigns)
    people = _snapshot(report, "event_representation")
    assert people["participants"] == 7 and people["kind"][0][2] == 7
    compiled = _snapshot(report, "compilation")
    assert compiled["submissions"] == "<5" and compiled["articles"][0]["cells"] == ["<5"]
    html = to_html(report)
    for text in (themes["themes"][0]["quotes"][0]["text"], "4 signatures", "<caption", "<bdi>"):
        assert text in html or text.replace("<", "&lt;") in html, text
    publish_report(report, actor=world["staff"])
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200 and groups["title"] in page.content.decode()
    pdf = client.get(reverse("reports:pdf", args=[report.pk]))
    assert pdf.content.startswith(b"%PDF")


def _tamper(report, kind, change):
    block = report.blocks.get(kind=kind)
    snapshot = block.snapshot
    change(snapshot)
    Block.objects.filter(pk=block.pk).update(snapshot=snapshot)


def _quote(s):
    s["themes"][0]["quotes"][0]["text"] = "Edited by hand"


def _size(s):
    s["themes"][0]["size"] = 999


def _statement(s):
    s["groups"][0]["representative"][0]["text"] = "Edited by hand"


def _group(s):
    s["groups"][0]["size"] = 999


def _argument(s):
    next(q for q in s["questions"] if q["groups"])["groups"][0]["text"] = "Edited by hand"


def _signatures(s):
    next(q for q in s["questions"] if q["groups"])["groups"][0]["signatures"] = 40


def _label(s):
    s["title"] = "Edited by hand"


def _participants(s):
    s["participants"] = 70


def _article(s):
    s["articles"][0]["article"] = "Edited by hand"


def _count(s):
    s["submissions"] = 9


TAMPERED = [
    ("themes", _quote, _size),
    ("opinion_groups", _statement, _group),
    ("campaigns", _argument, _signatures),
    ("event_representation", _label, _participants),
    ("compilation", _article, _count),
]


@pytest.mark.parametrize(("kind", "quote", "figure"), TAMPERED)
def test_a_tampered_quote_and_figure_are_refused_with_the_list(world, kind, quote, figure):
    report = _report(world)
    _tamper(report, kind, quote)
    _tamper(report, kind, figure)
    with pytest.raises(ReportMismatch) as refused:
        publish_report(report, actor=world["staff"])
    position = report.blocks.get(kind=kind).position
    found = refused.value.mismatches
    assert len(found) >= 2 and all(m.startswith(f"block {position}:") for m in found)
    assert any("Edited by hand" in m for m in found)
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_a_theme_quote_no_longer_in_its_source_is_refused(world):
    report = _report(world)
    quote = _snapshot(report, "themes")["themes"][0]["quotes"][0]
    response = world["c"].responses.get(pk=quote["response_id"])
    response.answers = {**response.answers, "comment": "Changed since."}
    response.save(update_fields=["answers"])
    with pytest.raises(ReportMismatch) as refused:
        publish_report(report, actor=world["staff"])
    assert any(quote["text"] in m for m in refused.value.mismatches)


def test_blocks_on_another_process_are_refused_and_nothing_stored(world):
    other = world["other"]
    foreign = {
        "themes": {"run_id": world["run"].pk},
        "opinion_groups": {"deliberation_id": world["d"].pk},
        "campaigns": {"consultation_id": world["c"].pk},
        "event_representation": {"event_id": world["e"].pk},
        "compilation": {"revision_id": world["rev"].pk},
    }
    boss = make_user("boss@example.org", role="secretariat", process=other)
    report = create_report(other, actor=boss, title="Elsewhere")
    for kind, params in foreign.items():
        with pytest.raises(BlockRefused):
            add_block(report, actor=boss, kind=kind, params=params)
        with pytest.raises(BlockRefused):
            add_block(report, actor=boss, kind=kind, params={})
    assert not report.blocks.exists()


def test_choices_offer_only_what_the_author_may_see(world):
    from reports.blocks import kind_of

    boss = make_user("boss@example.org", role="secretariat", process=world["other"])
    for kind in _params(world):
        params = kind_of(kind).params
        assert params(world["staff"], world["process"])[0].choices, kind
        assert params(boss, world["other"])[0].choices == [], kind


def test_the_add_page_offers_the_theme_run_and_refuses_a_foreign_one(world, client):
    report = create_report(world["process"], actor=world["staff"], title="R")
    client.force_login(world["staff"])
    add = reverse("reports:add_block", args=[report.pk])
    page = client.get(add, {"kind": "themes"}).content.decode()
    assert f'<option value="{world["run"].pk}">' in page
    assert client.post(add, {"kind": "themes", "run": world["run"].pk}).status_code == 302
    compose = client.get(reverse("reports:compose", args=[report.pk])).content.decode()
    assert "Themes with their quotes" in compose
    boss = make_user("boss@example.org", role="secretariat", process=world["other"])
    elsewhere = create_report(world["other"], actor=boss, title="E")
    client.force_login(boss)
    add = reverse("reports:add_block", args=[elsewhere.pk])
    assert client.post(add, {"kind": "themes", "run": world["run"].pk}).status_code == 400
    assert not elsewhere.blocks.exists()


def test_composed_in_one_language_and_published_in_another(world):
    from django.utils import translation

    report = create_report(world["process"], actor=world["staff"], title="Evidence")
    with translation.override("fr"):
        for kind, params in _params(world).items():
            add_block(report, actor=world["staff"], kind=kind, params=params)
    with translation.override("en"):
        assert publish_report(report, actor=world["staff"]).status == "published"


def test_unfinished_analyses_and_people_who_do_not_compose_are_refused(world):
    from analysis.models import OpinionMap, ThemeRun

    report = create_report(world["process"], actor=world["staff"], title="R")
    ThemeRun.objects.filter(pk=world["run"].pk).update(state="running")
    OpinionMap.objects.filter(deliberation=world["d"]).update(state="queued")
    for kind in ("themes", "opinion_groups"):
        with pytest.raises(BlockRefused):
            add_block(report, actor=world["staff"], kind=kind, params=_params(world)[kind])
    person = make_user("person@example.org")
    for kind, params in _params(world).items():
        with pytest.raises(BlockRefused):
            add_block(report, actor=person, kind=kind, params=params)
    assert not report.blocks.exists()


def test_an_analysis_that_changed_after_the_snapshot_is_refused(world):
    from analysis.models import Theme

    report = _report(world)
    theme = Theme.objects.filter(run=world["run"]).order_by("number").first()
    Theme.objects.filter(pk=theme.pk).update(size=theme.size + 10)
    with pytest.raises(ReportMismatch) as refused:
        publish_report(report, actor=world["staff"])
    assert any("themes[1].size" in m for m in refused.value.mismatches)
