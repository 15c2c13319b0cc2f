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


def test_the_passage_is_picked_from_the_text_and_the_words_counted_live(
    browser, live_server, world, assert_accessible
):
    from drafts.wordcount import count_words

    revision, representative, organisation, moderator = world
    page = signed_in(browser, live_server, representative.email)
    page.goto(f"/texts/{revision.text.slug}/revisions/1/submissions/new/?article=chp_2__art_3")
    page.get_by_role("radio", name="Amendment").check()
    page.get_by_label("Element to amend").select_option("chp_2__art_3__para_1")
    panel = page.locator(".passage-picker blockquote")
    wording = panel.inner_text()
    assert "without right" in wording
    # Select "ithout righ" in the shown wording, as a careless mouse would: the whole words count.
    page.evaluate(
        """(needle) => {
            const node = document.querySelector('.passage-picker blockquote').firstChild;
            const at = node.textContent.indexOf(needle);
            const range = document.createRange();
            range.setStart(node, at + 1);
            range.setEnd(node, at + needle.length - 1);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            node.parentNode.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        "without right",
    )
    assert page.get_by_label("Passage to replace or delete").input_value() == "without right"
    expected_before = "" if wording.count("without right") == 1 else None
    if expected_before is not None:
        assert page.get_by_label("Words just before the passage").input_value() == ""
    text = "Le projet d’article 3 peut-être 2,000 fois. 网络犯罪公约 التعاون الدولي"
    body = page.get_by_label(re.compile("^Text \\(written submission\\)"))
    body.fill(text)
    counter = page.locator("#body-word-count")
    assert counter.inner_text().startswith(f"{count_words(text)} of 2,000 words")
    assert_accessible(page)
    page.get_by_label("Operation").select_option("delete")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/submissions/\w+/$"))
    assert Submission.objects.get().quote_exact == "without right"
