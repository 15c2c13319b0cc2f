# ruff: noqa: E501  (the markdown forms below are tables, one row a line)
"""Image, file, audio and video questions: files judged by their content, kept apart until their
response claims them, read only by those who may read the responses, exported as links."""

import io
import json
import uuid
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from consultations import attachments
from consultations.exceptions import InvalidResponse, InvalidUpload, RecordingsInAnonymous
from consultations.models import Attachment, Draft, Response
from consultations.xlsform import load_xlsform
from tests.builders import make_consultation, make_user

UPLOAD_FORM = """
| survey |
| | type | name | label | required | relevant | parameters | body::accept |
| | text | title | Title of the submission | | | | |
| | image | photo | A photo of the site | | | | |
| | file | paper | Your position paper | | | | |
| | file | pdf_only | The signed letter | | | | .pdf |
| | image | small | A small picture | | | max-pixels=64 | |
| | select_one yn | has_map | Do you have a map? | | | | |
| | image | map | The map | yes | ${has_map} = 'yes' | | |
| | audio | voice | A voice note | | | | |
| | video | film | A short film | | | | |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
"""
IMAGE_ONLY = """
| survey |
| | type | name | label |
| | text | title | Title |
| | image | photo | A photo |
| | file | paper | A paper |
"""
SECRET = "Jane Respondent"


def png(size=(40, 30), exif=False):
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x013B] = SECRET  # Artist
        options["exif"] = data.tobytes()
    Image.new("RGB", size, "teal").save(buffer, "PNG", **options)
    return buffer.getvalue()


def jpeg(exif=True):
    buffer = io.BytesIO()
    data = Image.Exif()
    data[0x013B] = SECRET
    Image.new("RGB", (30, 20), "red").save(buffer, "JPEG", exif=data.tobytes())
    return buffer.getvalue()


def webp():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(buffer, "WEBP")
    return buffer.getvalue()


def pdf(author=""):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    if author:
        writer.add_metadata({"/Author": author})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx(macro=False, author=SECRET):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr(
            "docProps/core.xml",
            f"<cp:coreProperties><dc:creator>{author}</dc:creator></cp:coreProperties>",
        )
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00\x01")
    return buffer.getvalue()


def odt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr(
            "meta.xml",
            f"<office:meta><meta:initial-creator>{SECRET}</meta:initial-creator></office:meta>",
        )
    return buffer.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def commented(kind):
    """An office document whose comments, tracked changes and pictures name SECRET."""
    parts = {
        "docx": {
            "word/document.xml": f'<w:document {W}><w:body><w:p><w:ins w:id="1" '
            f'w:author="{SECRET}" w:date="2026-11-30T21:14:00Z"><w:r><w:t>Added</w:t></w:r>'
            "</w:ins></w:p></w:body></w:document>",
            "word/comments.xml": f'<w:comments {W}><w:comment w:id="0" w:author="{SECRET}" '
            f'w:initials="JD" w:date="2026-11-30T21:15:00Z"><w:p><w:r><w:t>Note</w:t></w:r>'
            "</w:p></w:comment></w:comments>",
            "word/people.xml": f'<w15:people><w15:person w15:author="{SECRET}"><w15:presenceInfo '
            f'w15:providerId="AD" w15:userId="{SECRET}@example.org"/></w15:person></w15:people>',
            "word/media/image1.jpeg": jpeg(),
        },
        "xlsx": {
            "xl/workbook.xml": '<workbook><sheets><sheet name="Sheet1" sheetId="1"/></sheets>'
            "</workbook>",
            "xl/comments1.xml": f"<comments><authors><author>{SECRET}</author></authors>"
            "</comments>",
            "xl/persons/person.xml": f'<personList><person displayName="{SECRET}" id="{{1}}" '
            f'userId="{SECRET}@example.org" providerId="AD"/></personList>',
            "xl/media/image1.png": png(exif=True),
        },
        "pptx": {
            "ppt/presentation.xml": "<p:presentation/>",
            "ppt/commentAuthors.xml": f'<p:cmAuthorLst><p:cmAuthor id="0" name="{SECRET}" '
            'initials="JD" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>',
            "ppt/authors.xml": f'<p188:authorLst><p188:author id="{{2}}" name="{SECRET}" '
            f'initials="JD" userId="{SECRET}" providerId="AD"/></p188:authorLst>',
        },
    }[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odt_with_annotations():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            "<office:document-content><office:body><text:p><office:annotation>"
            f"<dc:creator>{SECRET}</dc:creator><dc:date>2026-11-30T21:14:00</dc:date>"
            "<meta:creator-initials>JD</meta:creator-initials><text:p>Note</text:p>"
            "</office:annotation>Text</text:p><text:tracked-changes><text:changed-region>"
            f"<text:insertion><office:change-info><dc:creator>{SECRET}</dc:creator>"
            "<dc:date>2026-11-30T21:15:00</dc:date></office:change-info></text:insertion>"
            "</text:changed-region></text:tracked-changes></office:body>"
            "</office:document-content>",
        )
        archive.writestr("Pictures/photo.jpg", jpeg())
    return buffer.getvalue()


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 100


