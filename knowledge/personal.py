"""What the knowledge base holds about a person: the records, versions and evidence they
contributed. Records describe organisations' practice under an open licence: on erasure they
stay, unlinked from the person."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import EvidenceDocument, Record, RecordVersion

TITLE = _("Knowledge base")
LABELS = {
    "records_contributed": _("Records you contributed"),
    "versions_proposed": _("Versions you proposed"),
    "documents_uploaded": _("Documents you uploaded"),
}


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(user: Any) -> dict[str, Any]:
    """Records contributed, versions proposed, documents uploaded."""
    records = Record.objects.filter(contributed_by=user).order_by("pk")
    versions = RecordVersion.objects.filter(created_by=user).select_related("record")
    documents = EvidenceDocument.objects.filter(uploaded_by=user).select_related("record")
    return {
        "records_contributed": [
            {
                "id": r.public_id,
                "title": r.title,
                "type": r.record_type,
                "state": r.state,
                "created": _when(r.created_at),
            }
            for r in records
        ],
        "versions_proposed": [
            {
                "record": v.record.public_id,
                "version": v.number,
                "state": v.state,
                "note": v.note,
                "proposed": _when(v.created_at),
                "content": v.content,
            }
            for v in versions.order_by("pk")
        ],
        "documents_uploaded": [
            {"record": d.record.public_id, "file_name": d.original_name, "size": d.size}
            for d in documents.order_by("pk")
        ],
    }


def erase(user: Any) -> dict[str, int]:
    """Unlink what the person contributed (the rows would be unlinked with the account anyway;
    counted here for the audit entry)."""
    return {
        "records_unlinked": Record.objects.filter(contributed_by=user).update(contributed_by=None),
        "versions_unlinked": RecordVersion.objects.filter(created_by=user).update(created_by=None),
        "documents_unlinked": EvidenceDocument.objects.filter(uploaded_by=user).update(
            uploaded_by=None
        ),
    }
