"""Pages: importing, writing, sending and moderating through forms; bad input is a clear
error on the page (400), nothing stored, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drafts.models import Revision, Submission
from tests import builders
from tests.access import client_for

from .conftest import ETS_185


def test_the_secretariat_imports_ets_185_through_the_page(process, text, process_secretariat):
    client = client_for(process_secretariat)
    upload = SimpleUploadedFile("ets185.md", ETS_185.read_bytes())
    response = client.post(
        f"/texts/{text.slug}/import/",
        {"title": "ETS 185", "file": upload, "format": "ets", "language": "en"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"] + "?language=nl")
    assert "Wederrechtelijke toegang" in page.content.decode()


def test_an_unreadable_import_names_the_line_on_the_page(text, process_secretariat):
    client = client_for(process_secretariat)
    content = builders.DRAFT_TEXT.replace("## Article 4. Illegal", "## Article 3. Illegal")
    upload = SimpleUploadedFile("draft.md", content.encode())
    response = client.post(
        f"/texts/{text.slug}/import/",
        {"title": "Broken", "file": upload, "format": "markdown", "language": "en"},
    )
    assert response.status_code == 400
    line = content.splitlines().index("## Article 3. Illegal interception") + 1
    assert f"Line {line}: Article 3 appears twice" in response.content.decode()
    assert not Revision.objects.exists()


def test_a_stakeholder_writes_an_amendment_and_a_moderator_publishes_it(
    revision, accredited, moderator
):
    user, organisation = accredited
    client = client_for(user)
    url = f"/texts/{revision.text.slug}/revisions/1/submissions/new/?article=chp_2__art_3"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "amendment",
            "speaks_for": f"org:{organisation.public_id}",
            "language": "en",
            "title": "Intent",
            "body": "Protect research.",
            "element": "chp_2__art_3__para_1",
            "operation": "replace",
            "quote": "without right",
            "proposed_text": "without right and with dishonest intent",
            "article_scope": "chp_2__art_3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = client.get(response["Location"]).content.decode()
    assert "with dishonest intent</ins>" in detail
    submission = Submission.objects.get()
    client.post(f"/submissions/{submission.public_id}/submit/")
    submission.refresh_from_db()
    assert submission.state == "pending"
    moderating = client_for(moderator)
    assert (
        submission.title
        in moderating.get(f"/texts/{revision.text.slug}/revisions/1/moderation/").content.decode()
    )
    moderating.post(f"/submissions/{submission.public_id}/moderate/", {"decision": "publish"})
    submission.refresh_from_db()
    assert submission.state == "published"
    compilation = client_for(None).get(f"/texts/{revision.text.slug}/revisions/1/compilation/")
    assert "Digital Rights Watch" in compilation.content.decode()
    pdf = client_for(None).get(f"/texts/{revision.text.slug}/revisions/1/compilation.pdf")
    assert pdf.content.startswith(b"%PDF-")


def test_a_form_with_a_fake_pdf_is_refused_on_the_page(revision, accredited):
    user, organisation = accredited
    response = client_for(user).post(
        f"/texts/{revision.text.slug}/revisions/1/submissions/new/",
        {
            "kind": "written",
            "speaks_for": f"org:{organisation.public_id}",
            "language": "en",
            "body": "Words.",
            "attachment": SimpleUploadedFile("x.pdf", b"GIF89a"),
        },
    )
    assert response.status_code == 400
    assert "not a PDF" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize("step", ["moderate", "submit", "withdraw", "unknown"])
def test_steps_by_people_who_may_not_take_them_are_refused(
    revision, accredited, other_process, step
):
    user, organisation = accredited
    from drafts import services

    draft = services.Draft(
        kind="written", speaks_for=f"org:{organisation.public_id}", language="en", body="Words."
    )
    submission = services.submit_submission(
        services.create_submission(revision, actor=user, draft=draft), actor=user
    )
    outsider = builders.make_user("mod.o@example.org", role="moderator", process=other_process)
    response = client_for(outsider).post(
        f"/submissions/{submission.public_id}/{step}/", {"decision": "publish"}
    )
    assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.state == "pending"


def _fonts(pdf: bytes) -> set[str]:
    import io

    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


def test_the_compilation_pdf_renders_arabic_and_chinese(revision, delegate):
    import shutil
    import subprocess

    from drafts import services

    fonts = (
        subprocess.run(["fc-list"], capture_output=True, text=True).stdout
        if shutil.which("fc-list")
        else ""
    )
    if "Noto Naskh Arabic" not in fonts or "Noto Sans CJK" not in fonts:
        pytest.skip("fonts-noto-core and fonts-noto-cjk are not installed (.ci/run installs them)")
    for language, body in (("ar", "نحن نؤيد حماية الباحثين."), ("zh", "我们支持保护研究人员。")):
        draft = services.Draft(kind="written", speaks_for="state:US", language=language, body=body)
        services.submit_submission(
            services.create_submission(revision, actor=delegate, draft=draft), actor=delegate
        )
    pdf = client_for(None).get(f"/texts/{revision.text.slug}/revisions/1/compilation.pdf").content
    names = " ".join(_fonts(pdf))
    assert "Arabic" in names and "CJK" in names, names


def test_registry_names_are_isolated_in_bdi(revision, delegate):
    """A name from the registry (here a State's, as the compilation and the submission show it)
    sits in <bdi>, so a name in another script cannot reorder the line around it."""
    from drafts import services

    draft = services.Draft(kind="written", speaks_for="state:US", language="ar", body="نص.")
    submission = services.create_submission(revision, actor=delegate, draft=draft)
    services.submit_submission(submission, actor=delegate)
    client = client_for(None)
    compiled = client.get(f"/texts/{revision.text.slug}/revisions/1/compilation/").content.decode()
    assert "<strong><bdi>" in compiled
    page = client.get(f"/submissions/{submission.public_id}/").content.decode()
    assert "<dd><bdi>" in page
