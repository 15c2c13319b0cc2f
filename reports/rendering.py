"""A report as a standalone HTML page and as a PDF printed from it (WeasyPrint, as drafts does)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi

from .models import Report
from .selectors import sources_of


def to_html(report: Report) -> str:
    """The standalone page the PDF is printed from, in the current language's direction."""
    context: dict[str, Any] = {
        "report": report,
        "blocks": list(report.blocks.all()),
        "sources": sources_of(report),
        "language": get_language() or "en",
        "rtl": get_language_bidi(),
    }
    return render_to_string("reports/pdf.html", context)


def to_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=to_html(report)).write_pdf())
