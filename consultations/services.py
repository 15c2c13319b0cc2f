"""Every write of consultations: setting them up, their forms, their status, and responses."""

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import audit
from core.caches import register_cache
from core.models import Process
from core.services import replace_invitees
from stakeholders.selectors import accredited_organisations_of

from .choices import NEXT_STATUS, Audience, Status
from .exceptions import (
    AlreadyAnswered,
    DraftsNotKept,
    FormLocked,
    InstanceConflict,
    InvalidResponse,
    NoForm,
    NotInAudience,
    NotOpen,
    StatusNotAllowed,
)
from .models import (
    Consultation,
    Draft,
    ExportJob,
    FormVersion,
    Participation,
    Response,
    Tally,
)
from .permissions import in_audience
from .tallying import cells_of
from .validation import validate_submission
from .xlsform import FormDefinition, from_dict, load_xlsform, to_dict

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


def create_consultation_with_form(
    process: Process, *, actor: Any, slug: str, content: bytes, filename: str, **fields: Any
) -> Consultation:
    """Create a draft consultation and its form together; a bad form creates nothing."""
    load_xlsform(content, filename)
    with transaction.atomic():
        consultation = create_consultation(process, actor=actor, slug=slug, **fields)
        upload_form(consultation, actor=actor, content=content, filename=filename)
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


# Answering ---------------------------------------------------------------------------------------


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
def _definition(version_id: int, uploaded_at: datetime) -> FormDefinition:
    # A version never changes once stored, so its parsed form is kept per process. The upload
    # time is part of the key: an id alone could name another row in another database.
    return from_dict(FormVersion.objects.values_list("definition", flat=True).get(pk=version_id))


register_cache("consultations.definitions", _definition.cache_clear)


def definition_of(version: FormVersion) -> FormDefinition:
    return _definition(version.pk, version.uploaded_at)


def check_window(consultation: Consultation, now: datetime | None = None) -> None:
    """Raise NotOpen unless the consultation takes answers now."""
    now = now or timezone.now()
    if consultation.status != Status.OPEN or not (
        consultation.opens_at <= now < consultation.closes_at
    ):
        raise NotOpen(consultation.opens_at, consultation.closes_at)


def _reference(consultation: Consultation, instance_id: uuid.UUID) -> str:
    """A receipt code derived from the instance: the same on a retry, and meaningless alone."""
    key = settings.SECRET_KEY.encode()
    raw = hmac.new(key, f"receipt:{consultation.pk}:{instance_id}".encode(), "sha256").digest()
    code = base64.b32encode(raw).decode()[:12]
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def _participation_digest(consultation: Consultation, user: Any) -> str:
    # A key of its own, not derived from SECRET_KEY (see settings.PARTICIPATION_KEY).
    key = settings.PARTICIPATION_KEY.encode()
    return hmac.new(key, f"answered:{consultation.pk}:{user.pk}".encode(), "sha256").hexdigest()


def _stored_time(consultation: Consultation, moment: datetime) -> datetime:
    """When a response is recorded as received: to the day (UTC) in anonymous consultations, so
    that no other row written in the same request (a token's use, a session, a participation)
    can be matched to it by time."""
    if not consultation.is_anonymous:
        return moment
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _unordered_id() -> int:
    """A random primary key for anonymous responses: their order in the table (and SQLite's
    rowid, which is this key) then says nothing about the order in which they arrived. Below
    2**53, so that spreadsheets and JavaScript, which hold numbers as doubles, keep it exact."""
    return secrets.randbelow(2**53 - 1) + 1


