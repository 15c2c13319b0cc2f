"""Reads of consultations, scoped to what the viewer may see."""

import copy
import hmac
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.caches import register_cache
from core.home import Item
from core.models import Process
from core.permissions import has_perm
from stakeholders.models import Organisation
from stakeholders.selectors import accredited_organisations_of, organisations_of

from .choices import Audience, Status
from .models import (
    Attachment,
    Consultation,
    Draft,
    ExportJob,
    FormVersion,
    Participation,
    Response,
)
from .permissions import VIEW
from .xlsform import FormDefinition, from_dict


def consultations_in(process: Process, viewer: Any) -> QuerySet[Consultation]:
    """The process's consultations the viewer may see (querysets.condition says which)."""
    return process.consultations.restrict(viewer).order_by("-opens_at", "title")


# Every submission starts by finding its consultation, and building that ORM query costs more
# than the rest of the request. So each process keeps the consultations it read, and checks them
# with one small fixed query: a save of the consultation or its process moves updated_at.
_STAMPS = (
    "SELECT c.id, c.updated_at, p.updated_at FROM consultations_consultation c "
    "JOIN core_process p ON p.id = c.process_id WHERE c.slug = %s"
)
_known: dict[str, Consultation] = {}
register_cache("consultations.known", _known.clear)


def _stamp(value: Any) -> Any:
    if isinstance(value, str):  # SQLite hands back text
        parsed = parse_datetime(value)
        return parsed.replace(tzinfo=UTC) if parsed and parsed.tzinfo is None else parsed
    return value


