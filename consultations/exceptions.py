from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from .xlsform import FormError


class ConsultationError(Exception):
    """A rule of consultations was broken; the message is safe to show."""


class NotOpen(ConsultationError):
    def __init__(self, opens_at: datetime, closes_at: datetime) -> None:
        self.opens_at, self.closes_at = opens_at, closes_at
        super().__init__(
            _("This consultation takes answers from %(opens)s to %(closes)s (UTC).")
            % {"opens": _moment(opens_at), "closes": _moment(closes_at)}
        )


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


class NotInAudience(ConsultationError):
    def __init__(self) -> None:
        super().__init__(_("This consultation is not addressed to you."))


class AlreadyAnswered(ConsultationError):
    def __init__(self) -> None:
        super().__init__(_("You have already answered this consultation."))


class DraftsNotKept(ConsultationError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This consultation is anonymous: unfinished answers are not kept on the server. "
                "Send your answers when you are ready."
            )
        )


class InstanceConflict(ConsultationError):
    def __init__(self) -> None:
        super().__init__(_("A different response was already received with this instance_id."))


class InvalidResponse(ConsultationError):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__(_("Some answers need attention."))


class StatusNotAllowed(ConsultationError):
    def __init__(self, current: Any, wanted: Any, allowed: list[str]) -> None:
        self.allowed = allowed
        super().__init__(
            _(
                "A consultation that is %(current)s cannot become %(wanted)s. "
                "Allowed now: %(allowed)s."
            )
            % {"current": current, "wanted": wanted, "allowed": ", ".join(allowed) or _("none")}
        )


class FormLocked(ConsultationError):
    def __init__(self) -> None:
        super().__init__(_("Responses have been received: the form can no longer be replaced."))


class NoForm(ConsultationError):
    def __init__(self) -> None:
        super().__init__(_("Upload the form before opening the consultation."))


class StaleConsultation(Exception):
    """The consultation (or its process) changed since the caller read it: read it again."""


class SlugTaken(ConsultationError):
    def __init__(self) -> None:
        super().__init__(_("This short name is taken."))


class InvalidUpload(ConsultationError):
    """A file given as an answer is refused; the message says why."""


class RecordingsInAnonymous(FormError):
    """A form error, so that every page, the API and the import command show it on the form."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Anonymous consultations cannot ask for audio or video: a voice or a face says "
                "who answered, and a recording's metadata cannot be removed. Remove those "
                "questions, or choose another identity mode."
            )
        )