def _digest(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _respondent(
    consultation: Consultation, actor: Any, organisation_id: int | None
) -> tuple[Any, str, str]:
    """The organisation answered for (None if none), and the kind and region it gives."""
    if not in_audience(actor, consultation):
        raise NotInAudience()
    if not getattr(actor, "is_authenticated", False):
        return None, "", ""
    if consultation.audience == Audience.ACCREDITED:
        choices = accredited_organisations_of(actor, consultation.process)
    else:
        from stakeholders.selectors import organisations_of

        choices = organisations_of(actor)
    if organisation_id is None:
        organisation = choices.first() if consultation.audience == Audience.ACCREDITED else None
    else:
        organisation = choices.filter(pk=organisation_id).first()
        if organisation is None:
            raise InvalidResponse([{"field": "organisation_id", "message": str(NotInAudience())}])
    if organisation is None:
        return None, "", ""
    return organisation, organisation.kind, organisation.region


def submit_response(
    consultation: Consultation,
    *,
    actor: Any,
    instance_id: uuid.UUID,
    answers: Any,
    language: str = "",
    organisation_id: int | None = None,
    declared: dict[str, str] | None = None,
    now: datetime | None = None,
) -> tuple[Response, bool]:
    """Store a response (and count it), or return the one already stored for this instance.

    Returns (response, created). Raises NotOpen, NotInAudience, AlreadyAnswered,
    InstanceConflict or InvalidResponse; nothing is stored on any refusal.
    """
    declared = {k: v for k, v in (declared or {}).items() if v}
    # In anonymous mode the organisation is not stored, so it must not shape the digest either.
    payload = {
        "answers": answers,
        "language": language,
        "organisation": None if consultation.is_anonymous else organisation_id,
    }
    digest = _digest({**payload, "declared": declared})
    try:
        return _store(
            consultation,
            actor,
            instance_id,
            answers,
            language,
            organisation_id,
            declared,
            digest,
            now,
        )
    except (NotOpen, AlreadyAnswered, InvalidResponse, NotInAudience):
        # A retry of a response already stored is answered with it, whatever changed since.
        existing = _existing(consultation, instance_id, digest)
        if existing is None:
            raise
        return existing, False


def _store(
    consultation: Consultation,
    actor: Any,
    instance_id: uuid.UUID,
    answers: Any,
    language: str,
    organisation_id: int | None,
    declared: dict[str, str],
    digest: str,
    now: datetime | None,
) -> tuple[Response, bool]:
    check_window(consultation, now)
    organisation, kind, region = _respondent(consultation, actor, organisation_id)
    version = current_version(consultation)
    if version is None:
        raise NotOpen(consultation.opens_at, consultation.closes_at)
    form = definition_of(version)
    language = language if language in form.languages else form.default_language
    result = validate_submission(form, answers, language)
    if not result.valid:
        raise InvalidResponse(result.errors)
    if consultation.is_anonymous or organisation is None:
        kind, region = declared.get("kind", ""), declared.get("region", "")
    response = Response(
        consultation=consultation,
        version=version,
        instance_id=instance_id,
        reference=_reference(consultation, instance_id),
        digest=digest,
        language=language or form.default_language,
        answers=result.answers,
        kind=kind,
        region=region,
        submitted_at=_stored_time(consultation, now or timezone.now()),
    )
    if consultation.is_anonymous:
        response.pk = _unordered_id()
    else:
        response.respondent = actor if getattr(actor, "is_authenticated", False) else None
        response.organisation = organisation
    try:
        if getattr(actor, "is_authenticated", False) and consultation.is_anonymous:
            _store_unlinked(consultation, actor, response)
        elif getattr(actor, "is_authenticated", False):
            with transaction.atomic():
                _lock_unchanged(consultation)
                _record_participation(consultation, actor)
                response.save()
                Draft.objects.filter(consultation=consultation, respondent=actor).delete()
        else:
            # One INSERT, atomic by itself (a savepoint only inside a caller's transaction).
            # It is counted in the tallies later, by count_responses(), exactly once: writers
            # do not queue on the hot tally rows.
            if connection.in_atomic_block:
                with transaction.atomic():
                    _insert(response, consultation)
            else:
                _insert(response, consultation)
    except IntegrityError:
        # The instance was stored before (a retry, or a twin request that won the race).
        existing = _existing(consultation, instance_id, digest)
        if existing is None:
            raise AlreadyAnswered() from None
        return existing, False
    return response, True


_INSERT_FIELDS = [f for f in Response._meta.concrete_fields if not f.primary_key]
# The consultation and its process are as the caller read them: checking and writing in one
# statement saves the submission a round trip to the database.
_UNCHANGED = (
    " WHERE EXISTS (SELECT 1 FROM consultations_consultation c JOIN core_process p "
    "ON p.id = c.process_id WHERE c.id = %s AND c.updated_at = %s AND p.updated_at = %s)"
)


def _insert_statement(*, with_id: bool, guarded: bool) -> str:
    """The response INSERT; with its own id (anonymous responses bring a random one), and made
    only if the consultation is unchanged (guarded)."""
    columns = (["id"] if with_id else []) + [f.column for f in _INSERT_FIELDS]
    values = ", ".join(["%s"] * len(columns))
    head = f"INSERT INTO {Response._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
    body = f"SELECT {values}{_UNCHANGED}" if guarded else f"VALUES ({values})"
    return f"{head}{body} RETURNING id"


# The statements are written once: the ORM would build one again for every submission, which
# costs about as much as the rest of the request. Values go through each field's own conversion.
_INSERTS = {
    (with_id, guarded): _insert_statement(with_id=with_id, guarded=guarded)
    for with_id in (False, True)
    for guarded in (False, True)
}


def _execute_prepared(sql: str, values: list[Any]) -> Any:
    """Run a statement as a server-side prepared statement (PostgreSQL parses and plans it once
    per connection, not once per submission); errors come out as Django's."""
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, values, prepare=True)  # type: ignore[arg-type]
        return cursor.fetchone()