def _current(slug: str) -> Consultation | None:
    with connection.cursor() as cursor:
        cursor.execute(_STAMPS, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, updated, process_updated = row[0], _stamp(row[1]), _stamp(row[2])
    known = _known.get(slug)
    if known is None or (known.pk, known.updated_at, known.process.updated_at) != (
        pk,
        updated,
        process_updated,
    ):
        known = Consultation.objects.select_related("process").get(pk=pk)
        if len(_known) > 500:
            _known.clear()
        _known[slug] = known
    return _copy(known)


def _copy(known: Consultation) -> Consultation:
    # Callers get their own copy: what one request changes on it stays out of the next.
    consultation = copy.copy(known)
    consultation.process = copy.copy(known.process)
    return consultation


def _remembered(slug: str) -> Consultation | None:
    """The consultation as this process last read it, marked as not checked against the
    database: whoever writes with it must check (submission.submit_response does, in its INSERT)."""
    known = _known.get(slug)
    if known is None:
        return None
    consultation = _copy(known)
    consultation.unverified = True  # type: ignore[attr-defined]
    return consultation


def still_current(consultation: Consultation) -> bool:
    """Whether neither the consultation nor its process changed since it was read."""
    with connection.cursor() as cursor:
        cursor.execute(_STAMPS, [consultation.slug])
        row = cursor.fetchone()
    return row is not None and (row[0], _stamp(row[1]), _stamp(row[2])) == (
        consultation.pk,
        consultation.updated_at,
        consultation.process.updated_at,
    )


def consultation_for(viewer: Any, slug: str, *, remembered: bool = False) -> Consultation:
    """The consultation if the viewer may see it; otherwise it does not exist (404).

    `remembered=True` (the submission endpoint) may return the copy this process last read,
    unchecked; the write that follows checks it and fails with StaleConsultation if it changed.
    """
    if remembered:
        found = _remembered(slug)
        if found is not None and has_perm(viewer, VIEW, found):
            return found
    consultation = _current(slug)
    if consultation is None or not has_perm(viewer, VIEW, consultation):
        raise Http404
    return consultation


_versions: dict[tuple[int, datetime], FormVersion | None] = {}
register_cache("consultations.versions", _versions.clear)


def current_version(consultation: Consultation) -> FormVersion | None:
    """The form answered now. Kept per process, keyed by the consultation's updated_at, which
    every upload changes; so a worker never serves a form older than the row it just read."""
    key = (consultation.pk, consultation.updated_at)
    found = _versions.get(key)
    if found is None:
        if len(_versions) > 256:
            _versions.clear()
        # The uploaded file is not needed to answer, and may weigh megabytes.
        found = consultation.versions.defer("source").order_by("-number").first()
        if found is not None:
            _versions[key] = found
    return found


@lru_cache(maxsize=64)
def definition_at(version_id: int, uploaded_at: datetime) -> FormDefinition:
    """The parsed form of a version. A version never changes once stored, so its parsed form is
    kept per process. The upload time is part of the key: an id alone could name another row in
    another database."""
    return from_dict(FormVersion.objects.values_list("definition", flat=True).get(pk=version_id))


register_cache("consultations.definitions", definition_at.cache_clear)


def definition_of(version: FormVersion) -> FormDefinition:
    """The parsed form of a version (kept per process)."""
    return definition_at(version.pk, version.uploaded_at)


def participation_digest(consultation: Consultation, user: Any) -> str:
    """What a participation stores of who answered: a keyed hash of consultation and person."""
    # A key of its own, not derived from SECRET_KEY (see settings.PARTICIPATION_KEY).
    key = settings.PARTICIPATION_KEY.encode()
    return hmac.new(key, f"answered:{consultation.pk}:{user.pk}".encode(), "sha256").hexdigest()


def has_answered(consultation: Consultation, user: Any) -> bool:
    """Whether this signed-in person has answered the consultation."""
    if not getattr(user, "is_authenticated", False):
        return False
    digest = participation_digest(consultation, user)
    return Participation.objects.filter(consultation=consultation, digest=digest).exists()


def organisations_answering_for(consultation: Consultation, user: Any) -> QuerySet[Organisation]:
    """The organisations the user may answer for: those accredited to the process for an
    accredited-only consultation, else any they belong to."""
    if consultation.audience == Audience.ACCREDITED:
        return accredited_organisations_of(user, consultation.process)
    return organisations_of(user)


def draft_of(consultation: Consultation, viewer: Any) -> Draft | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return Draft.objects.filter(consultation=consultation, respondent=viewer).first()


def responses_of(consultation: Consultation) -> QuerySet[Response]:
    return consultation.responses.select_related("respondent", "organisation").order_by("id")


def attachment_of(consultation: Consultation, name: str) -> Attachment:
    """A file of one of the consultation's responses (a file not yet sent with a response is
    the respondent's alone): 404 otherwise."""
    found = consultation.attachments.filter(name=name, response__isnull=False).first()
    if found is None:
        raise Http404
    return found


def response_by_reference(consultation: Consultation, reference: str) -> Response | None:
    return consultation.responses.filter(reference=reference.strip().upper()).first()


def response_count(consultation: Consultation) -> int:
    return consultation.responses.count()


def recent_exports(consultation: Consultation, viewer: Any, *, limit: int = 5) -> list[ExportJob]:
    """The viewer's latest background exports of this consultation."""
    return list(consultation.export_jobs.filter(requested_by=viewer)[:limit])


def export_job_for(consultation: Consultation, viewer: Any, pk: int) -> ExportJob:
    job = consultation.export_jobs.filter(pk=pk, requested_by=viewer).first()
    if job is None:
        raise Http404
    return job


def text_answers(consultation: Consultation, path: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """The latest answers to a text question (staff only), with who gave them when attributed."""
    repeat, _sep, name = path.rpartition("/")
    found: list[dict[str, Any]] = []
    for response in responses_of(consultation).order_by("-id")[: limit * 4]:
        entries = response.answers.get(repeat, []) if repeat else [response.answers]
        for entry in entries if isinstance(entries, list) else []:
            value = entry.get(name) if isinstance(entry, dict) else None
            if value not in (None, ""):
                found.append({"text": str(value), "response": response})
        if len(found) >= limit:
            break
    return found[:limit]


def open_for_home(viewer: Any, limit: int) -> list[Item]:
    """The consultations taking answers now that the viewer may see (the home page's "open
    now"), closing soonest first."""
    now = timezone.now()
    taking = (
        Consultation.objects.restrict(viewer)
        .filter(status=Status.OPEN, opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")[:limit]
    )
    return [
        Item(
            c.title,
            reverse("consultations:detail", args=[c.slug]),
            _("Open until %(date)s") % {"date": f"{c.closes_at:%Y-%m-%d}"},
        )
        for c in taking
    ]
