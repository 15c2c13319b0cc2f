"""Permissions of consultations: who runs them, who may answer, who reads what.

Who may see, run or read the results of a consultation is decided in one place,
`querysets.condition`: the rules below test that condition on one consultation, and the lists
filter by it, so the two cannot drift apart.
"""

from typing import Any

from core.models import Process
from core.permissions import register
from stakeholders.selectors import accredited_organisations_of

from .choices import Audience, Status
from .models import Consultation
from .querysets import allows


def _manage(user: Any, obj: Any) -> bool:
    """obj is a process (to create a consultation in it) or a consultation."""
    if isinstance(obj, Process):
        obj = Consultation(process=obj)
    return allows(user, "manage", obj)


def _view(user: Any, consultation: Any) -> bool:
    return allows(user, "view", consultation)


def in_audience(user: Any, consultation: Any) -> bool:
    """Whether the user is among those the consultation asks (whatever its status)."""
    if consultation.audience == Audience.PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if consultation.audience == Audience.ACCREDITED:
        return accredited_organisations_of(user, consultation.process).exists()
    return consultation.invitees.filter(email__iexact=user.email).exists()


def _answer(user: Any, consultation: Any) -> bool:
    return (
        _view(user, consultation)
        and consultation.status != Status.DRAFT
        and in_audience(user, consultation)
    )


def _view_results(user: Any, consultation: Any) -> bool:
    return allows(user, "view_results", consultation)


MANAGE = register(
    "consultations.manage",
    _manage,
    "Create and run a process's consultations; read their responses and export them.",
)
VIEW = register("consultations.view", _view, "See a consultation (not a draft unless staff).")
ANSWER = register("consultations.answer", _answer, "Answer a consultation one is asked.")
VIEW_RESULTS = register(
    "consultations.view_results",
    _view_results,
    "Read a consultation's results (staff; everyone it is shown to once published).",
)
