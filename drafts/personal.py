"""What negotiating-text consultations hold about a person: the submissions and amendments they
wrote. Published ones are the record of the process: on erasure they stay, under the
organisation (or Member State) they were written for, with the author's link removed."""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .choices import SubmissionState
from .models import Submission

TITLE = _("Negotiating texts")
LABELS = {
    "submissions": _("Submissions and amendments"),
}


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _submission(s: Submission) -> dict[str, Any]:
    return {
        "id": s.public_id,
        "text": s.revision.text.title,
        "revision": s.revision.number,
        "kind": s.kind,
        "state": s.state,
        "organisation": s.organisation.name if s.organisation else None,
        "member_state": s.member_state or None,
        "language": s.language,
        "title": s.title,
        "body": s.body,
        "article": s.element.eid if s.element else None,
        "operation": s.operation or None,
        "passage": s.quote_exact,
        "proposed_text": s.proposed_text,
        "attachment": s.attachment_name or None,
        "created": _when(s.created_at),
        "submitted": _when(s.submitted_at),
        "published": _when(s.published_at),
        "withdrawn": _when(s.withdrawn_at),
        "moderation_reason": s.moderation_reason,
    }


def export(user: Any) -> dict[str, Any]:
    """Every submission and amendment the person wrote, in whatever state."""
    written = (
        Submission.objects.filter(author=user)
        .select_related("revision__text", "organisation", "element")
        .order_by("pk")
    )
    return {"submissions": [_submission(s) for s in written]}


def _delete(submissions: Any) -> int:
    count = 0
    for submission in submissions:
        if submission.attachment:
            # Once the deletion commits: a rolled-back erasure keeps the file its row names.
            storage, name = submission.attachment.storage, submission.attachment.name
            transaction.on_commit(partial(storage.delete, name))
        submission.delete()
        count += 1
    return count


def erase(user: Any) -> dict[str, int]:
    """Published submissions stay, unlinked; the rest (drafts, awaiting moderation, refused,
    withdrawn) go, with their attachments."""
    mine = Submission.objects.filter(author=user)
    return {
        "submissions_kept_unlinked": mine.filter(state=SubmissionState.PUBLISHED).update(
            author=None
        ),
        "submissions": _delete(mine.exclude(state=SubmissionState.PUBLISHED)),
    }


def retain(process: Any, now: datetime) -> int:
    """Past the process's periods after it closed: submissions never sent go; those never
    published (awaiting moderation, refused, withdrawn) lose their author."""
    closed = getattr(process, "closed_at", None)
    if closed is None:
        return 0
    done = 0
    submissions = Submission.objects.filter(revision__text__process=process)
    if now >= closed + timedelta(days=process.retain_drafts_days):
        done += _delete(submissions.filter(state=SubmissionState.DRAFT))
    if now >= closed + timedelta(days=process.retain_identities_days):
        unpublished = submissions.exclude(state=SubmissionState.PUBLISHED).exclude(author=None)
        done += unpublished.update(author=None)
    return done
