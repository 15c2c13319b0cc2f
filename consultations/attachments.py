"""Files as answers: image, file, audio and video questions.

A file is judged by its content, never by its name or the type the browser claims: images are
opened with Pillow (JPEG, PNG, WebP), documents are a PDF without active content (the registry's
own check), plain text or CSV, or an Office Open XML or OpenDocument file without macros;
programs are refused by name. Recordings are recognised by their container (MP3, M4A/MP4,
Ogg, WAV, FLAC, AMR, WebM, QuickTime, 3GP).

A file is kept under a random name as soon as it is uploaded, not yet linked to any response;
the answer is that name, and the response claims its files when it is stored (submission.py),
so drafts, pages and the API's two steps all carry only the name. Files are read only by those
who may read the responses (views.reporting.attachment_download).

In anonymous consultations nothing about a file may say whose it is: its name is not kept,
images are encoded again without their metadata (EXIF, XMP, text chunks; turned upright first),
PDFs lose their information dictionary and XMP, office documents their author, company and
dates, the names, initials and times of who commented or tracked changes, and the metadata of
their JPEG, PNG and WebP pictures; the stored file carries only the day. What a document says
in its own text is the writer's to clean. A recording cannot be cleaned here, and a
voice or a face names its owner: anonymous consultations do not take audio or video questions
(services.upload_form refuses such a form).
"""

import io
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import InvalidUpload, NotInAudience
from .models import Attachment, Consultation, Response
from .xlsform import FormDefinition, Question

logger = logging.getLogger(__name__)

AttachmentError = InvalidUpload

MB = 1024 * 1024
MAX_BYTES = {"image": 10 * MB, "file": 10 * MB, "audio": 25 * MB, "video": 50 * MB}
MAX_PIXELS = 50_000_000  # of an image, width × height: beyond any camera, short of a bomb
RECORDINGS = {"audio", "video"}

# What each question type takes: the extension a stored file gets, and its content type.
FORMATS: dict[str, dict[str, str]] = {
    "image": {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"},
    "file": {
        "pdf": "application/pdf",
        "txt": "text/plain",
        "csv": "text/csv",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
    },
    "audio": {
        "mp3": "audio/mpeg",
        "m4a": "audio/mp4",
        "ogg": "audio/ogg",
        "wav": "audio/wav",
        "flac": "audio/flac",
        "amr": "audio/amr",
        "webm": "audio/webm",
    },
    "video": {
        "mp4": "video/mp4",
        "mov": "video/quicktime",
        "webm": "video/webm",
        "3gp": "video/3gpp",
        "ogv": "video/ogg",
    },
}
# Other names the accept column may use for a format.
ALIASES = {"jpeg": "jpg", "jpe": "jpg", "text": "txt", "oga": "ogg", "opus": "ogg", "qt": "mov"}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[0-9a-z]{2,4}$")


def kinds_label(kind: str, formats: dict[str, str] | None = None) -> str:
    """The formats a question takes, for people: "JPG, PNG, WEBP"."""
    return ", ".join(ext.upper() for ext in (formats or FORMATS[kind]))


def accepted_formats(kind: str, accept: str = "") -> dict[str, str]:
    """The formats a question takes: Consulta's for its type, narrowed by the form's accept
    column (".pdf,.docx", "application/pdf", "image/*"). InvalidUpload if nothing is left."""
    formats = FORMATS[kind]
    tokens = [t.strip().lower() for t in re.split(r"[,\s]+", accept or "") if t.strip()]
    if not tokens or "*/*" in tokens or "*" in tokens:
        return dict(formats)
    kept = {}
    for ext, content_type in formats.items():
        for token in tokens:
            name = ALIASES.get(token.lstrip("."), token.lstrip("."))
            wild = token.endswith("/*") and content_type.startswith(token[:-1])
            if name == ext or token == content_type or wild:
                kept[ext] = content_type
    if not kept:
        raise InvalidUpload(
            _("accept “%(accept)s” names no format Consulta takes for %(kind)s (%(formats)s)")
            % {"accept": accept, "kind": kind, "formats": kinds_label(kind)}
        )
    return kept


# Recognising a file by its content ---------------------------------------------------------------


def _not_accepted(kind: str) -> InvalidUpload:
    return InvalidUpload(
        _("This file is not of a kind accepted here (%(formats)s).")
        % {"formats": kinds_label(kind)}
    )


def _image(content: bytes) -> tuple[str, Any]:
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(content), formats=["JPEG", "PNG", "WEBP"])
    except Image.DecompressionBombError:
        raise InvalidUpload(_("This image has too many pixels.")) from None
    except Exception:  # Pillow raises many kinds of errors on what is not an image it reads
        raise _not_accepted("image") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise InvalidUpload(_("This image has too many pixels."))
    try:
        image.load()
    except Exception as exc:
        logger.info("refused a damaged image: %s", type(exc).__name__)
        raise InvalidUpload(_("This image is damaged and cannot be read.")) from None
    ext = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}.get(str(image.format))
    if ext is None:
        raise _not_accepted("image")
    return ext, image


