"""Background tasks of the core. Thin: they call the core's functions and log the outcome."""

import logging

from celery import shared_task

from .audit import current_anchor, find_first_broken

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.verify_audit_chain", autoretry_for=(OSError,), max_retries=3)
def verify_audit_chain() -> dict[str, object]:
    """Check the audit chain and its sealed head on a schedule; log loudly if tampered with."""
    checked, broken = find_first_broken()
    if broken:
        logger.error("audit chain broken at entry %s: %s", broken.seq, broken.reason)
        return {"checked": checked, "broken_seq": broken.seq}
    anchor = str(current_anchor())
    # The anchor is for publishing outside the database (verify_audit --expect checks it).
    logger.info("audit chain intact (%s entries), anchor %s", checked, anchor)
    return {"checked": checked, "broken_seq": None, "anchor": anchor}


@shared_task(name="core.tasks.apply_retention", autoretry_for=(OSError,), max_retries=3)
def apply_retention() -> dict[str, dict[str, int]]:
    """Apply every closed process's retention periods (daily, from the beat schedule)."""
    from .services import apply_retention as apply

    applied = apply()
    logger.info("retention applied in %s processes", len(applied))
    return applied


def enqueue_on_commit(task: object, *args: object) -> None:
    """Queue a task once the current transaction commits (inline when no broker is set).

    What was committed stays committed: a broker that is down, or an inline task that fails
    (an unreachable mail server), is logged rather than turned into an error for the user.
    """
    from django.db import transaction

    name = getattr(task, "name", repr(task))

    def send() -> None:
        try:
            task.delay(*args)  # type: ignore[attr-defined]
        except Exception:
            logger.exception("task %s could not be queued or failed inline", name)

    transaction.on_commit(send)