class StaleConsultation(Exception):
    """The consultation (or its process) changed since the caller read it: read it again."""


def _insert(response: Response, consultation: Consultation) -> None:
    values = [f.get_db_prep_save(f.pre_save(response, True), connection) for f in _INSERT_FIELDS]
    with_id, guarded = response.pk is not None, getattr(consultation, "unverified", False)
    sql = _INSERTS[(with_id, guarded)]
    if guarded:
        values += [
            consultation.pk,
            connection.ops.adapt_datetimefield_value(consultation.updated_at),
            connection.ops.adapt_datetimefield_value(consultation.process.updated_at),
        ]
    row = _insert_with_own_id(response, sql, values) if with_id else _execute(sql, values)
    if row is None:
        raise StaleConsultation()
    response.pk = row[0]
    response._state.adding, response._state.db = False, connection.alias


def _insert_with_own_id(response: Response, sql: str, values: list[Any]) -> Any:
    """Insert with a random id, drawing another should it be taken (the instance's own
    uniqueness still refuses a second copy of the same response)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _execute(sql, [response.pk, *values])
        except IntegrityError:
            taken = Response.objects.filter(pk=response.pk).exclude(
                consultation_id=response.consultation_id, instance_id=response.instance_id
            )
            if attempt == 2 or not taken.exists():
                raise
            response.pk = _unordered_id()
    return None


def _execute(sql: str, values: list[Any]) -> Any:
    if connection.vendor == "postgresql":
        return _execute_prepared(sql, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()


def _lock_unchanged(consultation: Consultation) -> None:
    """Inside a transaction: lock the consultation, and refuse if it changed since it was read."""
    same = (
        Consultation.objects.select_for_update(of=("self",))
        .filter(
            pk=consultation.pk,
            updated_at=consultation.updated_at,
            process__updated_at=consultation.process.updated_at,
        )
        .exists()
    )
    if not same:
        raise StaleConsultation()


def _store_unlinked(consultation: Consultation, actor: Any, response: Response) -> None:
    """Anonymous mode, signed-in respondent: that they answered, and what, are written in
    separate transactions, so that nothing in the database ties one to the other."""
    with transaction.atomic():
        _lock_unchanged(consultation)
        _record_participation(consultation, actor)
        Draft.objects.filter(consultation=consultation, respondent=actor).delete()
    try:
        with transaction.atomic():
            _insert(response, consultation)
    except BaseException:
        # The answer was not stored: neither is the fact of answering.
        Participation.objects.filter(
            consultation=consultation, digest=_participation_digest(consultation, actor)
        ).delete()
        raise
    _empty_write_ahead_log()


def _empty_write_ahead_log() -> None:
    """SQLite keeps each committed page in its write-ahead log until a checkpoint, in the order
    written: there the participation and the response sit side by side, and a deleted draft stays
    readable. Fold the log into the database (where secure_delete overwrote the draft) and empty it.
    Best effort: with a reader in the way the log is emptied at a later checkpoint."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _existing(consultation: Consultation, instance_id: uuid.UUID, digest: str) -> Response | None:
    found = Response.objects.filter(consultation=consultation, instance_id=instance_id).first()
    if found is not None and found.digest != digest:
        raise InstanceConflict()
    return found