def _image_written(image: Any, ext: str, max_pixels: int, strip: bool) -> bytes:
    """The image encoded again: upright, within max_pixels on its longer side, without its
    metadata (keeping, outside anonymous consultations, its colour profile)."""
    from PIL import ImageOps

    upright = ImageOps.exif_transpose(image) or image
    if max_pixels:
        upright.thumbnail((max_pixels, max_pixels))
    kept = {"transparency"} if strip else {"transparency", "icc_profile"}
    upright.info = {k: v for k, v in upright.info.items() if k in kept}
    if ext == "jpg" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 90} if ext in ("jpg", "webp") else {}
    if upright.info.get("icc_profile"):
        options["icc_profile"] = upright.info["icc_profile"]
    upright.save(out, {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext], **options)
    return out.getvalue()


def _checked_image(question: Question, content: bytes, strip: bool) -> tuple[str, bytes]:
    ext, image = _image(content)
    limit = int(question.parameters.get("max-pixels", "0") or 0)
    if strip or (limit and max(image.size) > limit):
        return ext, _image_written(image, ext, limit, strip)
    return ext, content


_PROGRAMS = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\x00asm",
    b"dex\n",
    b"#!",
)


def _is_program(content: bytes) -> bool:
    # "MZ" alone could begin a text; a Windows program has binary bytes right after it.
    return content.startswith(_PROGRAMS) or (content.startswith(b"MZ") and b"\x00" in content[:256])


def _checked_file(content: bytes, filename: str, strip: bool) -> tuple[str, bytes]:
    if _is_program(content):
        raise InvalidUpload(_("Programs and scripts are not accepted."))
    if content.startswith(b"%PDF-"):
        return "pdf", _checked_pdf(content, strip)
    if content.startswith(b"PK\x03\x04"):
        return _checked_package(content, strip)
    return _checked_text(content, filename), content


