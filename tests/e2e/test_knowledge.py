"""The knowledge base in a browser: searching with facets (htmx and without JavaScript), a
record's page, contributing through the form and publishing from the moderation queue, in
English and Arabic, at desktop and phone widths; axe-core checks every page visited.

Screenshots go to CONSULTA_SCREENSHOTS (default: pytest's temporary directory)."""

import os
import re
from pathlib import Path

import pytest

from knowledge import services
from tests.builders import (
    PASSWORD,
    knowledge_content,
    make_organisation,
    make_process,
    make_record,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("CONSULTA_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def base(db):
    process = make_process(slug="ahc", name="Ad Hoc Committee")
    staff = make_user("kb.secretariat@example.org", role="secretariat")
    gitoc = make_organisation(None, name="Global Initiative", country="CH")
    cert = make_organisation(None, name="National CERT", kind="igo", country="KE")
    state = make_organisation(None, name="Dominican Republic", kind="state", country="DO")
    make_record(
        staff,
        gitoc,
        process=process,
        record_type="ppp_case",
        title="Partnership against human trafficking advertised online",
        summary="Platforms and survivors' organisations share the signs of **recruitment ads**.",
        sector="ict",
        mechanism="joint_action",
        countries=["PH"],
    )
    make_record(staff, cert, process=process, title="Vulnerability disclosure policy of a CERT")
    make_record(
        staff,
        state,
        record_type="training",
        title="برنامج محو الأمية الرقمية للصحفيين",
        summary="تدريب الصحفيين على حماية حساباتهم.",
        sector="civil_society",
        mechanism="training",
        countries=["TN"],
        language="ar",
    )
    return {"process": process, "staff": staff, "cert": cert, "state": state}


def signed_in(browser, live_server, email, width=1280):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/profile/"))
    return page


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 390])
def test_search_highlights_and_narrows_by_facet(
    browser, live_server, base, assert_accessible, shots, language, width
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto("/knowledge/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator(".kb-hit").count() == 3
    assert_accessible(page)
    page.fill("input[name=q]", "trafficking")
    page.click(".kb-search button[type=submit]")
    page.wait_for_url(re.compile(r"q=trafficking"))
    page.locator("mark").first.wait_for()
    assert page.locator(".kb-hit").count() == 1
    page.screenshot(path=str(shots / f"knowledge-search-{language}-{width}.png"), full_page=True)
    assert_accessible(page)
    page.goto("/knowledge/")
    page.locator(".kb-facets a[href*='type=training']").click()
    page.wait_for_url(re.compile(r"type=training"))
    assert page.locator(".kb-hit").count() == 1
    assert page.locator(".kb-facets a[aria-current]").count() == 1
    assert_accessible(page)
    page.locator(".kb-hit a").first.click()
    page.wait_for_url(re.compile(r"/knowledge/[0-9a-z]{12}/$"))
    page.screenshot(path=str(shots / f"knowledge-record-{language}-{width}.png"), full_page=True)
    assert_accessible(page)
    context.close()


def test_search_works_without_javascript(browser, live_server, base):
    # axe-core runs as a script, so it has no say here: the same page is checked with scripts on.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/knowledge/")
    page.fill("input[name=q]", "vulnerability")
    page.click(".kb-search button[type=submit]")
    page.wait_for_url(re.compile(r"q=vulnerability"))
    assert page.locator(".kb-hit mark").count() >= 1
    context.close()


def test_a_stakeholder_contributes_and_a_moderator_publishes(
    browser, live_server, base, assert_accessible, shots
):
    rep = make_user("rep@example.org")
    make_organisation(rep, name="Digital Rights Watch", country="KE")
    make_user("mod@example.org", role="moderator", process=base["process"])
    page = signed_in(browser, live_server, "rep@example.org")
    page.goto("/knowledge/new/")
    assert_accessible(page)
    page.click("form.stacked button[type=submit]")  # empty: the errors, nothing stored
    assert page.locator(".error-summary").is_visible()
    page.select_option("#id_process", "ahc")
    page.select_option("#id_record_type", "training")
    page.fill("#id_title", "Cyber hygiene clinics in public libraries")
    page.fill("#id_summary", "Volunteers teach older people to spot **phishing**.")
    page.select_option("#id_sector", "civil_society")
    page.select_option("#id_mechanism", "training")
    page.select_option("#id_actor-0-organisation", base["cert"].public_id)
    page.select_option("#id_actor-0-role", "lead")
    page.select_option("#id_actor-1-organisation", base["state"].public_id)
    page.select_option("#id_actor-1-role", "funder")
    page.screenshot(path=str(shots / "knowledge-contribute-en-1280.png"), full_page=True)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/knowledge/[0-9a-z]{12}/$"))
    assert page.locator("[data-state=pending]").is_visible()
    assert_accessible(page)
    moderator = signed_in(browser, live_server, "mod@example.org")
    moderator.goto("/knowledge/moderation/")
    assert_accessible(moderator)
    moderator.click("text=Cyber hygiene clinics in public libraries")
    assert_accessible(moderator)
    moderator.screenshot(path=str(shots / "knowledge-moderate-en-1280.png"), full_page=True)
    moderator.check("input[name=decision][value=publish]")
    moderator.click("form.stacked button[type=submit]")
    moderator.wait_for_url(re.compile(r"/knowledge/moderation/$"))
    assert "Nothing awaits moderation" in moderator.content()
    page.reload()
    assert page.locator("[data-state=pending]").count() == 0


def test_the_api_contribution_appears_in_the_queue(browser, live_server, base, assert_accessible):
    rep = make_user("api.rep@example.org")
    make_organisation(rep, name="API Org", country="BR")
    services.contribute_record(
        actor=rep, content=knowledge_content(base["cert"]), process=base["process"]
    )
    page = signed_in(browser, live_server, "kb.secretariat@example.org")
    page.goto("/knowledge/moderation/")
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page)
