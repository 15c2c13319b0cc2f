"""Themes in the browser: the secretariat starts a run on a free-text question, the page says
the method and shows themes, sizes and exact quotes, in English and Arabic; axe-core checks it."""

import re

import pytest

from analysis.tests.test_themes import ANSWERS
from tests.builders import (
    GOOD_ANSWERS,
    PASSWORD,
    make_consultation,
    make_process,
    make_user,
    submit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_starting_a_run_and_reading_its_themes(
    browser, live_server, assert_accessible, tmp_path, language
):
    process = make_process()
    make_user("themes.staff@example.org", role="secretariat", process=process)
    consultation = make_consultation(process)
    for text in ANSWERS:
        submit(consultation, answers={**GOOD_ANSWERS, "comment": text})
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "themes.staff@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/profile/"))
    url = f"/consultations/{consultation.slug}/themes/"
    page.goto(f"/i18n/setlang/?language={language}&next={url}")
    page.select_option("select[name=question]", "comment")
    assert_accessible(page)
    page.locator("section[aria-labelledby=start-heading] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/themes/\d+/$"))
    assert page.locator("section.theme").count() >= 2
    assert page.locator("blockquote").count() >= 2
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"themes-{language}.png"), full_page=True)
    page.screenshot(path=f"/tmp/themes-{language}.png", full_page=True)
    context.close()
