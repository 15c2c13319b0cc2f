"""A multilingual form answered in the browser, in English with JavaScript and in Arabic without
it; results drawn as charts. axe-core checks every page on the way."""

import pytest

from consultations import services
from consultations.models import Response
from tests.builders import GOOD_ANSWERS, make_consultation, make_process, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consultation():
    process = make_process(slug="ahc-cybercrime", name="Ad Hoc Committee")
    return make_consultation(process, identity="confidential")


def test_answering_in_english_with_javascript(page, consultation, assert_accessible, tmp_path):
    page.goto(f"/consultations/{consultation.slug}/")
    assert_accessible(page)
    staff = page.locator('[data-path="staff"]')
    page.get_by_label("Government").check()
    staff.wait_for(state="hidden")  # does not apply to governments: the server says so
    page.get_by_label("NGO").check()
    staff.wait_for(state="visible")
    page.fill("#q-staff", "5000")
    page.locator("#q-staff").blur()
    error = page.locator("#q-staff-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "From 0 to 1000"  # the form's own message, before submitting
    page.fill("#q-staff", "12")
    page.locator("#q-staff").blur()
    error.wait_for(state="hidden")
    page.get_by_label("Ransomware").check()
    page.fill('[name="project[1].project_name"]', "Helpline")
    page.fill('[name="project[1].project_start"]', "2021-03-04")
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "answering.png"), full_page=True)
    page.get_by_role("button", name="Submit").click()
    page.locator(".receipt-code").wait_for()
    assert "code=" not in page.url
    stored = Response.objects.get()
    assert page.locator(".receipt-code").inner_text() == stored.reference
    assert stored.answers["project"] == [
        {"project_name": "Helpline", "project_start": "2021-03-04"}
    ]
    assert stored.language == "en"
    assert_accessible(page)


def test_answering_in_arabic_without_javascript(browser, live_server, consultation):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.goto(f"/i18n/setlang/?language=ar&next=/consultations/{consultation.slug}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    form = page.locator("#answer-form")
    assert form.get_attribute("lang") == "ar"
    page.click("button[value=submit]")
    # The server checked everything and came back with the form's own Arabic messages.
    assert page.locator("#q-sector-error").inner_text() == "اختر قطاعاً"
    assert page.locator("#q-topics-error").inner_text() == "اختر موضوعاً"
    assert page.locator(".error-summary").is_visible()
    page.get_by_label("منظمة غير حكومية").check()
    page.get_by_label("برامج الفدية").check()
    page.fill('[name="project[1].project_name"]', "خط المساعدة")
    page.click("button[value=submit]")
    page.locator(".receipt-code").wait_for()
    stored = Response.objects.get()
    assert stored.language == "ar" and stored.answers["project"][0]["project_name"] == "خط المساعدة"
    context.close()


def test_the_arabic_interface_passes_axe(page, consultation, assert_accessible):
    page.goto(f"/i18n/setlang/?language=ar&next=/consultations/{consultation.slug}/")
    page.locator("#answer-form").wait_for()
    assert_accessible(page)


def test_published_results_with_charts(page, consultation, assert_accessible, tmp_path):
    for sector in ["ngo"] * 8 + ["academia"] * 6 + ["state"] * 2:
        submit(consultation, answers={**GOOD_ANSWERS, "sector": sector})
    services.set_status(consultation, "closed", actor=None)
    services.set_status(consultation, "published", actor=None)
    page.goto(f"/consultations/{consultation.slug}/results/?by=kind")
    assert page.locator("svg.chart").count() >= 3
    assert page.locator("table.data").first.is_visible()
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)
    assert_accessible(page)
