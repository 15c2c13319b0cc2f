"""Written submissions and amendments: write a draft, change it, submit it (published at once
for a Member State, after moderation for a stakeholder), withdraw it; moderators publish or
refuse with a reason, and the author is told. Every step is audited."""

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.pagecache import bump
from core.permissions import has_perm

from .. import anchoring
from ..choices import STATE_CONSTITUENCY, Operation, SubmissionKind, SubmissionState
from ..exceptions import (
    DeadlinePassed,
    InvalidAnchor,
    InvalidDocument,
    InvalidSubmission,
    NotAllowed,
    StepNotAllowed,
    TooLong,
)
from ..models import Element, Revision, Submission
from ..wordcount import count_words

logger = logging.getLogger(__name__)

S = SubmissionState
WORD_LIMIT = 2000
MAX_ATTACHMENT = 10 * 1024 * 1024
STEPS = {
    "submit": {S.DRAFT},
    "withdraw": {S.DRAFT, S.PENDING, S.PUBLISHED},
}


@dataclass
class Draft:
    """What the author wrote: shape already checked by a form or an API schema."""

    kind: str
    speaks_for: str  # "org:<public id>" or "state:<ISO code>"
    language: str
    title: str = ""
    body: str = ""
    articles: list[str] = field(default_factory=list)  # eIds
    element: str = ""  # eId
    operation: str = ""
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    proposed_text: str = ""


def _check_deadline(revision: Revision) -> None:
    if revision.deadline is not None and timezone.now() >= revision.deadline:
        raise DeadlinePassed(revision.deadline)


def _author_body(revision: Revision, actor: Any, speaks_for: str) -> dict[str, Any]:
    """The organisation or Member State the actor writes for, if they may."""
    from ..permissions import writes_as

    who = writes_as(actor, revision.text.process)
    kind, _sep, value = speaks_for.partition(":")
    if kind == "state" and value and value == who["member_state"]:
        return {
            "organisation": None,
            "member_state": value,
            "constituency": STATE_CONSTITUENCY,
            "region": _region_of_state(value),
        }
    if kind == "org":
        for organisation in who["organisations"]:
            if organisation.public_id == value:
                return {
                    "organisation": organisation,
                    "member_state": "",
                    "constituency": organisation.kind,
                    "region": organisation.region,
                }
    raise NotAllowed(
        _(
            "You may write for an organisation accredited to this process that you belong to, "
            "or for the Member State you are a delegate of."
        )
    )


def _region_of_state(code: str) -> str:
    from stakeholders.regions import region_of

    return str(region_of(code) or "")


def _fields(revision: Revision, draft: Draft) -> dict[str, Any]:
    """The stored fields of a draft, its anchor resolved in the revision's text."""
    if draft.kind not in SubmissionKind.values:
        raise InvalidSubmission(_("Choose a written submission or an amendment."), "kind")
    words = count_words(draft.body)
    if draft.kind == SubmissionKind.AMENDMENT:
        words += count_words(draft.proposed_text)
    if words > WORD_LIMIT:
        raise TooLong(words, WORD_LIMIT)
    fields: dict[str, Any] = {
        "kind": draft.kind,
        "language": draft.language,
        "title": draft.title.strip(),
        "body": draft.body,
        "words": words,
        "element": None,
        "operation": "",
        "anchor_language": "",
        "quote_exact": "",
        "quote_prefix": "",
        "quote_suffix": "",
        "position_start": None,
        "position_end": None,
        "proposed_text": "",
    }
    if draft.kind == SubmissionKind.WRITTEN:
        if not draft.body.strip():
            raise InvalidSubmission(_("Write the text of your submission."), "body")
        return fields
    return {**fields, **_amendment(revision, draft)}


