"""Browser test of a published report: its page (axe, en and ar) and its PDF, rendered to PNG.

Screenshots go to CONSULTA_SCREENSHOTS (default: pytest's temporary directory)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from reports.services import publish_report
from reports.tests.test_services import _report, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("CONSULTA_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_published_report_and_its_pdf(
    browser,
    live_server,
    world,  # noqa: F811
    assert_accessible,
    shots,
    language,
):
    report = publish_report(_report(world), actor=world["staff"])
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"/reports/{report.pk}/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("blockquote").inner_text().startswith("Public-private partnerships")
    assert_accessible(page)
    page.screenshot(path=str(shots / f"report-{language}.png"), full_page=True)
    pdf = page.request.get(f"/reports/{report.pk}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    target = shots / f"report-{language}.pdf"
    target.write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), str(target.with_suffix(""))])
    context.close()
