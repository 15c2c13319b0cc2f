"""Evidence documents: PDF only, checked by content, with no active content.

What counts as active (scripts, automatic actions, launches, embedded files, multimedia, XFA
forms) is the registry's policy, read from its services (stakeholders.services.documents), so
the two checks cannot disagree on it. The registry keeps its walk over the PDF private, so the
walk is written here again, against the same lists.
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

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
    """Refuse what is not a readable PDF with pages, or carries active content."""
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


def _has_active_content(root: Any) -> bool:
    """Walk every object reachable from the document catalog."""
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
        if visited > registry.MAX_OBJECTS:
            raise InvalidDocument(_("This PDF is too complex to be checked."))
        if isinstance(node, DictionaryObject):
            if registry.ACTIVE_KEYS & set(node.keys()) or _is_active(node):
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _is_active(node: Any) -> bool:
    def value(key: str) -> Any:
        found = node.get(key)
        return found.get_object() if hasattr(found, "get_object") else found

    if value("/S") in registry.ACTIVE_ACTIONS:
        return True
    if value("/Type") in registry.ACTIVE_TYPES or value("/Subtype") in registry.ACTIVE_TYPES:
        return True
    opening = value("/OpenAction")
    return hasattr(opening, "keys") and opening.get("/S") != "/GoTo"
