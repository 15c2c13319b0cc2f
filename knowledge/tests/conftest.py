import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from tests.builders import make_organisation, make_process, make_user


def pdf_bytes(*, script: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if script:
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "evidence.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


@pytest.fixture
def people(db):
    """A process, its secretariat and moderator, a stakeholder with an organisation, another
    stakeholder, a platform moderator, and two organisations to name as actors."""
    process = make_process(slug="ahc", name="Ad Hoc Committee")
    other = make_process(slug="cosp", name="Conference of the States Parties")
    rep = make_user("rep@example.org")
    org = make_organisation(rep, name="Digital Rights Watch", country="KE")
    second = make_user("second@example.org")
    make_organisation(second, name="Open Net Lab", country="BR")
    return {
        "process": process,
        "other_process": other,
        "rep": rep,
        "org": org,
        "second": second,
        "staff": make_user("staff@example.org", role="secretariat", process=process),
        "moderator": make_user("mod@example.org", role="moderator", process=process),
        "other_moderator": make_user("mod2@example.org", role="moderator", process=other),
        "platform_moderator": make_user("pmod@example.org", role="moderator"),
        "platform": make_user("platform@example.org", role="secretariat"),
        "lead": make_organisation(None, name="National CERT of Kenya", kind="igo", country="KE"),
        "state": make_organisation(None, name="Dominican Republic", kind="state", country="DO"),
    }
