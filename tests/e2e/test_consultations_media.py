"""Places in the browser: the "Use my location" button fills the typed field from the
Geolocation API (the browser is given a position), a trace gets points added, and the answers
are stored as typed ones are. axe-core checks the page."""

import re

import pytest
from playwright.sync_api import expect

from consultations.models import Response
from tests.builders import make_consultation, make_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = """
| survey |          |        |                    |
|        | type     | name   | label              |
|        | geopoint | where  | Where is the site? |
|        | geotrace | route  | The route          |
"""


@pytest.fixture
def located(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1200, "height": 900},
        geolocation={"latitude": -1.2921, "longitude": 36.8219, "accuracy": 12},
        permissions=["geolocation"],
    )
    yield context.new_page()
    context.close()


def test_the_location_button_fills_the_fields(located, assert_accessible):
    process = make_process(slug="geo-process", name="Geo process")
    consultation = make_consultation(process, form=FORM, filename="geo.md")
    page = located
    page.goto(f"/consultations/{consultation.slug}/")
    assert_accessible(page)
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#q-where")).to_have_value(re.compile(r"^-1\.2921 36\.8219 "))
    add = page.get_by_role("button", name="Add my location as a point")
    add.click()
    expect(page.locator("#q-route")).to_have_value(re.compile(r"^-1\.2921 36\.8219 [^;]+$"))
    add.click()
    expect(page.locator("#q-route")).to_have_value(re.compile(r"^[^;]+; -1\.2921 36\.8219 "))
    assert_accessible(page)
    page.get_by_role("button", name="Submit").click()
    page.locator(".receipt-code").wait_for()
    answers = Response.objects.get().answers
    assert answers["where"].startswith("-1.2921 36.8219")
    assert answers["route"].count(";") == 1