def _checked_pdf(content: bytes, strip: bool) -> bytes:
    from stakeholders.exceptions import InvalidDocument
    from stakeholders.services.documents import check_pdf

    try:
        check_pdf(content)
    except InvalidDocument as exc:
        raise InvalidUpload(str(exc)) from None
    if not strip:
        return content
    from pypdf import PdfReader, PdfWriter

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
        writer.metadata = None
        if "/Metadata" in writer._root_object:
            del writer._root_object["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # read once already by check_pdf; a failure here is a damaged file
        logger.info("could not rewrite a PDF: %s", type(exc).__name__)
        raise InvalidUpload(_("This PDF is damaged and cannot be read.")) from None
    return out.getvalue()


ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
MAX_PARTS = 10_000
MAX_UNPACKED = 200 * MB


def _checked_package(content: bytes, strip: bool) -> tuple[str, bytes]:
    """An Office Open XML or OpenDocument file (both are ZIP archives), without macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InvalidUpload(_("This document is damaged and cannot be read.")) from None
    names = [part.filename for part in parts]
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED:
        raise InvalidUpload(_("This document is too large once unpacked."))
    if any(_is_macro(name) for name in names):
        raise InvalidUpload(
            _("Documents with macros or embedded programs are not accepted. Save it again without.")
        )
    ext = _package_kind(archive, names)
    if ext is None:
        raise _not_accepted("file")
    return ext, (_package_written(archive, parts) if strip else content)


def _is_macro(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered.endswith(("vbaproject.bin", "vbadata.xml", ".exe", ".dll", ".js", ".vbs"))
        or lowered.startswith(("basic/", "scripts/"))
        or ("/embeddings/" in lowered and lowered.endswith(".bin"))
    )


def _package_kind(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    try:
        if names and names[0] == "mimetype" and archive.getinfo("mimetype").file_size < 200:
            return ODF_TYPES.get(archive.read("mimetype").strip())
        if "[Content_Types].xml" not in names:
            return None
        if archive.getinfo("[Content_Types].xml").file_size > MB:
            return None
        if b"macroEnabled" in archive.read("[Content_Types].xml"):
            return None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        raise InvalidUpload(_("This document is damaged and cannot be read.")) from None
    return next((ext for part, ext in OOXML_PARTS.items() if part in names), None)


# Parts that name the author, the company, the editing time; left empty in anonymous files.
EMPTY_PARTS = {
    "docProps/core.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/"/>',
    "docProps/app.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>',
    "docProps/custom.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties"/>',
    "meta.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>',
}


# Who wrote a comment or a tracked change, and when, inside the document's own parts: Word's
# w:author/w:initials/w:date (and their w14/w15/w16 kin), the people of Excel's threaded
# comments and PowerPoint's comment authors, Excel's legacy comment <author>, and OpenDocument's
# dc:creator/dc:date/meta:creator-initials of annotations and changes.
_PREFIXED_NAMES = re.compile(rb'(\sw(?:1[4-6]\w*)?:(?:author|initials)=")[^"]*(")')
_PREFIXED_DATES = re.compile(rb'\sw(?:1[4-6]\w*)?:date(?:Utc)?="[^"]*"')
_PEOPLE_ATTRIBUTES = re.compile(
    rb'(\s(?:\w+:)?(?:displayName|userId|providerId|initials)=")[^"]*(")'
)
_AUTHOR_ELEMENTS = re.compile(rb'(<(?:\w+:)?(?:cmAuthor|author)\b[^>]*?\sname=")[^"]*(")')
_NAMING_ELEMENTS = re.compile(
    rb"(<(author|dc:creator|meta:creator-initials|meta:initial-creator|cp:lastModifiedBy)>)"
    rb"[^<]*(</\2>)"
)
_DATE_ELEMENTS = re.compile(rb"<dc:date>[^<]*</dc:date>")
# An SVG drawing's <metadata> (creator, rights, dates) and the file paths its editor wrote down,
# which often name the user's home folder.
_SVG_METADATA = re.compile(rb"<((?:\w+:)?metadata)\b[^>]*?(?:/>|>.*?</\1\s*>)", re.DOTALL)
_SVG_PATHS = re.compile(
    rb'\s(?:sodipodi:(?:docname|docbase|absref)|inkscape:export-filename)="[^"]*"'
)
_SVG_FILE_LINKS = re.compile(rb'\s(?:xlink:)?href="file:[^"]*"')


def _without_names(xml: bytes) -> bytes:
    """An XML part with the names, initials and times of whoever commented or changed it
    emptied (dates removed: they are optional where they appear)."""
    for pattern in (_PREFIXED_NAMES, _PEOPLE_ATTRIBUTES, _AUTHOR_ELEMENTS):
        xml = pattern.sub(rb"\1\2", xml)
    xml = _NAMING_ELEMENTS.sub(rb"\1\3", xml)
    return _DATE_ELEMENTS.sub(b"", _PREFIXED_DATES.sub(b"", xml))


# What a GIF or TIFF picture keeps when it is encoded again: how it is drawn and animated.
_DRAWING_INFO = {"transparency", "duration", "loop", "disposal", "background"}


def _frames_without_metadata(content: bytes) -> bytes | None:
    """A GIF or TIFF picture encoded again from its pixels alone, every frame or page kept: a
    TIFF's tags (artist, software, times, XMP, IPTC) and a GIF's comments are not. None when it
    is neither, or cannot be read."""
    from PIL import Image, ImageSequence

    try:
        image = Image.open(io.BytesIO(content), formats=["GIF", "TIFF"])
        width, height = image.size
        # Every frame is decoded: their pixels together stay under what one image may have.
        if width * height * getattr(image, "n_frames", 1) > MAX_PIXELS:
            return None
        frames = []
        for frame in ImageSequence.Iterator(image):
            # A copy is a plain image: none of the file's tags come with it.
            clean = frame.copy()
            clean.info = {k: v for k, v in frame.info.items() if k in _DRAWING_INFO}
            frames.append(clean)
        out = io.BytesIO()
        kind = str(image.format)
        options: dict[str, Any] = {"save_all": len(frames) > 1}
        if len(frames) > 1:
            options["append_images"] = frames[1:]
        if kind == "GIF":
            options.update({str(k): v for k, v in frames[0].info.items() if k != "background"})
        frames[0].save(out, kind, **options)
    except Exception as exc:  # Pillow raises many kinds of errors on what it cannot read
        logger.info("a document's picture could not be encoded again: %s", type(exc).__name__)
        return None
    return out.getvalue()


def _image_without_metadata(content: bytes) -> bytes:
    """A picture inside a document, encoded again without its metadata when it is a JPEG, PNG,
    WebP, GIF or TIFF (drawings in other formats, such as EMF, are kept as they are)."""
    try:
        ext, image = _image(content)
    except InvalidUpload:
        cleaned = _frames_without_metadata(content)
        if cleaned is not None:
            return cleaned
        if content.startswith((b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")):
            # A GIF or TIFF that cannot be cleaned is not kept with whatever its tags say.
            raise InvalidUpload(
                _(
                    "A picture inside this document cannot be read, so its metadata cannot be "
                    "removed. Save the picture again as PNG or JPEG, or remove it."
                )
            ) from None
        return content
    return _image_written(image, ext, 0, strip=True)


def _svg_without_metadata(svg: bytes) -> bytes:
    for pattern in (_SVG_METADATA, _SVG_PATHS, _SVG_FILE_LINKS):
        svg = pattern.sub(b"", svg)
    return svg


def _cleaned_part(name: str, content: bytes) -> bytes:
    if name in EMPTY_PARTS:
        return EMPTY_PARTS[name]
    if name.lower().endswith(".svg"):
        return _svg_without_metadata(content)
    if name.lower().endswith((".xml", ".rels")):
        return _without_names(content)
    if "/media/" in name or name.startswith(("Pictures/", "media/")):
        return _image_without_metadata(content)
    return content


def _package_written(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> bytes:
    """The archive again, every entry dated 1980-01-01: its property parts emptied, the names
    and times of comment and change authors removed from its XML, its pictures cleaned."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w") as written:
            for part in parts:
                entry = zipfile.ZipInfo(part.filename, date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = part.compress_type
                written.writestr(entry, _cleaned_part(part.filename, archive.read(part)))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        raise InvalidUpload(_("This document is damaged and cannot be read.")) from None
    return out.getvalue()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _checked_text(content: bytes, filename: str) -> str:
    """Plain text or CSV: UTF-8, UTF-16 with its byte order mark, or Windows-1252 (as Excel
    saves a CSV), with no control characters (which binary files are full of)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1252"]
    text = None
    for encoding in encodings:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise _not_accepted("file")
    if _CONTROL.search(text):
        raise _not_accepted("file")
    # Text and CSV read the same: the name only says which of the two to call it.
    return "csv" if filename.lower().endswith(".csv") else "txt"


def _recording(kind: str, content: bytes) -> str:
    head = content[:16]
    found = None
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        found = "m4a" if kind == "audio" else "mov" if brand == b"qt  " else "mp4"
        if kind == "video" and brand.startswith(b"3g"):
            found = "3gp"
    elif head.startswith(b"\x1a\x45\xdf\xa3"):
        found = "webm"
    elif head.startswith(b"OggS"):
        found = "ogg" if kind == "audio" else "ogv"
    elif kind == "audio":
        found = _sound(head)
    if found is None:
        raise _not_accepted(kind)
    return found


def _sound(head: bytes) -> str | None:
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"#!AMR"):
        return "amr"
    return None


def checked_content(
    question: Question, content: bytes, filename: str, *, strip: bool
) -> tuple[str, bytes]:
    """The file's extension by its content, and the bytes to keep (cleaned of metadata when
    `strip`, an image made smaller to the form's max-pixels); InvalidUpload says what is wrong."""
    kind = question.type
    if kind == "image":
        ext, kept = _checked_image(question, content, strip)
    elif kind == "file":
        ext, kept = _checked_file(content, filename, strip)
    else:
        ext, kept = _recording(kind, content), content
    formats = accepted_formats(kind, question.accept)
    if ext not in formats:
        raise InvalidUpload(
            _("This question takes %(formats)s files, and this one is %(found)s.")
            % {"formats": kinds_label(kind, formats), "found": ext.upper()}
        )
    return ext, kept


# Keeping a file ----------------------------------------------------------------------------------


def safe_name(name: str) -> str:
    """The name the file was sent under, without paths or characters that mean something to a
    browser or a shell; kept (outside anonymous consultations) to name its download."""
    base = re.split(r"[/\\]", str(name or ""))[-1]
    base = " ".join(unicodedata.normalize("NFC", base).split())
    base = re.sub(r"[^\w .()-]+", "-", base)
    return re.sub(r"-{2,}", "-", base).strip(" .-_")[:150]


def _limit_text(kind: str) -> str:
    return _("The limit is %(size)s MB for this question.") % {"size": MAX_BYTES[kind] // MB}


def _read(question: Question, upload: Any) -> bytes:
    limit = MAX_BYTES[question.type]
    if (upload.size or 0) > limit:
        raise InvalidUpload(
            _("This file is %(size).1f MB. ") % {"size": upload.size / MB}
            + _limit_text(question.type)
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise InvalidUpload(_limit_text(question.type))
    if not content:
        raise InvalidUpload(_("This file is empty."))
    return bytes(content)


def _dated_to_the_day(attachment: Attachment) -> None:
    """Anonymous consultations: the stored file (and its folder) say the day, not the moment."""
    try:
        path = attachment.file.path
    except NotImplementedError:  # a storage without files on a disk keeps its own times
        return
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    for target in (path, os.path.dirname(path)):
        try:
            os.utime(target, (day, day))
        except OSError:
            logger.info("could not date an attachment to the day")


def receive_upload(
    consultation: Consultation, *, actor: Any, question: Question, upload: Any
) -> Attachment:
    """Check an uploaded file by its content and keep it, for the response that will name it.

    Raises NotOpen, NotInAudience or InvalidUpload. No audit entry, as for the answer itself.
    """
    from .permissions import in_audience
    from .submission import check_window

    check_window(consultation)
    if not in_audience(actor, consultation):
        raise NotInAudience()
    if question.type not in FORMATS:
        raise InvalidUpload(_("This question does not take a file."))
    if consultation.is_anonymous and question.type in RECORDINGS:
        raise RecordingsNotAnonymous()
    content = _read(question, upload)
    anonymous = consultation.is_anonymous
    ext, kept = checked_content(question, content, upload.name or "", strip=anonymous)
    name = f"{uuid.uuid4().hex}.{ext}"
    attachment = Attachment(
        consultation=consultation,
        question=question.name,
        name=name,
        content_type=FORMATS[question.type][ext],
        size=len(kept),
        original_name="" if anonymous else safe_name(upload.name or ""),
        received_on=timezone.now().astimezone(UTC).date(),
    )
    attachment.file.save(name, ContentFile(kept), save=False)
    if anonymous:
        _dated_to_the_day(attachment)
    attachment.save()
    return attachment


class RecordingsNotAnonymous(InvalidUpload):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Anonymous consultations do not take audio or video: a voice or a face says who "
                "answered, and a recording's metadata cannot be removed here."
            )
        )


# Linking files to their response ------------------------------------------------------------------

Wanted = list[tuple[str, str, str]]  # (path of the answer, question name, stored name)


def files_named(form: FormDefinition, answers: dict[str, Any]) -> Wanted:
    """Every file the (checked) answers name, with where."""
    return list(_named(form.children, answers, ""))


def _named(questions: list[Question], answers: dict[str, Any], prefix: str) -> Iterator[Any]:
    for question in questions:
        if question.type == "group":
            yield from _named(question.children, answers, prefix)
        elif question.type == "repeat":
            entries = answers.get(question.name)
            for index, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
                if isinstance(entry, dict):
                    yield from _named(
                        question.children, entry, f"{prefix}{question.name}[{index}]."
                    )
        elif question.type in FORMATS and answers.get(question.name):
            yield f"{prefix}{question.name}", question.name, str(answers[question.name])


def _unclaimed(consultation: Consultation, wanted: Wanted) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        consultation=consultation, name__in=[name for _p, _q, name in wanted], response=None
    )


