from django.utils.translation import gettext as _


class AnalysisError(Exception):
    """A rule of deliberations or analyses was broken; the message is safe to show."""


class NotOpen(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("This deliberation is not open: votes and statements are not taken."))


class NotInAudience(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("This deliberation is not addressed to you."))


class SignInRequired(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("Sign in to take part in this deliberation."))


class StatementNotVotable(AnalysisError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This statement is not open to votes: it is awaiting moderation or was "
                "moderated out."
            )
        )


class UnknownStatement(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("There is no such statement in this deliberation."))


class InvalidVote(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("A vote is agree, disagree or pass."))


class AlreadyJoined(AnalysisError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "You already take part in this anonymous deliberation from another browser or "
                "client. Nothing links your account to your votes, so they can only be reached "
                "from there, with its participant token."
            )
        )


class StatusNotAllowed(AnalysisError):
    def __init__(self, current: str, wanted: str, allowed: list[str]) -> None:
        self.allowed = allowed
        super().__init__(
            _(
                "A deliberation that is %(current)s cannot become %(wanted)s. "
                "Allowed now: %(allowed)s."
            )
            % {"current": current, "wanted": wanted, "allowed": ", ".join(allowed) or _("none")}
        )


class SlugTaken(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("This short name is taken."))


class InvalidStatement(AnalysisError):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class DuplicateStatement(AnalysisError):
    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(
            _("This statement is already in the deliberation (#%(n)s).") % {"n": number}
        )


class UnknownQuestion(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("This consultation has no such question."))


class NotFreeText(AnalysisError):
    def __init__(self) -> None:
        super().__init__(_("Themes are found in written answers: choose a free-text question."))


class TooFewAnswers(AnalysisError):
    def __init__(self, found: int, needed: int) -> None:
        super().__init__(
            _("This question has %(found)s written answers; themes need at least %(needed)s.")
            % {"found": found, "needed": needed}
        )


class TooFewTexts(AnalysisError):
    def __init__(self, found: int, needed: int) -> None:
        super().__init__(
            _("There are %(found)s texts to read; themes need at least %(needed)s.")
            % {"found": found, "needed": needed}
        )
