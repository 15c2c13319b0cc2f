"""The demo's published report: a summary, a consultation's figures and one exact quote."""

from contextlib import suppress
from typing import Any

from consultations.models import Response
from core.models import Process

from .blocks import kind_of
from .exceptions import BlockRefused
from .models import Report
from .services import add_block, create_report, publish_report

# The kinds other apps compute, each on the first of its choices the demo has.
COMPUTED = ("themes", "opinion_groups", "campaigns", "event_representation", "compilation")

TITLE = "What stakeholders told us about public-private partnerships"
SUMMARY = (
    "This report gathers what stakeholders said in the online consultation. Every figure and "
    "quote below was checked against the data when the report was published."
)


def _quotable(process: Process) -> tuple[Response, str, str] | None:
    for response in Response.objects.filter(consultation__process=process).order_by("id")[:500]:
        for field, value in (response.answers or {}).items():
            if isinstance(value, str) and len(value.split()) >= 5:
                return response, field, value
    return None


def load(*, actor: Any, **_kwargs: Any) -> list[str]:
    process = (
        Process.objects.filter(slug="cosp-cybercrime").first()
        or Process.objects.filter(consultations__responses__isnull=False).order_by("id").first()
    )
    if process is None or Report.objects.filter(process=process, title=TITLE).exists():
        return []
    found = _quotable(process)
    if found is None:
        return []
    response, field, text = found
    report = create_report(process, actor=actor, title=TITLE)
    add_block(report, actor=actor, kind="text", params={"markdown": SUMMARY})
    consultation = {"consultation_id": response.consultation_id}
    add_block(report, actor=actor, kind="consultation_responses", params=consultation)
    quote = consultation | {"response_id": response.pk, "field": field, "start": 0}
    add_block(report, actor=actor, kind="consultation_quote", params=quote | {"end": len(text)})
    for kind in COMPUTED:
        _add_first(report, actor, kind)
    publish_report(report, actor=actor)
    return [f"Published report: /reports/{report.pk}/ (PDF: /reports/{report.pk}/pdf/)"]


def _add_first(report: Report, actor: Any, kind: str) -> None:
    params = kind_of(kind).params(actor, report.process)
    if not params or not params[0].choices:
        return
    # Nothing of that kind ready in the demo (a theme run still queued): the report goes without.
    with suppress(BlockRefused):
        add_block(report, actor=actor, kind=kind, params=params[0].choices[0][2])
