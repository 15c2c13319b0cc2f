"""Reads of consultations, scoped to what the viewer may see."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.selectors import is_process_staff
from core.models import Process
from core.permissions import has_perm

from .choices import Status
from .models import Consultation, Draft, ExportJob, Response
from .permissions import VIEW


def consultations_in(process: Process, viewer: Any) -> QuerySet[Consultation]:
    """The process's consultations the viewer may see: drafts only for its secretariat."""
    qs = process.consultations.all()
    if not is_process_staff(viewer, process):
        qs = qs.exclude(status=Status.DRAFT)
    return qs.order_by("-opens_at", "title")


def consultation_for(viewer: Any, slug: str) -> Consultation:
    """The consultation if the viewer may see it; otherwise it does not exist (404)."""
    consultation = Consultation.objects.select_related("process").filter(slug=slug).first()
    if consultation is None or not has_perm(viewer, VIEW, consultation):
        raise Http404
    return consultation


def draft_of(consultation: Consultation, viewer: Any) -> Draft | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return Draft.objects.filter(consultation=consultation, respondent=viewer).first()


def responses_of(consultation: Consultation) -> QuerySet[Response]:
    return consultation.responses.select_related("respondent", "organisation").order_by("id")


def response_by_reference(consultation: Consultation, reference: str) -> Response | None:
    return consultation.responses.filter(reference=reference.strip().upper()).first()


def export_job_for(consultation: Consultation, viewer: Any, pk: int) -> ExportJob:
    job = consultation.export_jobs.filter(pk=pk, requested_by=viewer).first()
    if job is None:
        raise Http404
    return job


def text_answers(consultation: Consultation, path: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """The latest answers to a text question (staff only), with who gave them when attributed."""
    repeat, _sep, name = path.rpartition("/")
    found: list[dict[str, Any]] = []
    for response in responses_of(consultation).order_by("-id")[: limit * 4]:
        entries = response.answers.get(repeat, []) if repeat else [response.answers]
        for entry in entries if isinstance(entries, list) else []:
            value = entry.get(name) if isinstance(entry, dict) else None
            if value not in (None, ""):
                found.append({"text": str(value), "response": response})
        if len(found) >= limit:
            break
    return found[:limit]
