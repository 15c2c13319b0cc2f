"""A stakeholder writes an amendment on the draft text, a moderator publishes it, the
compilation shows it and its PDF opens; the pages pass axe-core in English and in Arabic."""

import re

import pytest

from drafts.models import Submission
from tests.builders import (
    PASSWORD,
    make_accredited_representative,
    make_process,
    make_revision,
    make_text,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    process = make_process(slug="ahc-cybercrime", name="Ad Hoc Committee")
    text = make_text(process)
    revision = make_revision(text)
    representative, organisation = make_accredited_representative(process)
    moderator = make_user("moderator.e2e@example.org", role="moderator", process=process)
    return revision, representative, organisation, moderator


def signed_in(browser, live_server, email, language=""):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/profile/"))
    if language:
        page.goto(f"/i18n/setlang/?language={language}&next=/accounts/profile/")
    return page


def test_amendment_moderated_compiled_and_printed(
    browser, live_server, world, assert_accessible, tmp_path
):
    revision, representative, organisation, moderator = world
    base = f"/texts/{revision.text.slug}/revisions/1/"
    page = signed_in(browser, live_server, representative.email)
    page.goto(base)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "revision.png"), full_page=True)
    page.get_by_role("link", name=re.compile("Comment or propose an amendment.*Article 3")).click()
    page.get_by_role("radio", name="Amendment").check()
    page.get_by_label("Element to amend").select_option("chp_2__art_3__para_1")
    page.get_by_label("Operation").select_option("replace")
    page.get_by_label("Passage to replace or delete").fill("without right")
    page.get_by_label("Proposed wording").fill("without right and with dishonest intent")
    page.get_by_label("Title").fill("Require dishonest intent")
    page.get_by_label(re.compile("^Text \\(written submission\\)")).fill(
        "Good-faith security research must not become a crime."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/submissions/\w+/$"))
    assert "with dishonest intent" in page.locator("ins").first.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    page.locator(".tag-pending").wait_for()
    submission = Submission.objects.get()
    assert submission.state == "pending"

    moderating = signed_in(browser, live_server, moderator.email)
    moderating.goto(base + "moderation/")
    assert_accessible(moderating)
    moderating.get_by_role("radio", name="Publish", exact=True).check()
    moderating.get_by_role("button", name="Record the decision").click()
    moderating.wait_for_url(re.compile(r"/moderation/$"))
    submission.refresh_from_db()
    assert submission.state == "published"

    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(base + "compilation/")
    assert "Digital Rights Watch" in public.content()
    assert "without right and with dishonest intent" in public.content()
    assert_accessible(public)
    public.screenshot(path=str(tmp_path / "compilation.png"), full_page=True)
    pdf = public.request.get(base + "compilation.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    (tmp_path / "compilation.pdf").write_bytes(pdf.body())


def test_the_arabic_pages_pass_axe(browser, live_server, world, assert_accessible):
    revision, representative, _organisation, moderator = world
    base = f"/texts/{revision.text.slug}/revisions/1/"
    page = signed_in(browser, live_server, representative.email, language="ar")
    for path in (
        f"/processes/{revision.text.process.slug}/texts/",
        f"/texts/{revision.text.slug}/",
        base,
        base + "submissions/new/?article=chp_2__art_3",
        base + "compilation/",
    ):
        page.goto(path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert_accessible(page)
