"""Every write of the knowledge base: contributions, changes, moderation and withdrawal.

A record's content goes through `content.clean_content` (the rules) and its PDF through
`evidence.read_pdf` before anything is written; each service owns its transaction and its audit
entry, and e-mails on commit. The secretariat's records are published at once; everyone else's
wait in the moderation queue, and the contributor is told what became of them, and why.
"""

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import Process
from core.selectors import processes_visible_to
from stakeholders.models import Organisation
from stakeholders.selectors import organisations_of

from .choices import RecordState, VersionState
from .content import apply_content, changed_fields, clean_content, content_of
from .evidence import MAX_DOCUMENTS, CheckedPdf, read_pdf
from .exceptions import (
    EditPending,
    InvalidDocument,
    InvalidRecord,
    NotAContributor,
    NothingChanged,
    NotPending,
    NotPublished,
    OwnContribution,
    ReasonRequired,
    RecordWithdrawn,
)
from .models import EvidenceDocument, Record, RecordVersion
from .notifications import tell_contributor
from .permissions import may_contribute, publishes_at_once
from .search import index_record, unindex_record

MAX_REASON = 2000


# Contributing and changing -----------------------------------------------------------------------


def contribute_record(
    *,
    actor: Any,
    content: dict[str, Any],
    process: Process | None = None,
    organisation: Organisation | None = None,
    upload: Any = None,
    note: str = "",
) -> Record:
    """A new record: published at once by the secretariat, else put in the moderation queue."""
    if not may_contribute(actor):
        raise NotAContributor()
    _check_scope(actor, process, organisation)
    cleaned = clean_content(content, viewer=actor)
    checked = read_pdf(upload) if upload is not None else None
    at_once = publishes_at_once(actor, process)
    with transaction.atomic():
        record = Record(process=process, organisation=organisation, contributed_by=actor)
        record.state = RecordState.PUBLISHED if at_once else RecordState.PENDING
        record.published_at = timezone.now() if at_once else None
        apply_content(record, cleaned)
        if checked is not None:
            cleaned["documents"] = [_store(record, checked, actor).public_id]
            apply_content(record, cleaned)
        state = VersionState.ACCEPTED if at_once else VersionState.PENDING
        _version(record, cleaned, actor=actor, state=state, changed=[], note=note)
        index_record(record)
        action = "knowledge.record.published" if at_once else "knowledge.record.contributed"
        _audit(action, record, actor, version=1)
        if not at_once:
            tell_contributor(actor, record, "received")
    return record


def propose_change(
    record: Record, *, actor: Any, content: dict[str, Any], upload: Any = None, note: str = ""
) -> RecordVersion:
    """A new version of a record. The secretariat's changes are published at once; others wait
    for moderation, while the record shows its published version (a record never published yet
    shows the proposal to its contributor and moderators)."""
    cleaned = clean_content(content, viewer=actor, record=record)
    checked = read_pdf(upload) if upload is not None else None
    with transaction.atomic():
        record = _locked(record)
        if record.state == RecordState.WITHDRAWN:
            raise RecordWithdrawn()
        if record.versions.filter(state=VersionState.PENDING).exists():
            raise EditPending()
        changed = changed_fields(content_of(record), cleaned)
        if not changed and checked is None:
            raise NothingChanged()
        if checked is not None:
            cleaned["documents"] = [*cleaned["documents"], _store(record, checked, actor).public_id]
            changed = sorted({*changed, "documents"})
        return _new_version(record, cleaned, actor=actor, changed=changed, note=note)


def add_evidence(record: Record, *, actor: Any, upload: Any, note: str = "") -> RecordVersion:
    """A PDF added to a record's evidence: a change like any other (moderated unless made by the
    secretariat)."""
    return propose_change(record, actor=actor, content=content_of(record), upload=upload, note=note)


def _new_version(
    record: Record, cleaned: dict[str, Any], *, actor: Any, changed: list[str], note: str
) -> RecordVersion:
    at_once = publishes_at_once(actor, record.process)
    state = VersionState.ACCEPTED if at_once else VersionState.PENDING
    version = _version(record, cleaned, actor=actor, state=state, changed=changed, note=note)
    if at_once:
        _publish(record, version)
        _audit("knowledge.record.changed", record, actor, version=version.number, changed=changed)
        return version
    if record.state != RecordState.PUBLISHED:
        # Nothing of it is public yet: the record shows what is now proposed.
        apply_content(record, cleaned)
        record.state = RecordState.PENDING
        record.save(update_fields=["state", "updated_at"])
    _audit("knowledge.version.proposed", record, actor, version=version.number, changed=changed)
    return version


def _check_scope(actor: Any, process: Process | None, organisation: Organisation | None) -> None:
    errors: dict[str, list[str]] = {}
    if process is not None and not processes_visible_to(actor).filter(pk=process.pk).exists():
        errors["process"] = [_("Choose a process you can see.")]
    if organisation is not None and not organisations_of(actor).filter(pk=organisation.pk).exists():
        errors["organisation"] = [_("Contribute for an organisation you belong to.")]
    if errors:
        raise InvalidRecord(errors)


