"""Supporting documents: PDF only, checked by content, at most 10 MB each."""

import hashlib
import io
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit

from ..choices import ApplicationState as S
from ..exceptions import InvalidDocument
from ..models import Application, ApplicationDocument

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader

    if not content.startswith(b"%PDF-"):
        raise InvalidDocument(_("Only PDF files are accepted, and this file is not a PDF."))
    try:
        pages = len(PdfReader(io.BytesIO(content)).pages)
    except Exception as exc:
        # pypdf raises errors of many kinds on malformed input; all of them mean "damaged".
        logger.info("refused a damaged PDF: %s", type(exc).__name__)
        raise InvalidDocument(_("This PDF is damaged and cannot be read.")) from None
    if pages == 0:
        raise InvalidDocument(_("This PDF has no pages."))


def add_document(application: Application, *, actor: Any, upload: Any) -> ApplicationDocument:
    """Attach a supporting document to a draft or returned application."""
    if upload.size > MAX_BYTES:
        raise InvalidDocument(
            _("“%(name)s” is %(size).1f MB; the limit is 10 MB per file.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024}
        )
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise InvalidDocument(_("The limit is 10 MB per file."))
    _check_pdf(content)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.state not in (S.DRAFT, S.RETURNED):
            raise InvalidDocument(_("Documents can be added only before submitting."))
        if application.documents.count() >= MAX_DOCUMENTS:
            raise InvalidDocument(
                _("At most %(max)s documents can be attached.") % {"max": MAX_DOCUMENTS}
            )
        document = ApplicationDocument(
            application=application,
            original_name=str(upload.name)[:200],
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
        if application.state not in (S.DRAFT, S.RETURNED):
            raise InvalidDocument(_("Documents can be removed only before submitting."))
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
