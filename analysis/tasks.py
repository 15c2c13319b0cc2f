"""Background tasks of analysis: thin, they take ids and run a service."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="analysis.tasks.compute_opinion_map", autoretry_for=(OSError,), max_retries=3)
def compute_opinion_map(deliberation_id: int) -> None:
    """Compute a deliberation's opinion groups from its current votes."""
    from .models import Deliberation
    from .services import compute_opinion_map as compute

    deliberation = Deliberation.objects.select_related("process").filter(pk=deliberation_id).first()
    if deliberation is None:
        return
    compute(deliberation)


@shared_task(name="analysis.tasks.compute_theme_run", autoretry_for=(OSError,), max_retries=3)
def compute_theme_run(run_id: int) -> None:
    """Find the themes of a queued run."""
    from .models import ThemeRun
    from .services import compute_theme_run as compute

    run = (
        ThemeRun.objects.select_related("consultation", "revision", "deliberation")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        return
    compute(run)
