"""Background tasks of consultations.

They import what they run from exporting, counting and attachments, never from services:
services queue these tasks, and importing each other would be a circle."""

import logging

from celery import shared_task

from .attachments import discard_unclaimed_files as discard
from .counting import count_all_responses as count_all
from .exporting import build_export as build
from .models import ExportJob

logger = logging.getLogger(__name__)


@shared_task(name="consultations.tasks.build_export", autoretry_for=(OSError,), max_retries=3)
def build_export(job_id: int) -> None:
    """Build a requested export's file."""
    job = ExportJob.objects.select_related("consultation").filter(pk=job_id).first()
    if job is None:
        return
    try:
        build(job)
    except Exception:
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(state="failed", error="export failed")


@shared_task(name="consultations.tasks.count_responses", autoretry_for=(OSError,), max_retries=3)
def count_responses() -> int:
    """Fold new responses into the tallies, so that results pages find little left to count."""
    return count_all()


@shared_task(name="consultations.tasks.discard_unclaimed_files", autoretry_for=(OSError,))
def discard_unclaimed_files() -> int:
    """Delete files given for responses never sent, once their consultation has closed."""
    return discard()