def upload(content, name):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def consultation(process):
    return make_consultation(process, form=UPLOAD_FORM, filename="uploads.md", slug="uploads")


@pytest.fixture
def anonymous_consultation(process):
    return make_consultation(
        process, form=IMAGE_ONLY, filename="images.md", slug="anon-uploads", identity="anonymous"
    )


def question(consultation, name):
    from consultations import selectors

    form = selectors.definition_of(selectors.current_version(consultation))
    return next(q for q in form.questions() if q.name == name)


def receive(consultation, name, content, filename, actor=None):
    return attachments.receive_upload(
        consultation,
        actor=actor or AnonymousUser(),
        question=question(consultation, name),
        upload=upload(content, filename),
    )


# The form --------------------------------------------------------------------------------------------


def test_upload_questions_load_with_their_accept_and_max_pixels():
    form = load_xlsform(UPLOAD_FORM.encode(), "uploads.md")
    by_name = {q.name: q for q in form.questions()}
    assert [by_name[n].type for n in ("photo", "paper", "voice", "film")] == [
        "image",
        "file",
        "audio",
        "video",
    ]
    assert by_name["pdf_only"].accept == ".pdf"
    assert by_name["small"].parameters["max-pixels"] == "64"


@pytest.mark.parametrize(
    "row, message",
    [
        ("| | file | doc | A file | .exe,.bat |", "names no format Consulta takes"),
        ("| | image | pic | A picture | .gif |", "names no format Consulta takes"),
    ],
)
def test_an_accept_column_naming_nothing_consulta_takes_is_refused(row, message):
    from consultations.xlsform import FormError

    text = f"| survey |\n| | type | name | label | body::accept |\n{row}\n"
    with pytest.raises(FormError, match=message):
        load_xlsform(text.encode(), "form.md")


@pytest.mark.django_db
def test_an_anonymous_consultation_refuses_a_form_with_recordings(process):
    with pytest.raises(RecordingsInAnonymous):
        make_consultation(process, form=UPLOAD_FORM, filename="u.md", identity="anonymous")


@pytest.mark.django_db
def test_a_consultation_with_recordings_cannot_become_anonymous(consultation, process_secretariat):
    from consultations import services

    with pytest.raises(RecordingsInAnonymous):
        services.update_consultation(consultation, actor=process_secretariat, identity="anonymous")


