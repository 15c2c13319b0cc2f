import re

import pytest

from tests.builders import PASSWORD, make_process, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET = 100 * 1024


@pytest.fixture
def world():
    first = make_process(
        slug="ahc-cybercrime",
        name="Ad Hoc Committee",
        status="concluded",
        description="The **committee** that negotiated the convention.",
    )
    make_process(slug="cosp-cybercrime", name="Conference of the States Parties", predecessor=first)
    from tests.builders import make_application, make_organisation

    organisation = make_organisation(
        name="Open Net Watch", country="KE", description="We *watch* the net."
    )
    make_application(first, organisation, state="circulated")
    make_organisation(
        name="Hidden Voices Network", country="SY", at_risk=True, public_as_region=True
    )
    from consultations.services import set_status
    from tests.builders import make_consultation, submit

    submit(make_consultation(first, slug="small-survey", layout="per_group"))
    published = make_consultation(first, slug="published-survey", identity="anonymous")
    for _ in range(6):
        submit(published, declared={"kind": "ngo"})
    set_status(published, "closed", actor=None)
    set_status(published, "published", actor=None)
    from events.services import add_agenda_item, publish_speakers_list, register
    from tests.builders import make_event

    event = make_event(first, status="published")
    for number in range(6):
        register(event, actor=make_user(f"guest{number}@example.org"), consent=True)
    session = make_event(first, slug="formal", kind="formal_session", capacity=None)
    publish_speakers_list(
        add_agenda_item(session, actor=None, number="1", title="Opening"), actor=None
    )
    return make_user("secretariat@example.org", role="secretariat")


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/profile/"))


def set_language(page, code):
    page.context.add_cookies(
        [{"name": "django_language", "value": code, "url": page.url or "http://x"}]
    )


def page_weight(page, path):
    """Bytes of HTML, CSS and JavaScript that a visit to `path` downloads."""
    sizes = []

    def on_response(response):
        kind = response.request.resource_type
        if kind in {"document", "stylesheet", "script"} and not 300 <= response.status < 400:
            sizes.append(len(response.body()))

    page.on("response", on_response)
    page.goto(path)
    page.wait_for_load_state("load")
    page.remove_listener("response", on_response)
    return sum(sizes)


PUBLIC_PAGES = [
    "/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/processes/",
    "/processes/cosp-cybercrime/",
    "/api/v1/docs",
    "/organisations/",
    "/organisations/?region=african&q=net",
    "/processes/ahc-cybercrime/accreditation/",
    "/processes/ahc-cybercrime/consultations/",
    "/consultations/small-survey/",
    "/consultations/small-survey/receipt/",
    "/consultations/published-survey/results/?by=kind",
    "/events/",
    "/processes/ahc-cybercrime/events/",
    "/events/side-event/",
    "/agenda-items/{item}/",
]
STAFF_PAGES = [
    "/accounts/profile/",
    "/accounts/profile/data/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/audit/",
    "/processes/new/",
    "/processes/ahc-cybercrime/edit/",
    "/processes/ahc-cybercrime/roles/",
    "/processes/ahc-cybercrime/applications/",
    "/processes/ahc-cybercrime/accreditation/settings/",
    "/thematic-areas/",
    "/organisations/new/",
    "/processes/ahc-cybercrime/consultations/new/",
    "/consultations/small-survey/",
    "/consultations/small-survey/edit/",
    "/consultations/small-survey/results/",
    "/consultations/small-survey/responses/",
    "/consultations/small-survey/export/",
    "/processes/ahc-cybercrime/events/new/",
    "/processes/ahc-cybercrime/events/",
    "/events/side-event/manage/",
    "/events/side-event/edit/",
    "/agenda-items/{item}/chair/",
]


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ar", "rtl")])
def test_every_page_is_accessible_and_within_budget(
    page, live_server, world, assert_accessible, language, direction
):
    page.goto("/")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    from events.models import AgendaItem

    item = AgendaItem.objects.get().pk
    for path in (p.format(item=item) for p in PUBLIC_PAGES):
        weight = page_weight(page, path)
        assert weight < PAGE_BUDGET, f"{path} weighs {weight} bytes"
        assert page.locator("html").get_attribute("dir") == direction, path
        assert page.locator("html").get_attribute("lang") == language, path
        assert_accessible(page)
    log_in(page, world.email)
    for path in (p.format(item=item) for p in STAFF_PAGES):
        weight = page_weight(page, path)
        assert weight < PAGE_BUDGET, f"{path} weighs {weight} bytes"
        assert_accessible(page)


def test_the_language_switcher_turns_the_page_right_to_left(page, world):
    page.goto("/processes/")
    page.select_option("#language-select", "ar")
    page.click(".language-form button")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.url.endswith("/processes/")
    page.select_option("#language-select", "zh-hans")
    page.click(".language-form button")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("p.notice").is_visible()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(page, world):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_creating_a_process_works_without_javascript(
    browser, live_server, world, assert_accessible
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, world.email)
        page.goto("/processes/new/")
        page.fill("#id_name", "Intersessional consultations")
        page.fill("#id_slug", "Not a slug!")
        page.fill("#id_convening_body", "Ad Hoc Committee")
        page.click("form.stacked button[type=submit]")
        assert page.locator("#id_slug").get_attribute("aria-invalid") == "true"
        assert page.locator(".error-summary").is_visible()
        page.fill("#id_slug", "intersessional")
        page.click("form.stacked button[type=submit]")
        page.wait_for_url(re.compile(r"/processes/intersessional/$"))
        assert page.locator("h1").inner_text() == "Intersessional consultations"
    finally:
        context.close()


def test_the_audit_log_filters_in_place_with_htmx(page, world):
    log_in(page, world.email)
    page.goto("/audit/")
    page.select_option("#id_process", "cosp-cybercrime")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"process=cosp-cybercrime"))
    page.wait_for_function(
        "document.querySelector('#audit-results .count').textContent.includes('1')"
    )
    assert page.locator("#audit-results tbody tr").count() == 1


def test_the_api_reference_tries_an_endpoint(page, world):
    page.goto("/api/v1/docs?section=processes")
    form = page.locator("form[data-path='/api/v1/processes']")
    form.locator("button").click()
    result = form.locator(".try-result pre")
    result.wait_for()
    assert "cosp-cybercrime" in result.inner_text()
    assert "→ 200" in form.locator(".try-result p").inner_text()


def test_your_data_reads_in_arabic_under_translated_labels(
    page, world, assert_accessible, tmp_path
):
    log_in(page, world.email)
    set_language(page, "ar")
    page.goto("/accounts/profile/data/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    facts = page.locator("dl.facts").first
    assert "الاسم المعروض" in facts.inner_text()  # "Display name"
    assert "display" not in facts.inner_text().lower()
    page.screenshot(path=str(tmp_path / "personal-data-ar.png"), full_page=True)
    assert_accessible(page)
