"""Background tasks of the registry."""

import logging

from celery import shared_task

from .services import close_objection_periods as close_periods

logger = logging.getLogger(__name__)


@shared_task(
    name="stakeholders.tasks.close_objection_periods", autoretry_for=(OSError,), max_retries=3
)
def close_objection_periods() -> list[int]:
    """Accredit applications whose non-objection period ended with no standing objection."""
    accredited = close_periods(actor=None)
    if accredited:
        logger.info("objection periods closed: %s applications accredited", len(accredited))
    return accredited
