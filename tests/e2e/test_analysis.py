"""A deliberation in the browser: a participant votes (with JavaScript and without), then the
opinion map opens with its SVG and the table beside it, in English and in Arabic, at 1200 px and
at 390 px (no horizontal scroll). axe-core checks every page on the way."""

import pytest
from django.contrib.auth.models import AnonymousUser

from analysis import services
from analysis.models import Vote
from tests.builders import make_deliberation, make_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def deliberation():
    """Thirty participants in two camps on the first two statements: two opinion groups."""
    deliberation = make_deliberation(make_process(slug="ahc-cybercrime", name="Ad Hoc Committee"))
    for n in range(30):
        side = 1 if n % 2 else -1
        token = ""
        for number, value in ((0, side), (1, side), (2, (n % 3) - 1)):
            _vote, _changed, token = services.cast_vote(
                deliberation,
                actor=AnonymousUser(),
                statement_number=number,
                value=value,
                token=token,
            )
    return deliberation


def _vote_on_everything(page, slug, names):
    page.goto(f"/deliberations/{slug}/")
    for name in names:
        page.locator(".vote-card").wait_for()
        page.get_by_role("button", name=name, exact=True).click()
        page.wait_for_load_state()


def _opens_the_map(page, slug, shot):
    page.goto(f"/deliberations/{slug}/map/")
    svg = page.locator(".opinion-map svg[role=img]")
    svg.wait_for()
    assert svg.locator("path").count() >= 2  # one mark per group
    table = page.locator(".opinion-map table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() >= 2
    page.screenshot(path=shot, full_page=True)


def test_voting_with_javascript_then_the_map(page, deliberation, assert_accessible, tmp_path):
    _vote_on_everything(page, deliberation.slug, ["Agree", "Disagree", "Pass / unsure"])
    assert "You have voted on every statement" in page.content()
    assert_accessible(page)
    assert Vote.objects.count() == 30 * 3 + 3
    _opens_the_map(page, deliberation.slug, str(tmp_path / "map-en.png"))
    assert_accessible(page)


def test_voting_in_arabic_without_javascript_then_the_map(
    browser, live_server, deliberation, assert_accessible, tmp_path
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.goto(f"/i18n/setlang/?language=ar&next=/deliberations/{deliberation.slug}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    for _number in range(3):
        page.locator(".vote-card button[value=agree]").click()
    assert page.locator(".vote-card").count() == 0
    assert Vote.objects.filter(value=1).count() == 15 * 2 + 10 + 3
    _opens_the_map(page, deliberation.slug, str(tmp_path / "map-ar-nojs.png"))
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pages_pass_axe_and_fit_a_phone(
    browser, live_server, deliberation, assert_accessible, tmp_path, language
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"/i18n/setlang/?language={language}&next=/deliberations/{deliberation.slug}/")
    page.locator(".vote-card").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the deliberation scrolls sideways at 390 px"
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"detail-{language}-390.png"), full_page=True)
    _opens_the_map(page, deliberation.slug, str(tmp_path / f"map-{language}-390.png"))
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the opinion map scrolls sideways at 390 px"
    assert_accessible(page)
    context.close()
