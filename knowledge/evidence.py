"""Evidence documents: PDF only, checked by content, with no active content.

What counts as active (scripts, automatic actions, launches, embedded files, multimedia, XFA
forms) is the registry's policy: the check is its own (stakeholders.services.documents
.check_pdf), so the two cannot disagree.
"""

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from stakeholders.exceptions import InvalidDocument as RegistryRefusal
from stakeholders.services import documents as registry

from .exceptions import InvalidDocument

logger = logging.getLogger(__name__)

MAX_BYTES = registry.MAX_BYTES
MAX_DOCUMENTS = 5


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    name: str
    digest: str


def read_pdf(upload: Any) -> CheckedPdf:
    """Read an upload and check it; InvalidDocument says what is wrong. Nothing is stored."""
    size = getattr(upload, "size", None) or 0
    name = registry.safe_filename(getattr(upload, "name", "") or "document.pdf")
    if size > MAX_BYTES:
        raise InvalidDocument(
            _("“%(name)s” is %(size).1f MB; the limit is 10 MB per file.")
            % {"name": name, "size": size / 1024 / 1024}
        )
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise InvalidDocument(_("The limit is 10 MB per file."))
    check_pdf(content)
    return CheckedPdf(content, name, hashlib.sha256(content).hexdigest())


def check_pdf(content: bytes) -> None:
    """Refuse what is not a readable PDF with pages, or carries active content: the registry's
    one check, its refusal said as the knowledge base's."""
    try:
        registry.check_pdf(content)
    except RegistryRefusal as exc:
        raise InvalidDocument(str(exc)) from None
