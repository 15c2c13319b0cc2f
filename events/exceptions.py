from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _


class EventsError(Exception):
    """A rule of events was broken; the message is safe to show."""


def _moment(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


class RegistrationClosed(EventsError):
    def __init__(self, opens: datetime | None, closes: datetime | None) -> None:
        self.opens, self.closes = opens, closes
        super().__init__(
            _("Registration is open from %(opens)s to %(closes)s.")
            % {"opens": _moment(opens), "closes": _moment(closes)}
        )


class NotAdmitted(EventsError):
    def __init__(self) -> None:
        super().__init__(_("This event is not open to you."))


class NotAccredited(EventsError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Only organisations accredited to this process may ask for the floor, "
                "and yours is not."
            )
        )


class WrongState(EventsError):
    def __init__(self, what: Any) -> None:
        super().__init__(what)


class InvalidAnswers(EventsError):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__(_("Some answers need attention."))
