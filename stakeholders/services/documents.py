"""Supporting documents: PDF only, checked by content (no active content), at most 10 MB each,
kept under a safe name."""

import hashlib
import io
import logging
import re
import unicodedata
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit

from ..exceptions import DocumentsClosed, InvalidDocument
from ..models import Application, ApplicationDocument
from ..pipeline import EDITABLE_STATES

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10


# What makes a PDF act rather than be read: scripts, actions run on opening or on events,
# programs launched, files carried inside, multimedia and XFA forms. Plain links (/URI) and
# opening at a page (/GoTo) are ordinary and pass.
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/RichMediaContent", "/XFA"}
)
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
        "/Movie",
        "/Sound",
    }
)
ACTIVE_TYPES = frozenset(
    {"/EmbeddedFile", "/RichMedia", "/FileAttachment", "/Screen", "/Movie", "/Sound", "/3D"}
)
MAX_OBJECTS = 200_000  # a 10 MB file holds far fewer; more is a file built to exhaust us


def _has_active_content(root: Any) -> bool:
    """Walk every object reachable from the document catalog (pages, names, forms, actions)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise InvalidDocument(_("This PDF is too complex to be checked."))
        if isinstance(node, DictionaryObject):
            if ACTIVE_KEYS & set(node.keys()) or _is_active(node):
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _is_active(node: Any) -> bool:
    def name(key: str) -> Any:
        value = node.get(key)
        return value.get_object() if hasattr(value, "get_object") else value

    if name("/S") in ACTIVE_ACTIONS or name("/Type") in ACTIVE_TYPES:
        return True
    if name("/Subtype") in ACTIVE_TYPES:
        return True
    opening = name("/OpenAction")
    # An opening action other than going to a page (arrays are plain destinations).
    return hasattr(opening, "keys") and opening.get("/S") != "/GoTo"


def check_pdf(content: bytes) -> None:
    """Refuse what is not a readable PDF with pages, or carries active content (scripts,
    automatic actions, embedded files, multimedia): InvalidDocument says which. Other apps that
    take PDFs check them here."""
    from pypdf import PdfReader

    if not content.startswith(b"%PDF-"):
        raise InvalidDocument(_("Only PDF files are accepted, and this file is not a PDF."))
    try:
        reader = PdfReader(io.BytesIO(content))
        pages = len(reader.pages)
        active = _has_active_content(reader.trailer["/Root"])
    except InvalidDocument:
        raise
    except Exception as exc:
        # pypdf raises errors of many kinds on malformed input; all of them mean "damaged".
        logger.info("refused a damaged PDF: %s", type(exc).__name__)
        raise InvalidDocument(_("This PDF is damaged and cannot be read.")) from None
    if pages == 0:
        raise InvalidDocument(_("This PDF has no pages."))
    if active:
        raise InvalidDocument(
            _(
                "This PDF contains active content (scripts, automatic actions, embedded files "
                "or multimedia), which is not accepted. Save or print it again as a plain PDF."
            )
        )


def safe_filename(name: str) -> str:
    """The uploaded name's stem, stripped of paths and of characters that mean something to a
    browser or a shell, always ending in .pdf (the name a download is given)."""
    base = re.split(r"[/\\]", str(name))[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = " ".join(unicodedata.normalize("NFC", stem).split())
    stem = re.sub(r"[^\w .()-]+", "-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(" .-_")[:150].strip(" .-_")
    return f"{stem or 'document'}.pdf"


def _check_open(application: Application, *, adding: bool) -> None:
    if application.state not in EDITABLE_STATES:
        raise DocumentsClosed(
            _("Documents can be added only before submitting.")
            if adding
            else _("Documents can be removed only before submitting.")
        )


def add_document(application: Application, *, actor: Any, upload: Any) -> ApplicationDocument:
    """Attach a supporting document to a draft or returned application."""
    _check_open(application, adding=True)  # before reading the file (and again once locked)
    if upload.size > MAX_BYTES:
        raise InvalidDocument(
            _("“%(name)s” is %(size).1f MB; the limit is 10 MB per file.")
            % {"name": safe_filename(upload.name), "size": upload.size / 1024 / 1024}
        )
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise InvalidDocument(_("The limit is 10 MB per file."))
    check_pdf(content)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _check_open(application, adding=True)
        if application.documents.count() >= MAX_DOCUMENTS:
            raise InvalidDocument(
                _("At most %(max)s documents can be attached.") % {"max": MAX_DOCUMENTS}
            )
        document = ApplicationDocument(
            application=application,
            original_name=safe_filename(upload.name),
            size=len(content),
            digest=hashlib.sha256(content).hexdigest(),
        )
        document.file.save("document.pdf", ContentFile(content), save=False)
        document.save()
        audit.record(
            "stakeholders.document.added",
            actor=actor,
            obj=application,
            process=application.process,
            data={"document_id": document.pk, "size": len(content)},
        )
    return document


def remove_document(document: ApplicationDocument, *, actor: Any) -> None:
    """Remove a document from a draft or returned application."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=document.application_id)
        _check_open(application, adding=False)
        storage, name = document.file.storage, document.file.name
        document.delete()
        audit.record(
            "stakeholders.document.removed",
            actor=actor,
            obj=application,
            process=application.process,
            data={"document_id": document.pk},
        )
        transaction.on_commit(lambda: storage.delete(name))
