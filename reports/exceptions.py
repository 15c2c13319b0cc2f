"""What the report services refuse, each with a message a person can act on."""

from django.utils.translation import gettext as _


class ReportError(Exception):
    """Base of the reports app's refusals."""


class BlockRefused(ReportError):
    """A block points at data the author may not see, or at nothing."""


class ReportMismatch(ReportError):
    """Publication refused: some snapshots no longer match the live data."""

    def __init__(self, mismatches: list[str]) -> None:
        self.mismatches = mismatches
        super().__init__(_("The report does not match the data: %s") % "; ".join(mismatches))


class AlreadyPublished(ReportError):
    """A published report is stable: it is not edited again."""
