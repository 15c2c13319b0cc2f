"""An application walked from draft to accredited in the browser, with an objection between,
by three people in three browsers; axe-core checks every page on the way."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from stakeholders.models import Application
from stakeholders.services import close_objection_periods
from tests.builders import PASSWORD, make_process, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_file(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "annual-report.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def people():
    process = make_process(slug="ahc-cybercrime", name="Ad Hoc Committee")
    return {
        "process": process,
        "applicant": make_user("focal.point@ngo.example"),
        "staff": make_user("staff@unodc.example", role="secretariat", process=process),
        "delegate": make_user("delegate@mission.example", role="delegate", member_state="US"),
    }


def browser_for(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/profile/"))
    return page


def state_of(page):
    return page.locator("[data-state]").get_attribute("data-state")


def test_an_application_from_draft_to_accredited(
    browser, live_server, people, assert_accessible, tmp_path
):
    applicant = browser_for(browser, live_server, people["applicant"].email)
    applicant.goto("/organisations/new/")
    assert_accessible(applicant)
    applicant.fill("#id_name", "Digital Rights Collective")
    applicant.select_option("#id_kind", "ngo")
    applicant.select_option("#id_country", "KE")
    applicant.click("form.stacked button[type=submit]")
    applicant.wait_for_url(re.compile(r"/organisations/[0-9a-z]{12}/$"))
    assert_accessible(applicant)

    applicant.goto("/processes/ahc-cybercrime/accreditation/")
    assert_accessible(applicant)
    applicant.click("text=Apply")
    assert_accessible(applicant)
    applicant.fill("#id_statement", "We defend digital rights in East Africa.")
    applicant.click("form.stacked button[type=submit]")
    applicant.wait_for_url(re.compile(r"/applications/\d+/$"))
    assert state_of(applicant) == "draft"
    applicant.set_input_files("#id_file", str(pdf_file(tmp_path)))
    applicant.click("text=Attach")
    assert applicant.locator("a:has-text('annual-report.pdf')").is_visible()
    assert_accessible(applicant)
    applicant.click("button:has-text('Submit')")
    assert state_of(applicant) == "submitted"
    application_url = applicant.url
    # The secretariat's queue is not the applicant's to read, nor offered on the page.
    assert applicant.goto("/processes/ahc-cybercrime/applications/").status == 403
    applicant.goto("/processes/ahc-cybercrime/accreditation/")
    assert applicant.locator("a:has-text('Applications')").count() == 0
    applicant.goto(application_url)

    staff = browser_for(browser, live_server, people["staff"].email)
    staff.goto("/processes/ahc-cybercrime/applications/")
    assert_accessible(staff)
    staff.goto(application_url)
    staff.click("text=Take under review")
    assert state_of(staff) == "under_review"
    assert_accessible(staff)
    deadline = timezone.now().date() + timedelta(days=7)
    staff.fill("#id_deadline", deadline.isoformat())
    staff.click("button:has-text('Circulate')")
    assert state_of(staff) == "circulated"

    delegate = browser_for(browser, live_server, people["delegate"].email)
    delegate.goto("/processes/ahc-cybercrime/applications/")
    delegate.click("text=Digital Rights Collective")
    assert_accessible(delegate)
    delegate.fill("#id_basis", "We would like more information on the applicant's funding.")
    delegate.check("#id_disclose")
    delegate.click("text=Lodge the objection")
    assert state_of(delegate) == "objected"
    assert_accessible(delegate)

    applicant.reload()
    assert state_of(applicant) == "objected"
    assert applicant.locator("text=more information on the applicant's funding").is_visible()

    delegate.click("text=Withdraw the objection")
    assert state_of(delegate) == "circulated"

    # The deadline passes with no standing objection; the periodic task closes the period.
    close_objection_periods(today=deadline + timedelta(days=1))
    assert Application.objects.get().state == "accredited"
    applicant.goto("/processes/ahc-cybercrime/accreditation/")
    assert applicant.locator("table.data >> text=Digital Rights Collective").is_visible()
    for page in (applicant, staff, delegate):
        page.context.close()
