"""E-mails to contributors: what moderation made of their record, and why."""

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import queue_email

_MESSAGES = {  # lazily translated: read when each e-mail is written, in its reader's language
    "received": gettext_lazy(
        "Thank you: your record was received. Moderators will review it before it is published."
    ),
    "published": gettext_lazy("Your record was published in the knowledge base."),
    "change_published": gettext_lazy("The change you proposed to this record was published."),
    "rejected": gettext_lazy("Your record was not published. The moderators' reason:"),
    "change_rejected": gettext_lazy(
        "The change you proposed to this record was not published. The moderators' reason:"
    ),
    "withdrawn": gettext_lazy(
        "This record was withdrawn from the knowledge base. The moderators' reason:"
    ),
}


def tell_contributor(person: Any, record: Any, event: str, *, reason: str = "") -> None:
    """Queue the e-mail (sent once the transaction commits) to whoever contributed."""
    if person is None or not getattr(person, "is_active", False) or not person.email:
        return
    with translation.override(person.language or settings.LANGUAGE_CODE):
        body = str(_MESSAGES[event])
        if reason:
            body += "\n\n" + reason
        address = f"{settings.SITE_URL.rstrip('/')}/knowledge/{record.public_id}/"
        subject = _("Your contribution to the knowledge base")
    queue_email(to=[person.email], subject=subject, body=f"{record.title}\n\n{body}\n\n{address}\n")
