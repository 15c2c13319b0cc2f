"""Themes in free text: exact quotes in every script, bad input stores nothing, and who sees
what (sizes for whoever may read the results, quotes for the secretariat only)."""

import json

import pytest
from django.http import Http404
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import services
from analysis.exceptions import NotFreeText, TooFewAnswers, UnknownQuestion
from analysis.models import Theme, ThemeQuote, ThemeRun
from analysis.texts import stored_text
from analysis.themes import find_themes, quote_of, semantic_available, tokens
from consultations.models import Response
from consultations.services import set_status
from tests.access import assert_constant_queries, client_for
from tests.builders import GOOD_ANSWERS, make_consultation, make_process, make_user, submit

pytestmark = pytest.mark.django_db

ANSWERS = [
    "Privacy must be protected in every partnership. Data are not a commodity.",
    "Data protection and privacy safeguards are vital for victims.",
    "Companies should share threat data with the police quickly.",
    "Threat intelligence sharing with police helps stop ransomware.",
    "يجب حماية الخصوصية في الشراكات بين القطاعين. البيانات ليست سلعة.",
    "حماية البيانات الشخصية والخصوصية ضرورية للضحايا.",
    "La protection des données personnelles est essentielle. Les entreprises coopèrent.",
    "La protección de la privacidad es clave; las empresas deben colaborar.",
    "Training programmes for judges and police 👩🏽‍⚖️ are needed!",
    "Capacity building and training for prosecutors, ñandú, cafe\u0301 e\u0301te\u0301.",
    "More training for police officers and judges across regions 🇫🇷.",
    "Share threat indicators between companies and police in real time.",
]


def test_every_quote_is_its_source_slice_in_every_script():
    found = find_themes(ANSWERS, method="tfidf")
    assert found.method == "tfidf" and len(found.themes) >= 2
    quoted = 0
    for theme in found.themes:
        assert sorted(theme.members) == theme.members
        for quote in theme.quotes:
            source = ANSWERS[quote.document]
            piece = source[quote.start : quote.end]
            assert piece and piece in source and piece == piece.strip()
            quoted += 1
    assert quoted >= len(found.themes)
    assert sum(len(t.members) for t in found.themes) == len(ANSWERS)


def test_arabic_words_lose_marks_article_and_stop_words():
    assert tokens("والخصوصيةُ في الشراكات") == ["خصوصية", "شراكات"]
    assert tokens("Les données et la protección") == ["données", "protección"]


@pytest.mark.skipif(not semantic_available(), reason="the extra consulta[semantic] is absent")
def test_the_semantic_path_quotes_exactly_too():
    found = find_themes(ANSWERS, method="semantic")
    for theme in found.themes:
        for quote in theme.quotes:
            assert ANSWERS[quote.document][quote.start : quote.end]


@pytest.fixture
def world():
    process = make_process()
    staff = make_user("staff@example.org", role="secretariat", process=process)
    consultation = make_consultation(process, actor=staff)
    for text in ANSWERS:
        submit(consultation, answers={**GOOD_ANSWERS, "comment": text})
    return process, staff, consultation


def _run(consultation, staff, django_capture_on_commit_callbacks, question="comment"):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_theme_run(consultation, actor=staff, question=question)
    run.refresh_from_db()
    return run


def test_a_run_stores_themes_and_exact_quotes(world, django_capture_on_commit_callbacks):
    _process, staff, consultation = world
    run = _run(consultation, staff, django_capture_on_commit_callbacks)
    assert run.state == "ready" and run.progress == 100 and run.texts == len(ANSWERS)
    assert sum(Theme.objects.filter(run=run).values_list("size", flat=True)) == len(ANSWERS)
    for quote in ThemeQuote.objects.filter(theme__run=run):
        answers = Response.objects.get(pk=quote.response_id).answers
        assert stored_text(answers, quote.path, quote.entry)[quote.start : quote.end] == quote.text


@pytest.mark.parametrize(
    ("question", "error"),
    [("sector", NotFreeText), ("nothing", UnknownQuestion), ("", UnknownQuestion)],
)
def test_bad_questions_are_refused_and_store_nothing(world, question, error):
    _process, staff, consultation = world
    with pytest.raises(error):
        services.start_theme_run(consultation, actor=staff, question=question)
    assert not ThemeRun.objects.exists()


def test_too_few_answers_are_refused(world):
    process, staff, _consultation = world
    empty = make_consultation(process, actor=staff, slug="empty")
    with pytest.raises(TooFewAnswers):
        services.start_theme_run(empty, actor=staff, question="comment")
    assert not ThemeRun.objects.exists()


