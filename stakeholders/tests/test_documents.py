"""Supporting documents: no active content, a safe stored name, served only as a PDF download."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from stakeholders import services
from stakeholders.exceptions import InvalidDocument
from stakeholders.services import documents
from tests.builders import make_application, make_organisation, make_user

pytestmark = pytest.mark.django_db


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    return writer


def _action(kind: str, **extra: object) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in extra.items():
        action[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return action


def open_action_javascript() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        _action("/JavaScript", JS=TextStringObject("app.alert('hello');"))
    )
    return _bytes(writer)


def document_javascript() -> bytes:
    # A script in the document's name tree, run when it opens.
    writer = _blank()
    script = _action("/JavaScript", JS=TextStringObject("app.alert('hello');"))
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(script)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _bytes(writer)


def page_auto_action() -> bytes:
    writer = _blank()
    launch = _action("/Launch", F=TextStringObject("calc.exe"))
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): launch})
    return _bytes(writer)


def link_that_launches() -> bytes:
    writer = _blank()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): _action("/Launch", F=TextStringObject("cmd.exe")),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


def embedded_file() -> bytes:
    writer = _blank()
    writer.add_attachment("payload.exe", b"MZ...")
    return _bytes(writer)


def xfa_form() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
        }
    )
    return _bytes(writer)


def rich_media() -> bytes:
    writer = _blank()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/RichMedia"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


@pytest.fixture
def draft(process):
    return make_application(process, make_organisation())


@pytest.mark.parametrize(
    "content",
    [
        open_action_javascript,
        document_javascript,
        page_auto_action,
        link_that_launches,
        embedded_file,
        xfa_form,
        rich_media,
    ],
)
def test_a_pdf_with_active_content_is_refused_with_a_clear_message(draft, content):
    upload = SimpleUploadedFile("report.pdf", content())
    with pytest.raises(InvalidDocument) as caught:
        services.add_document(draft, actor=None, upload=upload)
    assert "active content" in str(caught.value)
    assert not draft.documents.exists()


def test_a_plain_pdf_with_an_ordinary_link_and_opening_page_is_accepted(draft):
    writer = _blank()
    writer.add_uri(0, "https://example.org/", [0, 0, 50, 50])
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    upload = SimpleUploadedFile("report.pdf", _bytes(writer))
    assert services.add_document(draft, actor=None, upload=upload).pk


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("annual-report.pdf", "annual-report.pdf"),
        ("evil.html", "evil.pdf"),
        ("report.PDF", "report.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\me\\statement.pdf.exe", "statement.pdf.pdf"),
        ('a<script>"x".svg', "a-script-x.pdf"),
        ("تقرير سنوي.pdf", "تقرير سنوي.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("", "document.pdf"),
        ("...", "document.pdf"),
        ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
    ],
)
def test_the_stored_name_is_the_sanitised_stem_ending_in_pdf(uploaded, stored):
    assert documents.safe_filename(uploaded) == stored


def test_an_uploaded_html_name_is_stored_and_served_as_a_pdf_attachment(client, login, process):
    admin = make_user("admin@ngo.example")
    application = make_application(process, make_organisation(admin))
    document = services.add_document(
        application, actor=admin, upload=SimpleUploadedFile("evil.html", _bytes(_blank()))
    )
    assert document.original_name == "evil.pdf"
    assert document.file.name.endswith(".pdf")
    response = login(admin).get(
        reverse("stakeholders:download_document", args=[application.pk, document.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="evil.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
