"""Background tasks of negotiating texts: thin, they take ids and run a service."""

import logging

from celery import shared_task

from .services.anchoring import carry_forward
from .services.influence import track_influence

logger = logging.getLogger(__name__)


@shared_task(name="drafts.tasks.follow_new_revision", autoretry_for=(OSError,), max_retries=3)
def follow_new_revision(revision_id: int) -> dict[str, int]:
    """After an import: carry amendments' anchors to the new revision, and judge which of the
    proposals on the revision before it reflects."""
    return {
        "anchors": carry_forward(revision_id),
        "influence": track_influence(revision_id),
    }