# Judged by content ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestContent:
    @pytest.mark.parametrize(
        "content, filename, ext",
        [(png(), "site.png", "png"), (jpeg(), "site.jpg", "jpg"), (webp(), "x.webp", "webp")],
    )
    def test_jpeg_png_and_webp_images_are_taken(self, consultation, content, filename, ext):
        kept = receive(consultation, "photo", content, filename)
        assert kept.name.endswith(f".{ext}") and kept.response is None
        assert kept.file.read() == content  # kept as sent outside anonymous consultations
        assert kept.original_name == filename

    def test_a_multi_picture_jpeg_from_a_phone_is_taken_as_a_jpeg(self, consultation):
        buffer = io.BytesIO()
        first, second = Image.new("RGB", (30, 20), "red"), Image.new("RGB", (30, 20), "blue")
        first.save(buffer, "MPO", save_all=True, append_images=[second])
        assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
        kept = receive(consultation, "photo", buffer.getvalue(), "IMG_0001.jpg")
        assert kept.name.endswith(".jpg")

    def test_a_png_named_pdf_is_kept_as_what_it_is(self, consultation):
        kept = receive(consultation, "photo", png(), "report.pdf")
        assert kept.name.endswith(".png") and kept.content_type == "image/png"

    def test_a_png_named_pdf_is_refused_where_a_pdf_is_asked(self, consultation):
        with pytest.raises(InvalidUpload, match="not of a kind accepted"):
            receive(consultation, "pdf_only", png(), "letter.pdf")

    @pytest.mark.parametrize("name", ["photo", "paper", "pdf_only"])
    def test_a_renamed_executable_is_refused(self, consultation, name):
        with pytest.raises(InvalidUpload):
            receive(consultation, name, EXECUTABLE, "letter.pdf")
        assert not Attachment.objects.exists()

    @pytest.mark.parametrize(
        "content", [EXECUTABLE, b"\x7fELF\x02\x01\x01" + b"\x00" * 50, b"#!/bin/sh\nrm -rf /\n"]
    )
    def test_programs_are_named_as_programs(self, consultation, content):
        with pytest.raises(InvalidUpload, match="Programs and scripts"):
            receive(consultation, "paper", content, "notes.txt")

    def test_an_oversize_file_is_refused_before_it_is_read(self, consultation):
        big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
        with pytest.raises(InvalidUpload, match="10 MB"):
            receive(consultation, "paper", big, "big.pdf")

    @pytest.mark.parametrize(
        "content, filename, ext",
        [
            (pdf(), "paper.pdf", "pdf"),
            (docx(), "paper.docx", "docx"),
            (odt(), "paper.odt", "odt"),
            (b"Name,Votes\nA,1\n", "data.csv", "csv"),
            ("Une note, en français.\n".encode(), "note.txt", "txt"),
            ("Pays,Réponse\nCôte d'Ivoire,oui\n".encode("cp1252"), "excel.csv", "csv"),
            ("Note\n".encode("utf-16"), "note.txt", "txt"),
        ],
    )
    def test_documents_on_the_safe_list_are_taken(self, consultation, content, filename, ext):
        assert receive(consultation, "paper", content, filename).name.endswith(f".{ext}")

    @pytest.mark.parametrize(
        "content, message",
        [
            (docx(macro=True), "macros"),
            (b"GIF89a\x01\x00\x01\x00\x00\x00\x00", "not of a kind accepted"),
            (b"text with a NUL \x00 inside", "not of a kind accepted"),
            (b"PK\x03\x04 not an archive", "damaged"),
            (b"%PDF-1.7\n garbage", "damaged"),
        ],
    )
    def test_other_files_are_refused_saying_why(self, consultation, content, message):
        with pytest.raises(InvalidUpload, match=message):
            receive(consultation, "paper", content, "paper.docx")

    def test_the_accept_column_narrows_the_formats(self, consultation):
        with pytest.raises(InvalidUpload, match="takes PDF files"):
            receive(consultation, "pdf_only", docx(), "letter.docx")
        assert receive(consultation, "pdf_only", pdf(), "letter.pdf").name.endswith(".pdf")

    def test_max_pixels_makes_a_large_image_smaller(self, consultation):
        kept = receive(consultation, "small", png(size=(400, 200)), "big.png")
        assert Image.open(kept.file).size == (64, 32)

    def test_recordings_are_recognised_by_their_container(self, consultation):
        assert receive(consultation, "voice", MP3, "note.mp3").name.endswith(".mp3")
        assert receive(consultation, "film", MP4, "film.mp4").name.endswith(".mp4")
        with pytest.raises(InvalidUpload):
            receive(consultation, "voice", png(), "note.mp3")

    def test_files_come_only_while_the_consultation_is_open(self, process):
        from consultations.exceptions import NotOpen

        closed = make_consultation(process, form=IMAGE_ONLY, filename="i.md", status="closed")
        with pytest.raises(NotOpen):
            receive(closed, "photo", png(), "site.png")