def _amendment(revision: Revision, draft: Draft) -> dict[str, Any]:
    if draft.operation not in Operation.values:
        raise InvalidSubmission(_("Choose insert, replace or delete."), "operation")
    element = revision.elements.filter(eid=draft.element).exclude(kind="chapter").first()
    if element is None:
        raise InvalidAnchor(
            _("Choose the article, paragraph or sub-paragraph to amend."), "element"
        )
    if draft.operation != Operation.DELETE and not draft.proposed_text.strip():
        raise InvalidSubmission(_("Write the wording you propose."), "proposed_text")
    wording = element.texts.filter(language=revision.language).first()
    text = wording.text if wording else ""
    fields: dict[str, Any] = {
        "element": element,
        "operation": draft.operation,
        "anchor_language": revision.language,
        "proposed_text": draft.proposed_text if draft.operation != Operation.DELETE else "",
    }
    if draft.operation == Operation.INSERT and not draft.quote:
        return fields  # inserted at the end of the element
    selection = anchoring.select(
        text,
        exact=draft.quote,
        prefix=draft.prefix,
        suffix=draft.suffix,
        start=draft.start,
        end=draft.end,
    )
    return {
        **fields,
        "quote_exact": selection.exact,
        "quote_prefix": selection.prefix,
        "quote_suffix": selection.suffix,
        "position_start": selection.start,
        "position_end": selection.end,
    }


def _articles(revision: Revision, eids: list[str]) -> list[Element]:
    found = list(revision.elements.filter(eid__in=eids, kind="article"))
    if len(found) != len(set(eids)):
        missing = sorted(set(eids) - {e.eid for e in found})
        raise InvalidAnchor(
            _("These are not articles of this revision: %(list)s") % {"list": ", ".join(missing)},
            "articles",
        )
    return found


def create_submission(
    revision: Revision, *, actor: Any, draft: Draft, attachment: Any = None
) -> Submission:
    """Write a draft submission or amendment on a revision (not yet sent)."""
    _check_deadline(revision)
    body = _author_body(revision, actor, draft.speaks_for)
    fields = _fields(revision, draft)
    articles = _articles(revision, draft.articles) if draft.kind == SubmissionKind.WRITTEN else []
    document = read_attachment(attachment) if attachment else None
    with transaction.atomic():
        submission = Submission.objects.create(revision=revision, author=actor, **body, **fields)
        submission.articles.set(articles)
        audit.record(
            "drafts.submission.created",
            actor=actor,
            obj=submission,
            process=revision.text.process,
            data={"kind": submission.kind, "words": submission.words},
        )
        if document is not None:
            _store_attachment(submission, *document, actor)
    return submission


def update_submission(
    submission: Submission, *, actor: Any, draft: Draft, attachment: Any = None
) -> Submission:
    """Change a draft before it is sent."""
    revision = submission.revision
    _check_deadline(revision)
    if submission.state != S.DRAFT:
        raise StepNotAllowed(submission.get_state_display(), _("changed"), [])
    body = _author_body(revision, actor, draft.speaks_for)
    fields = _fields(revision, draft)
    articles = _articles(revision, draft.articles) if draft.kind == SubmissionKind.WRITTEN else []
    document = read_attachment(attachment) if attachment else None
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.state != S.DRAFT:
            raise StepNotAllowed(locked.get_state_display(), _("changed"), [])
        for name, value in {**body, **fields}.items():
            setattr(locked, name, value)
        locked.save()
        locked.articles.set(articles)
        audit.record(
            "drafts.submission.changed",
            actor=actor,
            obj=locked,
            process=revision.text.process,
            data={"words": locked.words},
        )
        if document is not None:
            _store_attachment(locked, *document, actor)
    return locked


def _step(submission: Submission, step: str) -> Submission:
    locked = (
        Submission.objects.select_for_update()
        .select_related("revision__text__process")
        .get(pk=submission.pk)
    )
    if locked.state not in STEPS[step]:
        allowed = [name for name, states in STEPS.items() if locked.state in states]
        raise StepNotAllowed(locked.get_state_display(), step, allowed)
    return locked


def submit_submission(submission: Submission, *, actor: Any) -> Submission:
    """Send a draft: a Member State's is published at once, a stakeholder's waits for a
    moderator."""
    _check_deadline(submission.revision)
    with transaction.atomic():
        locked = _step(submission, "submit")
        now = timezone.now()
        locked.submitted_at = now
        if locked.member_state:
            locked.state, locked.published_at = S.PUBLISHED, now
            bump()
        else:
            locked.state = S.PENDING
        locked.save(update_fields=["state", "submitted_at", "published_at", "updated_at"])
        audit.record(
            "drafts.submission.submitted",
            actor=actor,
            obj=locked,
            process=locked.revision.text.process,
            data={"state": locked.state},
        )
    return locked


