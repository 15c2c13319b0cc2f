class AccountsError(Exception):
    """A rule about accounts was broken; the message is safe to show to the user."""


class InvalidRoleGrant(AccountsError):
    pass
