"""Responses in: the submission's fast path, from the checks to the one INSERT.

The busiest request of the platform, so it is written for speed (statements built once, a
consultation remembered per process and checked in the INSERT itself) and for anonymity
(README, "Threat model"): in anonymous consultations a response gets a random id and a day-coarse
time, and that a signed-in person answered is written apart from what they answered.

No audit entry is written for an answer: in anonymous consultations one would tie the person
to the moment of their response, and the participation row already says who answered.
"""

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .attachments import claim_files, files_named, missing_files
from .choices import Audience, Status
from .exceptions import (
    AlreadyAnswered,
    InstanceConflict,
    InvalidResponse,
    NotInAudience,
    NotOpen,
    StaleConsultation,
)
from .models import Consultation, Draft, FormVersion, Participation, Response
from .permissions import in_audience
from .selectors import (
    current_version,
    definition_of,
    organisations_answering_for,
    participation_digest,
)
from .validation import validate_submission
from .xlsform import FormDefinition


def check_window(consultation: Consultation, now: datetime | None = None) -> None:
    """Raise NotOpen unless the consultation takes answers now."""
    now = now or timezone.now()
    if consultation.status != Status.OPEN or not (
        consultation.opens_at <= now < consultation.closes_at
    ):
        raise NotOpen(consultation.opens_at, consultation.closes_at)


def is_taking_answers(consultation: Consultation) -> bool:
    try:
        check_window(consultation)
    except NotOpen:
        return False
    return True


@dataclass
class _Sent:
    """What the respondent sent, and the digest that recognises it when sent again."""

    instance_id: uuid.UUID
    answers: Any
    language: str
    organisation_id: int | None
    declared: dict[str, str]
    now: datetime | None
    digest: str


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
    sent = _Sent(instance_id, answers, language, organisation_id, declared, now, digest)
    try:
        return _store(consultation, actor, sent)
    except (NotOpen, AlreadyAnswered, InvalidResponse, NotInAudience):
        # A retry of a response already stored is answered with it, whatever changed since.
        existing = _existing(consultation, instance_id, digest)
        if existing is None:
            raise
        return existing, False


def _store(consultation: Consultation, actor: Any, sent: _Sent) -> tuple[Response, bool]:
    response = _checked_response(consultation, actor, sent)
    try:
        _write(consultation, actor, response)
    except IntegrityError:
        # The instance was stored before (a retry, or a twin request that won the race).
        existing = _existing(consultation, sent.instance_id, sent.digest)
        if existing is None:
            raise AlreadyAnswered() from None
        return existing, False
    return response, True


def _checked_response(consultation: Consultation, actor: Any, sent: _Sent) -> Response:
    """The response to store, once every rule let it through (nothing is written yet)."""
    check_window(consultation, sent.now)
    organisation, kind, region = _respondent(consultation, actor, sent.organisation_id)
    version, form = _form_answered(consultation)
    language = sent.language if sent.language in form.languages else form.default_language
    result = validate_submission(form, sent.answers, language)
    if not result.valid:
        raise InvalidResponse(result.errors)
    files = files_named(form, result.answers)
    missing = missing_files(consultation, files)
    if missing:
        raise InvalidResponse(missing)
    if consultation.is_anonymous or organisation is None:
        kind, region = sent.declared.get("kind", ""), sent.declared.get("region", "")
    response = Response(
        consultation=consultation,
        version=version,
        instance_id=sent.instance_id,
        reference=_reference(consultation, sent.instance_id),
        digest=sent.digest,
        language=language or form.default_language,
        answers=result.answers,
        kind=kind,
        region=region,
        submitted_at=_stored_time(consultation, sent.now or timezone.now()),
    )
    if consultation.is_anonymous:
        response.pk = _unordered_id()
    else:
        response.respondent = actor if getattr(actor, "is_authenticated", False) else None
        response.organisation = organisation
    response.files = files  # type: ignore[attr-defined]  # claimed in the response's transaction
    return response


def _form_answered(consultation: Consultation) -> tuple[FormVersion, FormDefinition]:
    version = current_version(consultation)
    if version is None:
        raise NotOpen(consultation.opens_at, consultation.closes_at)
    return version, definition_of(version)


def _write(consultation: Consultation, actor: Any, response: Response) -> None:
    if getattr(actor, "is_authenticated", False) and consultation.is_anonymous:
        _store_unlinked(consultation, actor, response)
    elif getattr(actor, "is_authenticated", False):
        with transaction.atomic():
            _lock_unchanged(consultation)
            _record_participation(consultation, actor)
            response.save()
            claim_files(response, _files(response))
            Draft.objects.filter(consultation=consultation, respondent=actor).delete()
    else:
        # One INSERT, atomic by itself (a savepoint only inside a caller's transaction).
        # It is counted in the tallies later, by counting.count_responses(), exactly once:
        # writers do not queue on the hot tally rows.
        if connection.in_atomic_block or _files(response):
            with transaction.atomic():
                _insert(response, consultation)
                claim_files(response, _files(response))
        else:
            _insert(response, consultation)


def _files(response: Response) -> list[tuple[str, str, str]]:
    return list(getattr(response, "files", []))


def _reference(consultation: Consultation, instance_id: uuid.UUID) -> str:
    """A receipt code derived from the instance: the same on a retry, and meaningless alone."""
    key = settings.SECRET_KEY.encode()
    raw = hmac.new(key, f"receipt:{consultation.pk}:{instance_id}".encode(), "sha256").digest()
    code = base64.b32encode(raw).decode()[:12]
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


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
    choices = organisations_answering_for(consultation, actor)
    if organisation_id is None:
        organisation = choices.first() if consultation.audience == Audience.ACCREDITED else None
    else:
        organisation = choices.filter(pk=organisation_id).first()
        if organisation is None:
            raise InvalidResponse([{"field": "organisation_id", "message": str(NotInAudience())}])
    if organisation is None:
        return None, "", ""
    return organisation, organisation.kind, organisation.region


# The INSERT -------------------------------------------------------------------------------------

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


# Participation ----------------------------------------------------------------------------------


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
            claim_files(response, _files(response))
    except BaseException:
        # The answer was not stored: neither is the fact of answering.
        Participation.objects.filter(
            consultation=consultation, digest=participation_digest(consultation, actor)
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
    digest = participation_digest(consultation, actor)
    try:
        with transaction.atomic():
            Participation.objects.create(consultation=consultation, digest=digest)
    except IntegrityError:
        raise AlreadyAnswered() from None
