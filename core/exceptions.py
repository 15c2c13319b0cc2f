class CoreError(Exception):
    """A rule of the core was broken; the message is safe to show to the user."""


class InvalidPredecessor(CoreError):
    pass


class AuditLogIsAppendOnly(CoreError):
    pass


class UnknownPermission(LookupError):
    pass
