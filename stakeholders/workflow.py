"""Running a pipeline step on behalf of someone: who may take it, then its service.

Shared by the pages and the API so both apply the same rule."""

from typing import Any

from django.http import Http404

from core.permissions import check_perm

from . import permissions as perms
from . import selectors, services
from .exceptions import ActionNotAllowed
from .models import Application


def run_action(
    application: Application, action: str, *, actor: Any, data: dict[str, Any]
) -> Application:
    """Check who may take the action and call its service (shared by the pages and the API)."""
    if action not in services.ACTIONS:
        raise Http404
    needed = perms.REVIEW_APPLICATION if services.ACTIONS[action].by_secretariat else perms.APPLY
    check_perm(
        actor,
        needed,
        application if services.ACTIONS[action].by_secretariat else application.organisation,
    )
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
    try:
        return handlers[action]()
    except ActionNotAllowed:
        # Say it in the terms the actor may know (an applicant may not learn of an objection).
        raise ActionNotAllowed(
            action,
            selectors.state_label(application, actor),
            [a for a in selectors.visible_allowed_actions(application, actor)],
        ) from None