def _record_participation(consultation: Consultation, actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        return
    digest = _participation_digest(consultation, actor)
    try:
        with transaction.atomic():
            Participation.objects.create(consultation=consultation, digest=digest)
    except IntegrityError:
        raise AlreadyAnswered() from None


def has_answered(consultation: Consultation, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    digest = _participation_digest(consultation, user)
    return Participation.objects.filter(consultation=consultation, digest=digest).exists()


def _tally_rows(
    consultation: Consultation, responses: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Tally rows for (version id, answers, kind, region) of responses, summed per cell."""
    cells: Counter[tuple[str, str, str, str]] = Counter()
    uploaded = dict(
        FormVersion.objects.filter(pk__in={r[0] for r in responses}).values_list(
            "pk", "uploaded_at"
        )
    )
    for version_id, answers, kind, region in responses:
        form = _definition(version_id, uploaded[version_id])
        for question, value in cells_of(form, answers):
            cells[(question[:200], value[:200], kind, region)] += 1
        cells[("", "", kind, region)] += 1
    # Sorted, so that concurrent counters lock the rows in the same order (no deadlock).
    return sorted((consultation.pk, *cell, n) for cell, n in cells.items())


def count_responses(consultation: Consultation, *, batch: int = 5000) -> int:
    """Fold the responses not yet counted into the tallies; returns how many were counted.

    Each batch is counted and marked in one transaction, with its rows locked, so a response is
    counted exactly once even when several processes fold at the same time.
    """
    total = 0
    while True:
        with transaction.atomic():
            pending = Response.objects.filter(consultation=consultation, counted=False)
            if connection.features.has_select_for_update_skip_locked:
                pending = pending.select_for_update(skip_locked=True)
            rows = list(
                pending.order_by("id").values_list("id", "version_id", "answers", "kind", "region")[
                    :batch
                ]
            )
            if not rows:
                return total
            _upsert_tallies(_tally_rows(consultation, [r[1:] for r in rows]))
            Response.objects.filter(pk__in=[r[0] for r in rows]).update(counted=True)
            if consultation.is_anonymous:
                _rewrite_in_key_order([r[0] for r in rows])
        total += len(rows)


# Rows are taken out and put back in the order of their (random) ids, in one statement.
_REWRITE = (
    "WITH moved AS (DELETE FROM consultations_response WHERE id = ANY(%s) RETURNING *) "
    "INSERT INTO consultations_response SELECT * FROM moved ORDER BY id"
)


def _rewrite_in_key_order(ids: list[int]) -> None:
    """PostgreSQL stores rows in the order they were written and stamps each with its writing
    transaction, which a participation written just before would match. Written again here, in
    the order of their random ids and all by this one transaction, anonymous responses keep no
    trace of when each came. (SQLite stores them by id already.)"""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_REWRITE, [ids])


# The table name is ours and every value is a parameter.
_TALLY_UPSERT = (
    "INSERT INTO consultations_tally (consultation_id, question, value, kind, region, count) "
    "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], "
    "%s::bigint[]) ON CONFLICT (consultation_id, question, value, kind, region) "
    "DO UPDATE SET count = consultations_tally.count + excluded.count"
)


def _upsert_tallies(rows: list[tuple[Any, ...]]) -> None:
    if connection.vendor == "postgresql":
        # A statement whose text never changes: PostgreSQL unpacks the arrays.
        with connection.cursor() as cursor:
            cursor.execute(_TALLY_UPSERT, [list(c) for c in zip(*rows, strict=True)])
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    for start in range(0, len(rows), 100):
        chunk = rows[start : start + 100]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
        sql = "".join(  # noqa: S608
            [
                f"INSERT INTO {table} (consultation_id, question, value, kind, region, count) ",
                f"VALUES {placeholders} ",
                "ON CONFLICT (consultation_id, question, value, kind, region) ",
                f"DO UPDATE SET count = {table}.count + excluded.count",
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for row in chunk for v in row])


def count_all_responses() -> int:
    """Fold what every consultation with uncounted responses has received (periodic task)."""
    ids = Response.objects.filter(counted=False).values_list("consultation_id", flat=True)
    return sum(count_responses(c) for c in Consultation.objects.filter(pk__in=ids.distinct()))


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
    if has_answered(consultation, actor):
        raise AlreadyAnswered()
    draft, _created = Draft.objects.update_or_create(
        consultation=consultation, respondent=actor, defaults={"answers": answers, "page": page}
    )
    return draft


# Exports -----------------------------------------------------------------------------------------


def request_export(
    consultation: Consultation, *, actor: Any, fmt: str, labels: bool, language: str
) -> ExportJob:
    """Queue an export to be built in the background; the page follows its progress."""
    job = ExportJob.objects.create(
        consultation=consultation,
        requested_by=actor,
        format=fmt,
        options={"labels": labels, "language": language},
        total=consultation.responses.count(),
    )
    audit.record(
        "consultations.export.requested",
        actor=actor,
        obj=consultation,
        process=consultation.process,
        data={"format": fmt},
    )
    from core.tasks import enqueue_on_commit

    from .tasks import build_export as task

    enqueue_on_commit(task, job.pk)
    return job


def build_export(job: ExportJob) -> ExportJob:
    """Write the export's file, telling the job how far it got."""
    from .exports import Layout, write_export

    consultation = job.consultation
    version = current_version(consultation)
    if version is None:
        job.state, job.error = "failed", "no form"
        job.save(update_fields=["state", "error"])
        return job
    layout = Layout(
        consultation,
        definition_of(version),
        labels=bool(job.options.get("labels")),
        language=str(job.options.get("language", "")),
    )
    ExportJob.objects.filter(pk=job.pk).update(state="running")

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done)

    responses = consultation.responses.select_related("respondent", "organisation").order_by("id")
    job.content = write_export(job.format, layout, responses.iterator(chunk_size=1000), progress)
    job.state, job.done = "ready", job.total
    job.save(update_fields=["content", "state", "done"])
    return job
