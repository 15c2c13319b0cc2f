"""E-mails to applicants at every step of their application."""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import queue_email

from .choices import MemberRole, ObjectionTransparency
from .selectors import settings_of

_MESSAGES = {  # lazily translated: the texts are read when an e-mail is written
    "submit": gettext_lazy("Your application was submitted. The secretariat will review it."),
    "withdraw": gettext_lazy("Your application was withdrawn."),
    "return": gettext_lazy(
        "The secretariat returned your application and asks for more information:"
    ),
    "review": gettext_lazy("The secretariat is reviewing your application."),
    "circulate": gettext_lazy(
        "Your application was circulated to Member States. Unless a Member State "
        "objects by %(deadline)s, your organisation will be accredited."
    ),
    "objected": gettext_lazy(
        "A Member State objected to your application. The committee will decide."
    ),
    "objections_withdrawn": gettext_lazy("The objection to your application was withdrawn."),
    "decide": gettext_lazy("A decision was taken on your application: %(decision)s."),
    "accredited_without_objection": gettext_lazy(
        "No Member State objected by the deadline: your organisation is accredited."
    ),
    "carried_over": gettext_lazy(
        "Your organisation's accreditation was carried over from the previous process."
    ),
}


def _recipients(application: Any) -> dict[str, list[str]]:
    """The organisation's administrators, and whoever started the application if they are still
    one of its people (someone removed from it hears no more), by preferred language."""
    members = application.organisation.memberships.select_related("user")
    by_language: dict[str, list[str]] = defaultdict(list)
    for m in members:
        if m.role == MemberRole.ADMIN or m.user_id == application.created_by_id:
            by_language[m.user.language or settings.LANGUAGE_CODE].append(m.user.email)
    return by_language


def _transparency(application: Any) -> str:
    return str(settings_of(application.process).objection_transparency)


def notify_applicant(application: Any, action: str) -> None:
    """Queue the e-mail for this step; an objection is told only where the process allows it."""
    objection_news = action in ("objected", "objections_withdrawn")
    if objection_news and _transparency(application) == ObjectionTransparency.SECRETARIAT:
        return
    if action not in _MESSAGES:
        return
    for language, addresses in _recipients(application).items():
        # Each person reads it in the language they chose, whoever took the step.
        with translation.override(language):
            subject, body = _compose(application, action)
        queue_email(to=addresses, subject=subject, body=body)


def _compose(application: Any, action: str) -> tuple[str, str]:
    body = str(_MESSAGES[action]) % {
        "deadline": application.deadline.isoformat() if application.deadline else "",
        "decision": application.get_state_display(),
    }
    if action == "return":
        body += "\n\n" + application.secretariat_note
    if action == "objected":
        disclosed = [
            o.basis for o in application.objections.filter(disclose=True, withdrawn_at__isnull=True)
        ]
        if disclosed:
            body += "\n\n" + _("Basis given:") + "\n" + "\n".join(f"- {b}" for b in disclosed)
    if action == "decide" and application.decision_reason:
        body += "\n\n" + _("Reason:") + " " + application.decision_reason
    subject = _("Your accreditation to %(process)s") % {"process": application.process.name}
    return subject, f"{application.organisation.name}\n\n{body}\n"
