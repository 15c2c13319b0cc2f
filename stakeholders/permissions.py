"""Permissions of the registry and of accreditation."""

from typing import Any

from accounts.choices import Role
from accounts.selectors import has_role, is_platform_secretariat, is_process_staff, member_state_of
from core.permissions import VIEW_PROCESS, has_perm, register

from .choices import ApplicationState as S
from .protection import administers


def _authenticated(user: Any, obj: Any = None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _member_of(user: Any, organisation: Any) -> bool:
    if not _authenticated(user) or organisation is None:
        return False
    cache = getattr(user, "_consulta_member_of", None)
    if cache is None:
        cache = set(user.memberships.values_list("organisation_id", flat=True))
        user._consulta_member_of = cache
    return organisation.pk in cache


def _manage_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and (
        is_platform_secretariat(user) or administers(user, organisation)
    )


def _apply(user: Any, organisation: Any) -> bool:
    return _member_of(user, organisation)


def _review(user: Any, application: Any) -> bool:
    return application is not None and is_process_staff(user, application.process)


def _is_delegate(user: Any) -> bool:
    return bool(member_state_of(user))


def _view_application(user: Any, application: Any) -> bool:
    if application is None:
        return False
    if _review(user, application):
        return True
    if _member_of(user, application.organisation):
        return has_perm(user, VIEW_PROCESS, application.process)
    # Member State delegates read the dossiers of circulated applications, and what followed,
    # in the processes they may see.
    return (
        _is_delegate(user)
        and application.state in (S.CIRCULATED, S.OBJECTED, S.ACCREDITED, S.NOT_ACCREDITED)
        and application.deadline is not None
        and has_perm(user, VIEW_PROCESS, application.process)
    )


def _object(user: Any, application: Any) -> bool:
    return (
        application is not None
        and _is_delegate(user)
        and (has_role(user, str(Role.DELEGATE), application.process))
    )


def _manage_process_accreditation(user: Any, process: Any) -> bool:
    return process is not None and is_process_staff(user, process)


def _verify_ecosoc(user: Any, obj: Any = None) -> bool:
    return is_platform_secretariat(user)


CREATE_ORGANISATION = register(
    "stakeholders.create_organisation",
    _authenticated,
    "Register an organisation (and become its administrator).",
)
MANAGE_ORGANISATION = register(
    "stakeholders.manage_organisation",
    _manage_organisation,
    "Edit an organisation's profile and manage its people.",
)
VERIFY_ECOSOC = register(
    "stakeholders.verify_ecosoc",
    _verify_ecosoc,
    "Record that an organisation's ECOSOC status was verified.",
)
MANAGE_VOCABULARY = register(
    "stakeholders.manage_vocabulary", _verify_ecosoc, "Manage the thematic areas."
)
APPLY = register(
    "stakeholders.apply", _apply, "Apply, edit, submit and withdraw for one's own organisation."
)
REVIEW_APPLICATION = register(
    "stakeholders.review_application",
    _review,
    "Return, review, circulate and decide applications in one's process.",
)
VIEW_APPLICATION = register(
    "stakeholders.view_application",
    _view_application,
    "Read an application (applicant, process secretariat, delegates).",
)
OBJECT = register(
    "stakeholders.object", _object, "Lodge and withdraw objections on behalf of one's Member State."
)
MANAGE_ACCREDITATION = register(
    "stakeholders.manage_accreditation",
    _manage_process_accreditation,
    "Change a process's accreditation settings and carry over.",
)
