"""Permissions of deliberations and analyses.

Who may see or run a deliberation is decided in one place, `querysets.condition`; the rules
below test that condition on one deliberation. Who may take part follows the audience rules of
consultations: public, organisations accredited to the process, or an invited list.
"""

from typing import Any

from core.models import Process
from core.permissions import register
from stakeholders.selectors import accredited_organisations_of

from .choices import Audience, Status
from .models import Deliberation
from .querysets import allows


def _manage(user: Any, obj: Any) -> bool:
    """obj is a process (to open a deliberation in it) or a deliberation."""
    if isinstance(obj, Process):
        obj = Deliberation(process=obj)
    return allows(user, "manage", obj)


def _view(user: Any, deliberation: Any) -> bool:
    return allows(user, "view", deliberation)


def in_audience(user: Any, deliberation: Any) -> bool:
    """Whether the user is among those the deliberation asks (whatever its status)."""
    if deliberation.audience == Audience.PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if deliberation.audience == Audience.ACCREDITED:
        return accredited_organisations_of(user, deliberation.process).exists()
    return deliberation.invitees.filter(email__iexact=user.email).exists()


def _participate(user: Any, deliberation: Any) -> bool:
    return (
        _view(user, deliberation)
        and deliberation.status == Status.OPEN
        and in_audience(user, deliberation)
    )


MANAGE = register(
    "analysis.manage_deliberation",
    _manage,
    "Open and run a process's deliberations, moderate their statements, export their votes.",
)
VIEW = register(
    "analysis.view_deliberation",
    _view,
    "See a deliberation, its statements and its opinion map (not a draft unless staff).",
)
PARTICIPATE = register(
    "analysis.participate",
    _participate,
    "Vote and write statements in an open deliberation one is asked.",
)
