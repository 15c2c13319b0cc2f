"""Permissions of the registry and of accreditation.

Who may see or act on an organisation, an application or an objection is decided once, in
querysets.py: each rule below tests that condition on the one object, and the lists filter by
it, so the two cannot drift apart.
"""

from dataclasses import dataclass
from typing import Any

from accounts.selectors import is_platform_secretariat, is_process_staff, member_state_of
from core.conditions import matches
from core.permissions import VIEW_PROCESS, has_perm, register
from core.roles import staff_process_ids

from .querysets import (
    application_condition,
    objection_condition,
    organisation_condition,
)


def _authenticated(user: Any, obj: Any = None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _on_organisation(action: str) -> Any:
    def rule(user: Any, organisation: Any) -> bool:
        return organisation is not None and matches(
            organisation_condition(user, action), organisation
        )

    return rule


def _on_application(action: str) -> Any:
    def rule(user: Any, application: Any) -> bool:
        return application is not None and matches(application_condition(user, action), application)

    return rule


def _withdraw_objection(user: Any, objection: Any) -> bool:
    return objection is not None and matches(objection_condition(user, "withdraw"), objection)


def _manage_process_accreditation(user: Any, process: Any) -> bool:
    return process is not None and is_process_staff(user, process)


def _view_applications(user: Any, process: Any) -> bool:
    """A process's secretariat, and Member State delegates, read its applications page. Without
    a process: whether there is any process whose page the user may read (an endpoint's gate)."""
    if member_state_of(user):
        return True
    if process is None:
        runs = staff_process_ids(user) if _authenticated(user) else set()
        return runs is None or bool(runs)
    return _manage_process_accreditation(user, process)


def _start_application(user: Any, process: Any) -> bool:
    """Signed in, in a process one may see (which of one's organisations applies is APPLY)."""
    return _authenticated(user) and (process is None or has_perm(user, VIEW_PROCESS, process))


@dataclass(frozen=True)
class CarryOver:
    """What a carry-over asks for: every organisation of the predecessor (the secretariat's to
    ask), or one organisation (its administrators')."""

    process: Any
    organisation: Any = None


def _carry_over(user: Any, request: CarryOver | None) -> bool:
    if request is None:
        return False
    if request.organisation is not None:
        return has_perm(user, MANAGE_ORGANISATION, request.organisation)
    return _manage_process_accreditation(user, request.process)


def _platform_secretariat(user: Any, obj: Any = None) -> bool:
    return is_platform_secretariat(user)


def _lift_protection(user: Any, person: Any) -> bool:
    """The person themselves, or the platform's secretariat."""
    if person is None:
        return False
    return getattr(user, "pk", None) == person.pk or is_platform_secretariat(user)


CREATE_ORGANISATION = register(
    "stakeholders.create_organisation",
    _authenticated,
    "Register an organisation (and become its administrator).",
)
MANAGE_ORGANISATION = register(
    "stakeholders.manage_organisation",
    _on_organisation("manage"),
    "Edit an organisation's profile and manage its people.",
)
JOIN_ORGANISATION = register(
    "stakeholders.join_organisation",
    _authenticated,
    "Accept an invitation to an organisation (sent to one's own address: the service checks).",
)
LIFT_PROTECTION = register(
    "stakeholders.lift_protection",
    _lift_protection,
    "Lift a person's at-risk protection (the person, or the platform's secretariat).",
)
VERIFY_ECOSOC = register(
    "stakeholders.verify_ecosoc",
    _platform_secretariat,
    "Record that an organisation's ECOSOC status was verified.",
)
MANAGE_VOCABULARY = register(
    "stakeholders.manage_vocabulary", _platform_secretariat, "Manage the thematic areas."
)
APPLY = register(
    "stakeholders.apply",
    _on_organisation("apply"),
    "Apply, edit, submit and withdraw for one's own organisation.",
)
START_APPLICATION = register(
    "stakeholders.start_application",
    _start_application,
    "Open the form to apply in a process (for one of one's organisations).",
)
EDIT_APPLICATION = register(
    "stakeholders.edit_application",
    _on_application("edit"),
    "Edit the statement and documents of one's organisation's application.",
)
REVIEW_APPLICATION = register(
    "stakeholders.review_application",
    _on_application("review"),
    "Return, review, circulate and decide applications in one's process.",
)
VIEW_APPLICATION = register(
    "stakeholders.view_application",
    _on_application("view"),
    "Read an application (applicant, process secretariat, delegates).",
)
VIEW_APPLICATIONS = register(
    "stakeholders.view_applications",
    _view_applications,
    "Read a process's applications page (its secretariat, Member State delegates).",
)
OBJECT = register(
    "stakeholders.object",
    _on_application("object"),
    "Lodge objections on behalf of one's Member State.",
)
WITHDRAW_OBJECTION = register(
    "stakeholders.withdraw_objection",
    _withdraw_objection,
    "Withdraw one's own Member State's objection.",
)
MANAGE_ACCREDITATION = register(
    "stakeholders.manage_accreditation",
    _manage_process_accreditation,
    "Change a process's accreditation settings and carry over.",
)
CARRY_OVER = register(
    "stakeholders.carry_over",
    _carry_over,
    "Carry accreditations over from the predecessor: all (secretariat) or one's own (admins).",
)
