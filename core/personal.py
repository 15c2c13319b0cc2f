"""Personal data rights: each app registers, from its AppConfig.ready(), what it holds about a
person (`export`), how it forgets them when they delete their account (`erase`), what would
stop that (`refuse`), and what it removes once a process's retention periods have run out
(`retain`). The core knows no app; accounts' pages and API call the functions below.

- export(user) -> dict: everything the app holds about the person, as plain JSON values.
- erase(user) -> dict[str, int]: removes or unlinks it (inside the erasure's transaction, before
  the account row is deleted); returns what it did, as counts, for the audit entry.
- refuse(user) -> list[str]: reasons, to show the person, why the account cannot go yet.
- retain(process, now) -> int: removes what the process's retention periods say has expired;
  returns how many rows it removed or unlinked.

The page shows each item's fields under FIELD_LABELS, one table for every app: a key such as
`state`, `created` or `organisation` means the same wherever it is exported.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

Export = Callable[[Any], dict[str, Any]]
Erase = Callable[[Any], dict[str, int]]
Refuse = Callable[[Any], list[str]]
Retain = Callable[[Any, datetime], int]


# The fields of the items the apps export (and of the audit log's entries), by key. Part keys
# are not here: each provider heads its own parts through its `labels`.
FIELD_LABELS: dict[str, Any] = {
    "accepted": _("Accepted"),
    "action": _("Action"),
    "agenda_item": _("Agenda item"),
    "answers": _("Answers"),
    "article": _("Article"),
    "at_risk": _("At risk of reprisals"),
    "attachment": _("Attachment"),
    "basis": _("Basis"),
    "body": _("Text or justification"),
    "by_you": _("Done by you"),
    "checked_in": _("Checked in"),
    "consultation": _("Consultation"),
    "consultation_slug": _("Short name"),
    "content": _("Content"),
    "content_type": _("File type"),
    "created": _("Created"),
    "data": _("Details"),
    "date_joined": _("Account created"),
    "decided": _("Decided"),
    "deliberation": _("Deliberation"),
    "disclose": _("Basis may be disclosed"),
    "display_name": _("Display name"),
    "email": _("E-mail address"),
    "event": _("Event"),
    "event_slug": _("Short name"),
    "file_name": _("File name"),
    "files": _("Files"),
    "gender": _("Gender"),
    "given": _("Floor given"),
    "granted": _("Granted"),
    "id": _("Identifier"),
    "identity": _("Identity"),
    "joined": _("Joined"),
    "kind": _("Kind"),
    "language": _("Language"),
    "last_login": _("Last signed in"),
    "last_used": _("Last used"),
    "listed_among_participants": _("Listed among participants"),
    "lodged": _("Lodged"),
    "member_state": _("Member State"),
    "moderation_reason": _("Moderator's reason"),
    "name": _("Token name"),
    "note": _("Note"),
    "number": _("Number"),
    "object_id": _("Object identifier"),
    "object_type": _("Object type"),
    "operation": _("Operation"),
    "organisation": _("Organisation"),
    "organisation_id": _("Organisation identifier"),
    "passage": _("Passage"),
    "personal": _("Personal values"),
    "prefix": _("Prefix"),
    "primary": _("Primary"),
    "process": _("Process"),
    # Not "Proposed": the catalogues already hold it as a noun ("Proposition").
    "proposed": _("Proposed on"),
    "proposed_text": _("Proposed wording"),
    "published": _("Published"),
    "question": _("Question"),
    # Not "Record": the catalogues already hold it as a verb ("Enregistrer").
    "record": _("Knowledge record"),
    "reference": _("Reference"),
    "registered": _("Registered"),
    "requested": _("Requested"),
    "revision": _("Revision"),
    "revoked": _("Revoked"),
    "role": _("Role"),
    "saved": _("Saved"),
    "sent": _("Sent"),
    "seq": _("Entry number"),
    "size": _("Size (bytes)"),
    "slug": _("Short name"),
    "spokesperson": _("Spokesperson"),
    "state": _("State"),
    "statement": _("Statement"),
    "submitted": _("Submitted"),
    "text": _("Text"),
    "time": _("Time"),
    "title": _("Title"),
    "topic": _("Topic"),
    "track": _("Track"),
    "type": _("Type"),
    "verified": _("Verified"),
    "version": _("Version"),
    # Not "Vote": the catalogues already hold it as a verb ("Voter").
    "vote": _("Your vote"),
    "withdrawn": _("Withdrawn"),
}


@dataclass(frozen=True)
class Provider:
    name: str
    title: Any  # a lazily translated string: the heading of its part of the download page
    labels: dict[str, Any]  # export key -> lazily translated heading
    export: Export | None
    erase: Erase | None
    refuse: Refuse | None
    retain: Retain | None
    order: int


_providers: list[Provider] = []


def register_personal_data(
    name: str,
    *,
    title: Any = "",
    labels: dict[str, Any] | None = None,
    export: Export | None = None,
    erase: Erase | None = None,
    refuse: Refuse | None = None,
    retain: Retain | None = None,
    order: int = 100,
) -> None:
    """Declare an app's personal data (from its AppConfig.ready); registering again is a no-op."""
    if all(provider.name != name for provider in _providers):
        provider = Provider(name, title or name, labels or {}, export, erase, refuse, retain, order)
        _providers.append(provider)


def providers() -> list[Provider]:
    return sorted(_providers, key=lambda p: (p.order, p.name))


def export_all(user: Any) -> dict[str, Any]:
    """Everything each app holds about the person, by app name."""
    return {p.name: p.export(user) for p in providers() if p.export is not None}


def refusals(user: Any) -> list[str]:
    """Why the person's account cannot be deleted now (empty: it can)."""
    return [reason for p in providers() if p.refuse is not None for reason in p.refuse(user)]


def erase_all(user: Any) -> dict[str, dict[str, int]]:
    """Have each app forget the person; the caller owns the transaction."""
    return {p.name: p.erase(user) for p in providers() if p.erase is not None}


def retain_all(process: Any, now: datetime) -> dict[str, int]:
    """Apply the process's retention periods in each app; what each removed, if anything."""
    done = {p.name: p.retain(process, now) for p in providers() if p.retain is not None}
    return {name: count for name, count in done.items() if count}