def _store(record: Record, checked: CheckedPdf, actor: Any) -> EvidenceDocument:
    if record.documents.filter(shown=True).count() >= MAX_DOCUMENTS:
        raise InvalidDocument(
            _("A record holds at most %(n)s documents: remove one first.") % {"n": MAX_DOCUMENTS}
        )
    document = EvidenceDocument(
        record=record,
        original_name=checked.name,
        size=len(checked.content),
        digest=checked.digest,
        uploaded_by=actor if _signed_in(actor) else None,
    )
    document.file.save("document.pdf", ContentFile(checked.content), save=False)
    document.save()
    audit.record(
        "knowledge.document.uploaded",
        actor=actor,
        obj=record,
        process=record.process,
        data={"document": document.public_id, "size": document.size, "sha256": checked.digest},
    )
    return document


# Moderation --------------------------------------------------------------------------------------


def publish_version(version: RecordVersion, *, actor: Any, note: str = "") -> RecordVersion:
    """Publish a contribution or a proposed change (never one's own)."""
    with transaction.atomic():
        version, record = _pending(version)
        if version.created_by_id is not None and version.created_by_id == actor.pk:
            raise OwnContribution()
        first = record.published_at is None
        version.state, version.reason = VersionState.ACCEPTED, note.strip()[:MAX_REASON]
        _moderated(version, actor)
        _publish(record, version)
        _audit("knowledge.version.published", record, actor, version=version.number)
        event = "published" if first else "change_published"
        tell_contributor(version.created_by, record, event)
    return version


def reject_version(version: RecordVersion, *, actor: Any, reason: str) -> RecordVersion:
    """Refuse a contribution or a proposed change, with the reason the contributor is told."""
    reason = _reason(reason)
    with transaction.atomic():
        version, record = _pending(version)
        if version.created_by_id is not None and version.created_by_id == actor.pk:
            raise OwnContribution()
        version.state, version.reason = VersionState.REJECTED, reason
        _moderated(version, actor)
        never_published = record.published_at is None
        if never_published:
            record.state = RecordState.REJECTED
            record.save(update_fields=["state", "updated_at"])
        _audit("knowledge.version.rejected", record, actor, version=version.number)
        event = "rejected" if never_published else "change_rejected"
        tell_contributor(version.created_by, record, event, reason=reason)
    return version


def withdraw_record(record: Record, *, actor: Any, reason: str) -> Record:
    """Take a published record out of the knowledge base (its versions are kept)."""
    reason = _reason(reason)
    with transaction.atomic():
        record = _locked(record)
        if record.state != RecordState.PUBLISHED:
            raise NotPublished()
        record.state, record.withdrawn_reason = RecordState.WITHDRAWN, reason
        record.save(update_fields=["state", "withdrawn_reason", "updated_at"])
        for version in record.versions.filter(state=VersionState.PENDING):
            version.state, version.reason = VersionState.REJECTED, reason
            _moderated(version, actor)
        unindex_record(record)
        _audit("knowledge.record.withdrawn", record, actor, version=record.version)
        tell_contributor(record.contributed_by, record, "withdrawn", reason=reason)
    return record


def _pending(version: RecordVersion) -> tuple[RecordVersion, Record]:
    record = _locked(version.record)
    version = RecordVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != VersionState.PENDING:
        raise NotPending()
    if record.state == RecordState.WITHDRAWN:
        raise RecordWithdrawn()
    version.record = record
    return version, record


def _publish(record: Record, version: RecordVersion) -> None:
    apply_content(record, version.content)
    record.state, record.version = RecordState.PUBLISHED, version.number
    record.published_at = record.published_at or timezone.now()
    record.save(update_fields=["state", "version", "published_at", "updated_at"])
    index_record(record)


def _moderated(version: RecordVersion, actor: Any) -> None:
    version.moderated_by, version.moderated_at = actor, timezone.now()
    version.save(update_fields=["state", "reason", "moderated_by", "moderated_at"])


def _reason(reason: str) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ReasonRequired()
    if len(reason) > MAX_REASON:
        raise InvalidRecord({"reason": [_("At most %(n)s characters.") % {"n": MAX_REASON}]})
    return reason


# Shared ------------------------------------------------------------------------------------------


def _signed_in(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _locked(record: Record) -> Record:
    return (
        Record.objects.select_for_update(of=("self",)).select_related("process").get(pk=record.pk)
    )


def _version(
    record: Record,
    content: dict[str, Any],
    *,
    actor: Any,
    state: str,
    changed: list[str],
    note: str,
) -> RecordVersion:
    last = record.versions.order_by("-number").values_list("number", flat=True).first() or 0
    accepted = state == VersionState.ACCEPTED
    who = actor if _signed_in(actor) else None
    return RecordVersion.objects.create(
        record=record,
        number=last + 1,
        state=state,
        content=content,
        changed=changed,
        note=" ".join((note or "").split())[:300],
        created_by=who,
        moderated_by=who if accepted else None,
        moderated_at=timezone.now() if accepted else None,
    )


def _audit(action: str, record: Record, actor: Any, **data: Any) -> None:
    audit.record(action, actor=actor, obj=record, process=record.process, data=data)