def withdraw_submission(submission: Submission, *, actor: Any) -> Submission:
    """Withdraw one's submission: it leaves the compilation, and the audit log keeps the step."""
    with transaction.atomic():
        locked = _step(submission, "withdraw")
        was_public = locked.state == S.PUBLISHED
        locked.state, locked.withdrawn_at = S.WITHDRAWN, timezone.now()
        locked.save(update_fields=["state", "withdrawn_at", "updated_at"])
        if was_public:
            bump()
        audit.record(
            "drafts.submission.withdrawn",
            actor=actor,
            obj=locked,
            process=locked.revision.text.process,
        )
    return locked


def moderate_submission(
    submission: Submission, *, actor: Any, decision: str, reason: str = ""
) -> Submission:
    """Publish a stakeholder's submission, or refuse it with a reason; the author is told."""
    from ..permissions import MODERATE

    if not has_perm(actor, MODERATE, submission):
        raise NotAllowed(_("You do not moderate this process."))
    if decision not in ("publish", "reject"):
        raise InvalidSubmission(_("Choose to publish or not to publish."), "decision")
    if decision == "reject" and not reason.strip():
        raise InvalidSubmission(_("Give the reason, which is sent to the author."), "reason")
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.state != S.PENDING:
            raise StepNotAllowed(locked.get_state_display(), _("moderated"), [])
        now = timezone.now()
        locked.state = S.PUBLISHED if decision == "publish" else S.REJECTED
        locked.published_at = now if decision == "publish" else None
        locked.moderated_at, locked.moderated_by, locked.moderation_reason = now, actor, reason
        locked.save()
        audit.record(
            f"drafts.submission.{'published' if decision == 'publish' else 'rejected'}",
            actor=actor,
            obj=locked,
            process=submission.revision.text.process,
            data={"reason": reason},
        )
        if decision == "publish":
            bump()
        _tell_author(locked)
    return locked


def _tell_author(submission: Submission) -> None:
    from django.conf import settings
    from django.utils import translation

    from accounts.services import queue_email

    author = submission.author
    if author is None:  # the author deleted their account
        return
    with translation.override(author.language or settings.LANGUAGE_CODE):
        if submission.state == S.PUBLISHED:
            news = _("Your submission “%(title)s” was published.")
        else:
            news = _("Your submission “%(title)s” was not published. The reason given:")
        title = submission.title or submission.get_kind_display()
        body = news % {"title": title}
        if submission.moderation_reason:
            body += f"\n\n{submission.moderation_reason}"
        queue_email(
            to=[author.email],
            subject=_("Your submission on %(text)s") % {"text": submission.revision.text.title},
            body=body,
        )


def read_attachment(upload: Any) -> tuple[bytes, str]:
    """A PDF checked by content (the registry's check: no scripts, actions or embedded files),
    and its safe name; refused before anything is stored."""
    from stakeholders.exceptions import InvalidDocument as RegistryInvalid
    from stakeholders.services.documents import check_pdf, safe_filename

    content = upload.read(MAX_ATTACHMENT + 1)
    if len(content) > MAX_ATTACHMENT:
        raise InvalidDocument(_("The limit is 10 MB per file."))
    try:
        check_pdf(content)
    except RegistryInvalid as exc:
        raise InvalidDocument(str(exc)) from None
    return content, safe_filename(upload.name)


def _store_attachment(submission: Submission, content: bytes, name: str, actor: Any) -> None:
    submission.attachment.save("document.pdf", ContentFile(content), save=False)
    submission.attachment_name, submission.attachment_size = name, len(content)
    submission.save(update_fields=["attachment", "attachment_name", "attachment_size"])
    audit.record(
        "drafts.submission.document_attached",
        actor=actor,
        obj=submission,
        process=submission.revision.text.process,
        data={"size": len(content), "sha256": hashlib.sha256(content).hexdigest()},
    )


def attach_document(submission: Submission, *, actor: Any, upload: Any) -> Submission:
    """Attach one PDF to a draft (replacing any before it)."""
    content, name = read_attachment(upload)
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update()
            .select_related("revision__text__process")
            .get(pk=submission.pk)
        )
        if locked.state != S.DRAFT:
            raise StepNotAllowed(locked.get_state_display(), _("changed"), [])
        _store_attachment(locked, content, name, actor)
    return locked