def missing_files(consultation: Consultation, wanted: Wanted) -> list[dict[str, str]]:
    """Errors for the files named that this consultation has not received for that question
    (or that another response took)."""
    if not wanted:
        return []
    found = dict(_unclaimed(consultation, wanted).values_list("name", "question"))
    seen: set[str] = set()
    errors = []
    for path, question, name in wanted:
        if found.get(name) != question or name in seen:
            errors.append(
                {"field": path, "message": _("This file was not received: send it again.")}
            )
        seen.add(name)
    return errors


def claim_files(response: Response, wanted: Wanted) -> None:
    """Inside the response's transaction: link its files to it, or refuse if one was taken."""
    if not wanted:
        return
    taken = _unclaimed(response.consultation, wanted).update(response=response)
    if taken != len(wanted):
        from .exceptions import InvalidResponse

        raise InvalidResponse(missing_files(response.consultation, wanted))


def discard_unclaimed_files(*, actor: Any = None, now: datetime | None = None) -> int:
    """Delete the files no response claimed once their consultation has closed (nothing can
    claim them after); returns how many. Run by a periodic task, with no one acting."""
    from django.db import transaction
    from django.db.models import Q

    from .choices import Status

    now = now or timezone.now()
    stale = Attachment.objects.filter(response=None).filter(
        Q(consultation__closes_at__lte=now)
        | Q(consultation__status__in=[Status.CLOSED, Status.PUBLISHED])
    )
    count = 0
    for attachment in stale.iterator():
        with transaction.atomic():
            attachment.delete()
            transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))
        count += 1
    if count:
        logger.info("discarded %s unclaimed attachments", count)
    return count
