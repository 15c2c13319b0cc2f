"""Every write of consultations but the submission's fast path (submission.py) and the fold of
responses into the tallies (counting.py): setting consultations up, their forms, their status,
drafts and exports."""

from typing import Any

from django.db import transaction

from core import audit
from core.models import Process
from core.services import replace_invitees
from core.tasks import enqueue_on_commit

from . import selectors
from .attachments import RECORDINGS
from .choices import NEXT_STATUS, Status
from .exceptions import (
    AlreadyAnswered,
    DraftsNotKept,
    FormLocked,
    NoForm,
    NotInAudience,
    RecordingsInAnonymous,
    SlugTaken,
    StatusNotAllowed,
)
from .exporting import export_now
from .models import Consultation, Draft, ExportJob, FormVersion
from .permissions import in_audience
from .submission import check_window

# Kept here for the demo loader (consultations/demo.py), which answers through the services.
from .submission import submit_response as submit_response
from .tasks import build_export as build_export_task
from .xlsform import FormDefinition, load_xlsform, to_dict

# Exports of more responses than this are built in the background.
BACKGROUND_EXPORT_FROM = 2000

CONSULTATION_FIELDS = (
    "title",
    "description",
    "opens_at",
    "closes_at",
    "languages",
    "audience",
    "identity",
    "layout",
)


# Setting up ---------------------------------------------------------------------------------------


def create_consultation(process: Process, *, actor: Any, slug: str, **fields: Any) -> Consultation:
    """Create a draft consultation in a process."""
    _check_slug_free(slug)
    consultation = Consultation(process=process, slug=slug, created_by=actor)
    for name in CONSULTATION_FIELDS:
        if name in fields:
            setattr(consultation, name, fields[name])
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        audit.record(
            "consultations.consultation.created", actor=actor, obj=consultation, process=process
        )
    return consultation


def _check_slug_free(slug: str) -> None:
    # Short names are addresses (/consultations/<slug>/), unique across processes.
    if Consultation.objects.filter(slug=slug).exists():
        raise SlugTaken()


def create_consultation_with_form(
    process: Process, *, actor: Any, slug: str, content: bytes, filename: str, **fields: Any
) -> Consultation:
    """Create a draft consultation and its form in one transaction: a taken short name or a
    bad form (checked in that order) creates nothing."""
    _check_slug_free(slug)
    load_xlsform(content, filename)
    with transaction.atomic():
        consultation = create_consultation(process, actor=actor, slug=slug, **fields)
        upload_form(consultation, actor=actor, content=content, filename=filename)
    return consultation


def change_consultation(
    consultation: Consultation,
    *,
    actor: Any,
    emails: list[str],
    content: bytes | None = None,
    filename: str = "",
    **fields: Any,
) -> Consultation:
    """Save the edit page in one transaction: a new form if one is given, the settings, the
    invited list; a refusal of any of them leaves all three as they were."""
    with transaction.atomic():
        if content is not None:
            upload_form(consultation, actor=actor, content=content, filename=filename)
        update_consultation(consultation, actor=actor, **fields)
        set_invitees(consultation, emails, actor=actor)
    return consultation


def update_consultation(consultation: Consultation, *, actor: Any, **fields: Any) -> Consultation:
    """Change a consultation's settings (the identity mode only before the first response)."""
    changed = {}
    for name in CONSULTATION_FIELDS:
        if name in fields and getattr(consultation, name) != fields[name]:
            changed[name] = str(fields[name])
            setattr(consultation, name, fields[name])
    if "identity" in changed and consultation.responses.exists():
        raise FormLocked()
    if "identity" in changed and consultation.is_anonymous:
        version = selectors.current_version(consultation)
        if version is not None:
            _check_recordings(consultation, selectors.definition_of(version))
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        audit.record(
            "consultations.consultation.changed",
            actor=actor,
            obj=consultation,
            process=consultation.process,
            data={"fields": sorted(changed)},
        )
    return consultation


