"""Background tasks of consultations."""

import logging

from celery import shared_task

from .models import ExportJob
from .services import build_export as build
from .services import count_all_responses as count_all

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
