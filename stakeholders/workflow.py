"""Running a pipeline step on behalf of someone: who may take it, then its service.

Shared by the pages and the API so both apply the same rule."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404

from core.permissions import check_perm

from . import permissions as perms
from . import selectors, services
from .exceptions import ActionNotAllowed
from .models import Application
from .pipeline import ACTIONS


def run_action(
    application: Application, action: str, *, actor: Any, data: dict[str, Any]
) -> Application:
    """Check who may take the action and call its service (shared by the pages and the API)."""
    if action not in ACTIONS:
        raise Http404
    if ACTIONS[action].by_secretariat:
        check_perm(actor, perms.REVIEW_APPLICATION, application)
    else:
        check_perm(actor, perms.APPLY, application.organisation)
    handlers = {
        "submit": lambda: services.submit_application(application, actor=actor),
        "withdraw": lambda: services.withdraw_application(application, actor=actor),
        "review": lambda: services.review_application(application, actor=actor),
        "return": lambda: services.return_application(
            application, actor=actor, message=data.get("message", "")
        ),
        "circulate": lambda: services.circulate_application(
            application, actor=actor, deadline=data.get("deadline")
        ),
        "decide": lambda: services.decide_application(
            application,
            actor=actor,
            decision=data.get("decision", ""),
            reason=data.get("reason", ""),
        ),
    }
    with in_visible_terms(application, actor):
        return handlers[action]()


@contextmanager
def in_visible_terms(application: Application, actor: Any) -> Iterator[None]:
    """Say a refusal in the terms the actor may know (an applicant may not learn of an
    objection the process keeps with the secretariat)."""
    try:
        yield
    except ActionNotAllowed as exc:
        raise ActionNotAllowed(
            exc.action,
            selectors.state_label(application, actor),
            selectors.visible_allowed_actions(application, actor),
        ) from None


def edit_statement(application: Application, *, actor: Any, statement: str) -> Application:
    """The applicant edits the statement (pages and API)."""
    check_perm(actor, perms.APPLY, application.organisation)
    with in_visible_terms(application, actor):
        return services.update_application(application, actor=actor, statement=statement)
