from datetime import UTC, datetime

from django.utils.translation import gettext as _


class DraftsError(Exception):
    """A rule of negotiating texts was broken; the message is safe to show."""

    field = ""


class UnreadableText(DraftsError):
    """An import that cannot be read: the line and what was expected there."""

    field = "file"

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(_("Line %(line)s: %(message)s") % {"line": line, "message": message})


class DeadlinePassed(DraftsError):
    def __init__(self, deadline: datetime) -> None:
        self.deadline = deadline
        super().__init__(
            _("The deadline for submissions on this revision was %(deadline)s (UTC).")
            % {"deadline": deadline.astimezone(UTC).strftime("%Y-%m-%d %H:%M")}
        )


class TooLong(DraftsError):
    field = "body"

    def __init__(self, words: int, limit: int) -> None:
        self.words, self.limit = words, limit
        super().__init__(
            _("This text has %(words)s words; the limit is %(limit)s. Shorten it, then send it.")
            % {"words": words, "limit": limit}
        )


class InvalidAnchor(DraftsError):
    field = "quote"

    def __init__(self, message: str, field: str = "quote") -> None:
        self.field = field
        super().__init__(message)


class InvalidSubmission(DraftsError):
    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class NotAllowed(DraftsError):
    """The person may not write for this process (not accredited, not a delegate)."""


class StepNotAllowed(DraftsError):
    def __init__(self, state: str, step: str, allowed: list[str]) -> None:
        self.allowed = allowed
        super().__init__(
            _("A submission that is %(state)s cannot be %(step)s. Allowed now: %(allowed)s.")
            % {"state": state, "step": step, "allowed": ", ".join(allowed) or _("none")}
        )


class InvalidDocument(DraftsError):
    field = "attachment"