@pytest.mark.django_db
class TestAnonymous:
    def test_an_image_loses_its_metadata_and_its_name(self, anonymous_consultation):
        kept = receive(anonymous_consultation, "photo", jpeg(), "jane-at-home.jpg")
        content = kept.file.read()
        assert SECRET.encode() not in content and b"Exif" not in content
        assert Image.open(io.BytesIO(content)).size == (30, 20)
        assert kept.original_name == "" and "jane" not in kept.name and "jane" not in kept.file.name

    def test_a_png_loses_its_metadata(self, anonymous_consultation):
        kept = receive(anonymous_consultation, "photo", png(exif=True), "x.png")
        assert SECRET.encode() not in kept.file.read()

    @pytest.mark.parametrize(
        "content, name", [(pdf(author=SECRET), "a.pdf"), (docx(), "a.docx"), (odt(), "a.odt")]
    )
    def test_a_document_loses_its_author(self, anonymous_consultation, content, name):
        kept = receive(anonymous_consultation, "paper", content, name)
        stored = kept.file.read()
        assert SECRET.encode() not in stored
        if name.endswith((".docx", ".odt")):
            assert all(
                i.date_time == (1980, 1, 1, 0, 0, 0)
                for i in zipfile.ZipFile(io.BytesIO(stored)).infolist()
            )

    @pytest.mark.parametrize(
        "content, name",
        [
            (commented("docx"), "a.docx"),
            (commented("xlsx"), "a.xlsx"),
            (commented("pptx"), "a.pptx"),
            (odt_with_annotations(), "a.odt"),
        ],
    )
    def test_comments_changes_and_pictures_lose_who_and_when(
        self, anonymous_consultation, content, name
    ):
        stored = zipfile.ZipFile(
            io.BytesIO(receive(anonymous_consultation, "paper", content, name).file.read())
        )
        original = zipfile.ZipFile(io.BytesIO(content))
        assert stored.namelist() == original.namelist()
        for part in stored.namelist():
            data = stored.read(part)
            assert SECRET.encode() not in data, part
            assert b"2026-11-30" not in data and b"JD" not in data, part
            if part.endswith((".jpeg", ".jpg", ".png")):
                size = Image.open(io.BytesIO(original.read(part))).size
                assert b"Exif" not in data and Image.open(io.BytesIO(data)).size == size
        # What the document says stays: its text, its sheet names, the comment itself.
        text = b"".join(stored.read(p) for p in stored.namelist() if p.endswith(".xml"))
        assert any(word in text for word in (b"Added", b"Sheet1", b"cmAuthor", b"Note"))

    def test_gif_tiff_and_svg_pictures_lose_their_tags_and_comments(self, anonymous_consultation):
        from PIL import TiffImagePlugin

        tiff = io.BytesIO()
        tags = TiffImagePlugin.ImageFileDirectory_v2()
        tags[315] = SECRET  # Artist
        tags[305] = SECRET  # Software
        tags[700] = f"<x:xmpmeta><dc:creator>{SECRET}</dc:creator></x:xmpmeta>".encode()
        Image.new("RGB", (12, 8), "green").save(tiff, "TIFF", tiffinfo=tags)
        gif = io.BytesIO()
        frames = [Image.new("RGB", (9, 9), c) for c in ("red", "green", "blue")]
        frames[0].save(
            gif,
            "GIF",
            save_all=True,
            append_images=frames[1:],
            duration=80,
            loop=0,
            comment=SECRET.encode(),
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
            archive.writestr("word/media/image1.tiff", tiff.getvalue())
            archive.writestr("word/media/image2.gif", gif.getvalue())
            archive.writestr(
                "word/media/image3.svg",
                f'<svg sodipodi:docname="{SECRET}.svg" inkscape:export-filename="/home/'
                f'{SECRET}/a.png"><metadata><rdf:RDF><cc:Work><dc:creator><cc:Agent><dc:title>'
                f"{SECRET}</dc:title></cc:Agent></dc:creator></cc:Work></rdf:RDF></metadata>"
                f'<image xlink:href="file:///home/{SECRET}/p.png"/><text>Drawn</text></svg>',
            )
        assert SECRET.encode() in tiff.getvalue() and SECRET.encode() in gif.getvalue()
        kept = receive(anonymous_consultation, "paper", buffer.getvalue(), "a.docx")
        stored = zipfile.ZipFile(io.BytesIO(kept.file.read()))
        picture = stored.read("word/media/image1.tiff")
        animation = stored.read("word/media/image2.gif")
        assert SECRET.encode() not in picture and SECRET.encode() not in animation
        # The pictures are the same pictures: size, pixels, every frame and its timing.
        assert Image.open(io.BytesIO(picture)).size == (12, 8)
        assert Image.open(io.BytesIO(picture)).convert("RGB").getpixel((3, 3)) == (0, 128, 0)
        moving = Image.open(io.BytesIO(animation))
        assert moving.n_frames == 3 and moving.info.get("duration") == 80
        drawing = stored.read("word/media/image3.svg")
        assert SECRET.encode() not in drawing and b"<text>Drawn</text>" in drawing

    def test_an_animation_with_too_many_pixels_in_all_is_refused(
        self, anonymous_consultation, monkeypatch
    ):
        gif = io.BytesIO()
        frames = [Image.new("RGB", (9, 9), c) for c in ("red", "green", "blue")]
        frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
            archive.writestr("word/media/image1.gif", gif.getvalue())
        # Each frame is within the limit, the three together are not.
        monkeypatch.setattr(attachments, "MAX_PIXELS", 200)
        with pytest.raises(attachments.InvalidUpload, match="metadata cannot be removed"):
            receive(anonymous_consultation, "paper", buffer.getvalue(), "a.docx")

    @pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")
    def test_a_damaged_tiff_inside_a_document_is_refused_not_kept(self, anonymous_consultation):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
            archive.writestr("word/media/image1.tiff", b"II*\x00" + SECRET.encode() * 3)
        with pytest.raises(attachments.InvalidUpload, match="metadata cannot be removed"):
            receive(anonymous_consultation, "paper", buffer.getvalue(), "a.docx")
        from consultations.models import Attachment

        assert not Attachment.objects.exists()

    def test_outside_anonymous_consultations_comments_keep_their_authors(self, consultation):
        kept = receive(consultation, "paper", commented("docx"), "a.docx")
        stored = zipfile.ZipFile(io.BytesIO(kept.file.read()))
        assert SECRET.encode() in stored.read("word/comments.xml")

    def test_the_stored_file_says_only_the_day(self, anonymous_consultation):
        import os
        from datetime import UTC, datetime

        kept = receive(anonymous_consultation, "photo", png(), "x.png")
        moment = datetime.fromtimestamp(os.stat(kept.file.path).st_mtime, UTC)
        assert (moment.hour, moment.minute, moment.second) == (0, 0, 0)


# Linked to the response ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSubmission:
    def test_a_response_claims_its_file(self, consultation):
        from tests.builders import submit

        kept = receive(consultation, "photo", png(), "site.png")
        response = submit(consultation, answers={"photo": kept.name})
        kept.refresh_from_db()
        assert kept.response == response and response.answers["photo"] == kept.name

    def test_a_file_cannot_be_claimed_twice_or_for_another_question(self, consultation):
        from tests.builders import submit

        kept = receive(consultation, "photo", png(), "site.png")
        with pytest.raises(InvalidResponse) as refused:
            submit(consultation, answers={"small": kept.name})
        assert refused.value.errors[0]["field"] == "small"
        submit(consultation, answers={"photo": kept.name})
        with pytest.raises(InvalidResponse):
            submit(consultation, answers={"photo": kept.name})
        assert Response.objects.count() == 1

    def test_a_name_never_received_is_refused(self, consultation):
        from tests.builders import submit

        with pytest.raises(InvalidResponse, match="attention") as refused:
            submit(consultation, answers={"photo": f"{uuid.uuid4().hex}.png"})
        assert "not received" in refused.value.errors[0]["message"]

    def test_relevant_and_required_apply_to_files(self, consultation):
        from tests.builders import submit

        with pytest.raises(InvalidResponse) as refused:
            submit(consultation, answers={"has_map": "yes"})
        assert refused.value.errors == [{"field": "map", "message": "This question is required."}]
        assert submit(consultation, answers={"has_map": "no"}).pk


# The page ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestThePage:
    def test_the_page_draws_a_labelled_file_field(self, client, consultation):
        page = client.get("/consultations/uploads/").content.decode()
        assert 'enctype="multipart/form-data"' in page
        assert '<label for="q-photo">' in page
        assert 'type="file" id="q-photo" name="photo" accept=".jpg,.png,.webp,' in page
        assert 'aria-describedby="q-photo-format q-photo-error"' in page

    def test_a_bad_file_is_named_beside_its_field_and_the_other_answers_stay(
        self, client, consultation
    ):
        page = client.post(
            "/consultations/uploads/",
            {
                "_state": "{}",
                "_page": "0",
                "title": "Our view",
                "photo": upload(EXECUTABLE, "me.jpg"),
            },
        )
        text = page.content.decode()
        assert page.status_code == 200
        assert "not of a kind accepted here" in text and 'href="#q-photo"' in text
        assert 'id="q-photo-error">' in text and 'aria-invalid="true"' in text
        assert 'value="Our view"' in text
        assert not Response.objects.exists() and not Attachment.objects.exists()

    def test_a_good_file_is_sent_with_the_page(self, client, consultation):
        page = client.post(
            "/consultations/uploads/",
            {"_state": "{}", "_page": "0", "title": "Our view", "photo": upload(png(), "site.png")},
        )
        assert page.status_code == 200, page.content.decode()[:2000]
        response = Response.objects.get()
        kept = Attachment.objects.get()
        assert response.answers["photo"] == kept.name and kept.response == response

    def test_a_draft_keeps_the_file_and_the_page_says_it_was_received(self, login, consultation):
        respondent = make_user("respondent@example.org")
        client = login(respondent)
        client.post(
            "/consultations/uploads/",
            {"_state": "{}", "_page": "0", "_action": "save", "paper": upload(pdf(), "p.pdf")},
        )
        kept = Attachment.objects.get()
        assert Draft.objects.get().answers["paper"] == kept.name
        page = client.get("/consultations/uploads/").content.decode()
        assert "Your PDF file was received" in page
        assert f'type="hidden" name="paper" value="{kept.name}"' in page
        sent = client.post(
            "/consultations/uploads/", {"_state": "{}", "_page": "0", "paper": kept.name}
        )
        assert sent.status_code == 200
        assert Response.objects.get().attachments.get() == kept

    def test_the_check_endpoint_takes_no_file(self, client, consultation):
        client.post(
            "/consultations/uploads/check/",
            {"_state": "{}", "_page": "0", "photo": upload(png(), "site.png")},
        )
        assert not Attachment.objects.exists()


# The API ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTheApi:
    def send_file(self, client, name, content, filename):
        return client.post(
            "/api/v1/consultations/uploads/attachments",
            {"question": name, "file": upload(content, filename)},
        )

    def test_a_file_is_sent_first_then_named_in_the_response(self, client, consultation):
        sent = self.send_file(client, "paper", pdf(), "paper.pdf")
        assert sent.status_code == 201, sent.content
        name = sent.json()["name"]
        assert sent.json()["content_type"] == "application/pdf"
        answered = client.post(
            "/api/v1/consultations/uploads/responses",
            data=json.dumps({"instance_id": str(uuid.uuid4()), "answers": {"paper": name}}),
            content_type="application/json",
        )
        assert answered.status_code == 201, answered.content
        assert Attachment.objects.get(name=name).response_id == answered.json()["id"]

    def test_a_refused_file_is_a_422_on_its_field(self, client, consultation):
        refused = self.send_file(client, "photo", EXECUTABLE, "cat.png")
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "file"

    def test_an_unknown_question_is_a_422(self, client, consultation):
        refused = self.send_file(client, "title", png(), "x.png")
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "question"

    def test_a_response_naming_a_file_not_sent_is_refused(self, client, consultation):
        answered = client.post(
            "/api/v1/consultations/uploads/responses",
            data=json.dumps({"instance_id": str(uuid.uuid4()), "answers": {"paper": "report.pdf"}}),
            content_type="application/json",
        )
        assert answered.status_code == 422
        assert "Send the file first" in answered.content.decode()


# Reading files, and exports ---------------------------------------------------------------------------------


@pytest.fixture
def answered(consultation):
    from tests.builders import submit

    kept = receive(consultation, "photo", png(), "site.png")
    submit(consultation, answers={"photo": kept.name})
    kept.refresh_from_db()
    return kept


@pytest.mark.django_db
class TestReading:
    def url(self, kept, slug="uploads"):
        return f"/consultations/{slug}/files/{kept.name}/"

    @pytest.mark.parametrize("who", ["process_secretariat", "platform_secretariat"])
    def test_the_secretariat_downloads_the_file(self, request, login, answered, who):
        got = login(request.getfixturevalue(who)).get(self.url(answered))
        assert got.status_code == 200
        assert b"".join(got.streaming_content) == png()
        assert got["Content-Type"] == "image/png"
        assert got["Content-Disposition"].startswith("attachment")
        assert "sandbox" in got["Content-Security-Policy"]

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, answered):
        got = client.get(self.url(answered))
        assert got.status_code == 302 and "login" in got["Location"]

    @pytest.mark.parametrize("who", ["stakeholder", "delegate", "other_secretariat"])
    def test_others_are_refused_including_another_process_secretariat(
        self, request, login, answered, who
    ):
        assert login(request.getfixturevalue(who)).get(self.url(answered)).status_code == 403

    def test_a_file_no_response_claimed_is_not_found(
        self, login, consultation, process_secretariat
    ):
        pending = receive(consultation, "photo", png(), "site.png")
        assert login(process_secretariat).get(self.url(pending)).status_code == 404

    def test_a_file_is_not_found_through_another_consultation(
        self, login, process, answered, process_secretariat
    ):
        make_consultation(process, form=IMAGE_ONLY, filename="i.md", slug="other-survey")
        got = login(process_secretariat).get(self.url(answered, slug="other-survey"))
        assert got.status_code == 404

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_the_export_links_to_the_file(
        self, settings, login, answered, process_secretariat, fmt
    ):
        settings.SITE_URL = "https://consulta.example"
        got = login(process_secretariat).post(
            "/consultations/uploads/export/", {"format": fmt, "labels": "names"}
        )
        assert got.status_code == 200, got.content[:500]
        link = f"https://consulta.example/consultations/uploads/files/{answered.name}/"
        if fmt == "csv":
            assert link in got.content.decode()
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(got.content)).active
            assert link in [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db
def test_files_no_response_claimed_are_discarded_once_the_consultation_closes(
    consultation, process_secretariat, django_capture_on_commit_callbacks
):
    from consultations import services
    from consultations.tasks import discard_unclaimed_files
    from tests.builders import submit

    claimed = receive(consultation, "photo", png(), "a.png")
    submit(consultation, answers={"photo": claimed.name})
    pending = receive(consultation, "photo", png(), "b.png")
    assert discard_unclaimed_files() == 0
    services.set_status(consultation, "closed", actor=process_secretariat)
    path = pending.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert discard_unclaimed_files() == 1
    assert list(Attachment.objects.all()) == [claimed]
    import os

    assert not os.path.exists(path) and os.path.exists(claimed.file.path)


REPEATED = """
| survey |
| | type | name | label |
| | begin repeat | site | Site |
| | text | site_name | Name |
| | image | site_photo | Photo |
| | end repeat | | |
"""


@pytest.mark.django_db
def test_files_inside_a_repeat_are_claimed_and_exported_on_its_sheet(
    settings, login, process, process_secretariat
):
    from tests.builders import submit

    consultation = make_consultation(process, form=REPEATED, filename="r.md", slug="sites")
    first = receive(consultation, "site_photo", png(), "a.png")
    second = receive(consultation, "site_photo", jpeg(), "b.jpg")
    entries = [
        {"site_name": "A", "site_photo": first.name},
        {"site_name": "B", "site_photo": second.name},
    ]
    response = submit(consultation, answers={"site": entries})
    assert set(response.attachments.all()) == {first, second}
    got = login(process_secretariat).post(
        "/consultations/sites/export/", {"format": "csv", "labels": "names"}
    )
    assert f"/consultations/sites/files/{second.name}/" in got.content.decode()


@pytest.mark.django_db
def test_a_response_sent_again_with_its_files_is_answered_with_the_one_stored(client, consultation):
    sent = client.post(
        "/api/v1/consultations/uploads/attachments",
        {"question": "photo", "file": upload(png(), "x.png")},
    )
    body = json.dumps({"instance_id": str(uuid.uuid4()), "answers": {"photo": sent.json()["name"]}})
    url = "/api/v1/consultations/uploads/responses"
    first = client.post(url, data=body, content_type="application/json")
    again = client.post(url, data=body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and Response.objects.count() == 1


@pytest.mark.django_db
def test_the_api_description_says_how_files_are_sent(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/consultations/{slug}/attachments"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "content" in operation["description"]
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    assert {"201", "400", "404", "409", "422"} <= set(operation["responses"])
    assert operation["responses"]["422"]["content"] == error
    answers = schema["paths"]["/api/v1/consultations/{slug}/responses"]["post"]["description"]
    assert "carries no files" in answers


@pytest.mark.django_db(transaction=True)
def test_the_order_of_files_does_not_give_the_order_of_respondents(process):
    """As consultations/tests/test_anonymity.py, for files: people answer in a known order, each
    with a photo; neither the files' ids, nor SQLite's rowid, nor PostgreSQL's ctid or xmin
    (files are linked in the response's transaction) follow the order of participations."""
    from django.test import Client

    from consultations import counting
    from consultations.models import Participation
    from consultations.tests.test_anonymity import CHANCE, _digest, _hits, _orders

    consultation = make_consultation(
        process, form=IMAGE_ONLY, filename="i.md", slug="quiet-files", identity="anonymous"
    )
    people = [make_user(f"person{n:02d}@example.org") for n in range(20)]
    for number, person in enumerate(people):
        browser = Client()
        browser.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        reply = browser.post(
            "/consultations/quiet-files/",
            {"_state": "{}", "_page": "0", "title": f"n{number}", "photo": upload(png(), "me.png")},
        )
        assert b"receipt-code" in reply.content
    counting.count_responses(consultation)
    truth = {
        a.pk: people[int(a.response.answers["title"][1:])].pk
        for a in Attachment.objects.select_related("response")
    }
    by_digest = {_digest(consultation, p.pk): p.pk for p in people}
    digests = dict(Participation.objects.values_list("id", "digest"))
    for p_order in _orders(Participation._meta.db_table).values():
        who = [by_digest[digests[uuid.UUID(str(pk))]] for pk in p_order]
        for name, a_order in _orders(Attachment._meta.db_table).items():
            a_order = [uuid.UUID(str(pk)) for pk in a_order]
            for direction in (1, -1):
                hits = _hits(dict(zip(a_order, who[::direction], strict=True)), truth)
                assert hits < CHANCE, (name, direction, hits)


@pytest.mark.django_db
def test_the_create_page_names_the_recordings_an_anonymous_consultation_cannot_take(
    login, process, process_secretariat
):
    from consultations.models import Consultation
    from consultations.tests.test_views import new_consultation_data

    data = new_consultation_data(
        identity="anonymous", form_file=SimpleUploadedFile("u.md", UPLOAD_FORM.encode())
    )
    page = login(process_secretariat).post(f"/processes/{process.slug}/consultations/new/", data)
    assert page.status_code == 400
    assert "cannot ask for audio or video" in page.content.decode()
    assert not Consultation.objects.exists()
