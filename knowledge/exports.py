"""The open-data export: every published record, as CSV or JSON, under the base's licence.

The same file for every reader: organisations are named as the public reads them (those shown
only by region stay so), and no person is named. CSV cells are neutralised against formulas
(core.exports); JSON keeps values as they are, with lists as lists.
"""

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone

from core.exports import export_response
from stakeholders.protection import display_name

from .choices import BASE_LICENCE, LICENCE_URLS, Licence
from .models import EvidenceDocument, Record, RecordActor

COLUMNS = (
    "id",
    "url",
    "type",
    "title",
    "summary",
    "sector",
    "mechanism",
    "countries",
    "regions",
    "started_in",
    "ended_in",
    "outcomes",
    "actors",
    "thematic_areas",
    "articles",
    "links",
    "documents",
    "licence",
    "licence_url",
    "language",
    "process",
    "version",
    "published_at",
    "updated_at",
)


def published_records() -> Any:
    return (
        Record.objects.published()
        .select_related("process")
        .prefetch_related(
            Prefetch("actors", queryset=RecordActor.objects.select_related("organisation")),
            "thematic_areas",
            Prefetch("articles", queryset=_articles()),
            Prefetch(
                "documents",
                queryset=EvidenceDocument.objects.filter(shown=True),
                to_attr="shown_documents",
            ),
        )
        .order_by("published_at", "pk")
    )


def _articles() -> Any:
    from drafts.models import Element

    return Element.objects.select_related("revision__text")


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def record_item(record: Record) -> dict[str, Any]:
    """One record as the export gives it."""
    public = AnonymousUser()
    site = _site()
    return {
        "id": record.public_id,
        "url": f"{site}/knowledge/{record.public_id}/",
        "type": record.record_type,
        "title": record.title,
        "summary": record.summary,
        "sector": record.sector,
        "mechanism": record.mechanism,
        "countries": [str(c) for c in record.countries],
        "regions": list(record.regions),
        "started_in": record.started_in,
        "ended_in": record.ended_in,
        "outcomes": record.outcomes,
        "actors": [
            {
                "organisation_id": a.organisation.public_id,
                "name": display_name(a.organisation, public),
                "kind": a.organisation.kind,
                "role": a.role,
            }
            for a in record.actors.all()
        ],
        "thematic_areas": [a.slug for a in record.thematic_areas.all()],
        "articles": [
            f"{e.revision.text.slug}/revisions/{e.revision.number}#{e.eid}"
            for e in record.articles.all()
            if e.revision.text.status == "published"
        ],
        "links": list(record.links),
        "documents": [
            f"{site}/knowledge/{record.public_id}/documents/{d.public_id}/"
            for d in getattr(record, "shown_documents", [])
        ],
        "licence": record.licence,
        "licence_url": LICENCE_URLS.get(Licence(record.licence), ""),
        "language": record.language,
        "process": record.process.slug if record.process else "",
        "version": record.version,
        "published_at": record.published_at.isoformat() if record.published_at else "",
        "updated_at": record.updated_at.isoformat(),
    }


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(
            f"{v['name']} ({v['role']})"
            if isinstance(v, dict) and "role" in v
            else (v["url"] if isinstance(v, dict) else str(v))
            for v in value
        )
    return "" if value is None else value


def open_data_response(fmt: str) -> HttpResponse:
    """The whole base as an attachment in `fmt` (csv or json), its licence linked."""
    items = [record_item(r) for r in published_records()]
    licence = {"id": str(BASE_LICENCE), "url": LICENCE_URLS[BASE_LICENCE]}
    if fmt == "json":
        body = {
            "title": "Consulta knowledge base of practice",
            "licence": licence,
            "note": "Each record also states its own licence.",
            "generated_at": timezone.now().isoformat(),
            "count": len(items),
            "records": items,
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="knowledge-base.json"'
    else:
        rows = [[_cell(item[c]) for c in COLUMNS] for item in items]
        response = export_response("csv", filename="knowledge-base", header=COLUMNS, rows=rows)
    response["Link"] = f'<{licence["url"]}>; rel="license"'
    return response