def upload_form(
    consultation: Consultation, *, actor: Any, content: bytes, filename: str
) -> FormVersion:
    """Read an XLSForm (raising FormError) and make it the consultation's form."""
    form = load_xlsform(content, filename)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.responses.exists():
            raise FormLocked()
        _check_recordings(locked, form)
        last = locked.versions.order_by("-number").values_list("number", flat=True).first()
        version = FormVersion.objects.create(
            consultation=locked,
            number=(last or 0) + 1,
            filename=filename[:200],
            source=content,
            definition=to_dict(form),
            uploaded_by=actor,
        )
        if not locked.languages:
            locked.languages = [lang for lang in form.languages if lang != "default"]
        # Saving moves updated_at, which tells every worker to read the new version.
        locked.save(update_fields=["languages", "updated_at"])
        consultation.updated_at, consultation.languages = locked.updated_at, locked.languages
        audit.record(
            "consultations.form.uploaded",
            actor=actor,
            obj=consultation,
            process=consultation.process,
            data={"version": version.number, "file": version.filename},
        )
    return version


def _check_recordings(consultation: Consultation, form: FormDefinition) -> None:
    """Anonymous consultations take no audio or video (see consultations/attachments.py)."""
    if consultation.is_anonymous and any(q.type in RECORDINGS for q in form.questions()):
        raise RecordingsInAnonymous()


def set_status(consultation: Consultation, status: str, *, actor: Any) -> Consultation:
    """Open, close, reopen or publish the results of a consultation."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        allowed = NEXT_STATUS[Status(locked.status)]
        if status not in allowed:
            raise StatusNotAllowed(
                locked.get_status_display(),
                Status(status).label if status in Status.values else status,
                sorted(str(s) for s in allowed),
            )
        if status == Status.OPEN and not locked.versions.exists():
            raise NoForm()
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            f"consultations.consultation.{status}",
            actor=actor,
            obj=locked,
            process=locked.process,
        )
    consultation.status, consultation.updated_at = status, locked.updated_at
    return consultation


def set_invitees(consultation: Consultation, emails: list[str], *, actor: Any) -> int:
    """Replace the invited list; returns how many addresses it holds."""
    return replace_invitees(
        consultation, emails, actor=actor, action="consultations.invitees.changed"
    )


# Answering (the submission itself is in submission.py) -------------------------------------------


def save_draft(
    consultation: Consultation, *, actor: Any, answers: dict[str, Any], page: int = 0
) -> Draft:
    """Keep a signed-in respondent's unfinished answers (not in anonymous consultations: a draft
    names its author, and its deletion at submission could be matched to the response)."""
    if consultation.is_anonymous:
        raise DraftsNotKept()
    check_window(consultation)
    if not in_audience(actor, consultation):
        raise NotInAudience()
    if selectors.has_answered(consultation, actor):
        raise AlreadyAnswered()
    # No audit entry, as for the answer itself (submission.py): a draft is the respondent's own,
    # shown to no one else and deleted when they send; an entry would tell the secretariat, who
    # read the audit log, who is answering before they have chosen to send.
    draft, _created = Draft.objects.update_or_create(
        consultation=consultation, respondent=actor, defaults={"answers": answers, "page": page}
    )
    return draft


# Exports -----------------------------------------------------------------------------------------


def export_responses(
    consultation: Consultation,
    *,
    actor: Any,
    form: FormDefinition,
    fmt: str,
    labels: bool,
    language: str,
) -> ExportJob | bytes:
    """The export asked for on the page: its file at once when there are few responses, else a
    job building it in the background (whose page shows its progress)."""
    if selectors.response_count(consultation) >= BACKGROUND_EXPORT_FROM:
        return request_export(consultation, actor=actor, fmt=fmt, labels=labels, language=language)
    return export_now(
        consultation,
        actor=actor,
        form=form,
        fmt=fmt,
        labels=labels,
        language=language,
        via="page",
    )


def request_export(
    consultation: Consultation, *, actor: Any, fmt: str, labels: bool, language: str
) -> ExportJob:
    """Queue an export to be built in the background; the page follows its progress."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            consultation=consultation,
            requested_by=actor,
            format=fmt,
            options={"labels": labels, "language": language},
            total=selectors.response_count(consultation),
        )
        audit.record(
            "consultations.export.requested",
            actor=actor,
            obj=consultation,
            process=consultation.process,
            data={"format": fmt},
        )
        enqueue_on_commit(build_export_task, job.pk)
    return job
