"""Permissions of consultations: who runs them, who may answer, who reads what."""

from typing import Any

from accounts.selectors import is_process_staff
from core.permissions import VIEW_PROCESS, has_perm, register
from stakeholders.selectors import accredited_organisations_of

from .choices import Audience, Status


def _manage(user: Any, obj: Any) -> bool:
    """obj is a process (to create) or a consultation."""
    process = getattr(obj, "process", obj)
    return process is not None and is_process_staff(user, process)


def _view(user: Any, consultation: Any) -> bool:
    if consultation is None:
        return False
    if _manage(user, consultation):
        return True
    return consultation.status != Status.DRAFT and has_perm(
        user, VIEW_PROCESS, consultation.process
    )


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
        consultation is not None
        and consultation.status != Status.DRAFT
        and has_perm(user, VIEW_PROCESS, consultation.process)
        and in_audience(user, consultation)
    )


def _view_results(user: Any, consultation: Any) -> bool:
    if consultation is None:
        return False
    return _manage(user, consultation) or (
        consultation.status == Status.PUBLISHED and _view(user, consultation)
    )


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