def test_the_secretariat_starts_a_run_on_the_page(world, django_capture_on_commit_callbacks):
    _process, staff, consultation = world
    client = client_for(staff)
    url = f"/consultations/{consultation.slug}/themes/"
    assert client.post(url, {"question": "sector"}).status_code == 400
    assert not ThemeRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"question": "comment"})
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "TF-IDF" in page and "Quotes" in page
    assert ThemeQuote.objects.first().text in page


def test_who_sees_themes_and_quotes(world, django_capture_on_commit_callbacks):
    process, staff, consultation = world
    run = _run(consultation, staff, django_capture_on_commit_callbacks)
    page = f"/consultations/{consultation.slug}/themes/{run.pk}/"
    api = f"/api/v1/consultations/{consultation.slug}/theme-runs/{run.pk}"
    other = make_user("other@example.org", role="secretariat", process=make_process(slug="o"))
    for user in (None, make_user("rep@example.org"), other):
        assert client_for(user).get(page).status_code in (302, 403, 404)
        refused = client_for(user).post(page.rsplit("/", 2)[0] + "/", {"question": "comment"})
        assert refused.status_code in (302, 403, 404)
        assert client_for(user, api=user is not None).get(api).status_code in (401, 403, 404)
    quote = ThemeQuote.objects.first().text
    set_status(consultation, "closed", actor=staff)
    set_status(consultation, "published", actor=staff)
    public = Client().get(page)
    assert public.status_code == 200 and quote not in public.content.decode()
    body = client_for(other, api=True).get(api).json()
    assert body["themes"] and all(t["quotes"] == [] for t in body["themes"])
    assert Client().post(page.rsplit("/", 2)[0] + "/", {"question": "comment"}).status_code in (
        302,
        403,
    )
    assert ThemeRun.objects.count() == 1
    staff_body = client_for(staff, api=True).get(api).json()
    assert any(t["quotes"] for t in staff_body["themes"])


def test_the_api_starts_and_lists_runs(world, django_capture_on_commit_callbacks):
    _process, staff, consultation = world
    client = client_for(staff, api=True)
    url = f"/api/v1/consultations/{consultation.slug}/theme-runs"
    bad = client.post(url, json.dumps({"question": "sector"}), content_type="application/json")
    assert bad.status_code == 422 and "detail" in bad.json() or "message" in bad.json()
    assert not ThemeRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            url, json.dumps({"question": "comment"}), content_type="application/json"
        )
    assert made.status_code == 201
    rep = client_for(make_user("rep@example.org"), api=True)
    assert (
        rep.post(
            url, json.dumps({"question": "comment"}), content_type="application/json"
        ).status_code
        == 403
    )

    def grow():
        for _n in range(3):
            ThemeRun.objects.create(
                consultation=consultation, question="comment", method="tfidf", created_by=staff
            )

    assert_constant_queries(client, url, grow)
    assert_constant_queries(client_for(staff), f"/consultations/{consultation.slug}/themes/", grow)
    assert client.get(url).json()["count"] == 7


def test_answers_without_words_do_not_count(world):
    process, staff, _consultation = world
    emoji = make_consultation(process, actor=staff, slug="emoji")
    for text in ["👍👍", "123", "!!!", "🇫🇷", "ok"]:
        submit(emoji, answers={**GOOD_ANSWERS, "comment": text})
    with pytest.raises(TooFewAnswers):
        services.start_theme_run(emoji, actor=staff, question="comment")
    assert not ThemeRun.objects.exists()


@given(st.text(min_size=1, max_size=200).filter(str.strip), st.lists(st.text(max_size=8)))
@settings(max_examples=200, deadline=None)
def test_a_quote_is_always_a_non_empty_slice(text, terms):
    start, end = quote_of(text, terms)
    assert 0 <= start < end <= len(text) and text[start:end]


def test_the_run_page_polls_while_running_and_pins_its_queries(
    world, django_capture_on_commit_callbacks
):
    from analysis.selectors import theme_run_for

    _process, staff, consultation = world
    run = _run(consultation, staff, django_capture_on_commit_callbacks)
    client = client_for(staff)
    url = f"/consultations/{consultation.slug}/themes/{run.pk}/"
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"

    def grow():
        theme = Theme.objects.create(run=run, number=99, label="x", size=1, breakdown={})
        answer = Response.objects.first()
        text = answer.answers["comment"]
        ThemeQuote.objects.create(
            theme=theme, response=answer, path="comment", start=0, end=3, text=text[:3]
        )

    assert_constant_queries(client, url, grow)
    found, themes = theme_run_for(staff, run.pk)
    assert (
        found == run
        and themes[-1].quotes[0].text == Response.objects.first().answers["comment"][:3]
    )
    ThemeRun.objects.filter(pk=run.pk).update(state="running", progress=40)
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="40"' in polled and "hx-trigger" in polled
    with pytest.raises(Http404):
        theme_run_for(make_user("rep@example.org"), run.pk)
