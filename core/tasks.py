"""Background tasks of the core. Thin: they call the core's functions and log the outcome."""

import logging

from celery import shared_task

from .audit import find_first_broken

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.verify_audit_chain", autoretry_for=(OSError,), max_retries=3)
def verify_audit_chain() -> dict[str, object]:
    """Check the audit chain on a schedule and log loudly if it was tampered with."""
    checked, broken = find_first_broken()
    if broken:
        logger.error("audit chain broken at entry %s: %s", broken.seq, broken.reason)
        return {"checked": checked, "broken_seq": broken.seq}
    logger.info("audit chain intact (%s entries)", checked)
    return {"checked": checked, "broken_seq": None}


def enqueue_on_commit(task: object, *args: object) -> None:
    """Queue a task once the current transaction commits (inline when no broker is set)."""
    from django.db import transaction

    transaction.on_commit(lambda: task.delay(*args))  # type: ignore[attr-defined]
