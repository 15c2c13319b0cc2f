"""Permissions of negotiating texts. Who may see or run a text, and see or moderate a
submission, is decided in `querysets`; the rules below test those very conditions on one object.
Who may write is a question of accreditation (stakeholders) or of being a delegate (accounts)."""

from typing import Any

from accounts.selectors import member_state_of
from core.models import Process
from core.permissions import register
from stakeholders.selectors import accredited_organisations_of

from .choices import SubmissionState
from .models import Revision, Submission, Text
from .querysets import allows, submission_condition, text_condition


def _text_of(obj: Any) -> Any:
    if isinstance(obj, Process):
        return Text(process=obj, status="draft")
    if isinstance(obj, Revision):
        return obj.text
    if isinstance(obj, Submission):
        return obj.revision.text
    return obj


def _manage(user: Any, obj: Any) -> bool:
    """obj: a process (to create a text in it), a text or a revision."""
    return allows(text_condition(user, "manage"), _text_of(obj))


def _view(user: Any, obj: Any) -> bool:
    return allows(text_condition(user, "view"), _text_of(obj))


def writes_as(user: Any, process: Any) -> dict[str, Any]:
    """Who the user may write for in this process: accredited organisations and the Member
    State they are a delegate of."""
    if not getattr(user, "is_authenticated", False):
        return {"organisations": [], "member_state": ""}
    return {
        "organisations": list(accredited_organisations_of(user, process).order_by("name")),
        "member_state": member_state_of(user),
    }


def _write(user: Any, revision: Any) -> bool:
    if revision is None or not _view(user, revision):
        return False
    who = writes_as(user, revision.text.process)
    return bool(who["organisations"] or who["member_state"])


def _view_submission(user: Any, submission: Any) -> bool:
    return allows(submission_condition(user, "view"), submission)


def _moderate(user: Any, obj: Any) -> bool:
    """obj: a submission, or a revision (to read its queue)."""
    if isinstance(obj, Revision):
        obj = Submission(revision=obj)
    return allows(submission_condition(user, "moderate"), obj)


def _author(user: Any, submission: Any) -> bool:
    return (
        submission is not None
        and getattr(user, "is_authenticated", False)
        and submission.author_id == user.pk
        and submission.state != SubmissionState.WITHDRAWN
    )


MANAGE = register(
    "drafts.manage", _manage, "Create texts, import revisions and set deadlines in a process."
)
VIEW = register("drafts.view", _view, "Read a negotiating text (a draft only as its staff).")
WRITE = register(
    "drafts.write",
    _write,
    "Write submissions and amendments on a revision (accredited organisations, delegates).",
)
VIEW_SUBMISSION = register(
    "drafts.view_submission",
    _view_submission,
    "Read a submission (published ones; one's own; all for moderators of the process).",
)
MODERATE = register(
    "drafts.moderate", _moderate, "Publish or refuse stakeholders' submissions in a process."
)
EDIT_SUBMISSION = register(
    "drafts.edit_submission", _author, "Edit, submit or withdraw one's own submission."
)
