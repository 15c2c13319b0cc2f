"""Exports of responses as they are made: at once, or built by a background job.

Kept apart from services.py so that the tasks can run them without importing the services,
which queue those tasks (no import circle between services and tasks).
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from core import audit

from .exports import Layout, write_export
from .models import Consultation, ExportJob, Response
from .selectors import current_version, definition_of, responses_of
from .xlsform import FormDefinition

BATCH = 1000


def export_now(
    consultation: Consultation,
    *,
    actor: Any,
    form: FormDefinition,
    fmt: str,
    labels: bool,
    language: str,
    via: str,
) -> bytes:
    """Write every response as one file, here and now (`via`: the page or the API)."""
    layout = Layout(consultation, form, labels=labels, language=language)
    body = write_export(fmt, layout, responses_of(consultation).iterator(2000))
    audit.record(
        "consultations.export.downloaded",
        actor=actor,
        obj=consultation,
        process=consultation.process,
        data={"format": fmt, "via": via},
    )
    return body


def build_export(job: ExportJob) -> ExportJob:
    """Write the export's file, telling the job how far it got.

    No audit entry here: the request for it was audited (consultations.export.requested), and
    this runs with no one acting."""
    consultation = job.consultation
    version = current_version(consultation)
    if version is None:
        job.state, job.error = "failed", "no form"
        job.save(update_fields=["state", "error"])
        return job
    layout = Layout(
        consultation,
        definition_of(version),
        labels=bool(job.options.get("labels")),
        language=str(job.options.get("language", "")),
    )
    ExportJob.objects.filter(pk=job.pk).update(state="running")

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done)

    responses = _in_batches(responses_of(consultation))
    job.content = write_export(job.format, layout, responses, progress)
    job.state, job.done = "ready", job.total
    job.save(update_fields=["content", "state", "done"])
    return job


def _in_batches(responses: QuerySet[Response]) -> Iterator[Response]:
    """The responses, read a batch at a time with nothing left open between batches.

    Not `iterator()`: on SQLite its open read pins a snapshot, and the progress written while it
    is open fails at once ("database is locked") once another process has written since, as the
    counting task does every minute."""
    last = 0
    while batch := list(responses.filter(pk__gt=last)[:BATCH]):
        yield from batch
        last = batch[-1].pk
