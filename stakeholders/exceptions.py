from datetime import date
from typing import Any

from django.utils.translation import gettext as _


class StakeholdersError(Exception):
    """A rule of the registry or of accreditation was broken; the message is safe to show."""


class DuplicateOrganisation(StakeholdersError):
    def __init__(self, existing: Any) -> None:
        self.existing = existing
        super().__init__(_("An organisation with this name is already registered in this country."))


class ActionNotAllowed(StakeholdersError):
    def __init__(self, action: str, state: str, allowed: list[str]) -> None:
        self.action, self.state, self.allowed = action, state, allowed
        allowed_text = ", ".join(allowed) if allowed else _("none")
        super().__init__(
            _(
                "“%(action)s” is not possible while the application is %(state)s. "
                "Allowed now: %(allowed)s."
            )
            % {"action": action, "state": state, "allowed": allowed_text}
        )


class ObjectionPeriodClosed(StakeholdersError):
    def __init__(self, deadline: date | None) -> None:
        self.deadline = deadline
        if deadline is None:
            super().__init__(_("This application is not open to objections."))
        else:
            super().__init__(
                _("The non-objection period ended on %(deadline)s.")
                % {"deadline": deadline.isoformat()}
            )


class InvalidDocument(StakeholdersError):
    pass


class DocumentsClosed(InvalidDocument):
    """Documents are added and removed only before the application is submitted."""


class NotEligible(StakeholdersError):
    pass


class InvalidInvitation(StakeholdersError):
    pass
