class AccountsError(Exception):
    """A rule about accounts was broken; the message is safe to show to the user."""


class InvalidRoleGrant(AccountsError):
    pass


class WrongPassword(AccountsError):
    pass


class AccountNotErasable(AccountsError):
    """The account cannot be deleted yet; `reasons` say what to do first."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons
