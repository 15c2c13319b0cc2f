from django.utils.translation import gettext as _


class KnowledgeError(Exception):
    """A rule of the knowledge base was broken; the message is safe to show. `field` names the
    input at fault, where there is one."""

    field = ""


class InvalidRecord(KnowledgeError):
    """The content does not hold together; `errors` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(_("Some fields need attention."))


class EditPending(KnowledgeError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "A change to this record is already awaiting moderation. Wait for the moderators' "
                "decision before proposing another."
            )
        )


class NothingChanged(KnowledgeError):
    def __init__(self) -> None:
        super().__init__(_("Nothing was changed: the record is already as proposed."))


class NotPending(KnowledgeError):
    def __init__(self) -> None:
        super().__init__(_("This version was already moderated."))


class OwnContribution(KnowledgeError):
    def __init__(self) -> None:
        super().__init__(
            _("You cannot moderate your own contribution: another moderator will review it.")
        )


class ReasonRequired(KnowledgeError):
    field = "reason"

    def __init__(self) -> None:
        super().__init__(_("Give the reason: the contributor is told it."))


class NotPublished(KnowledgeError):
    def __init__(self) -> None:
        super().__init__(_("Only a published record can be withdrawn."))


class RecordWithdrawn(KnowledgeError):
    def __init__(self) -> None:
        super().__init__(
            _("This record was withdrawn from the knowledge base and cannot be changed.")
        )


class NotAContributor(KnowledgeError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Records are contributed by the people of a registered organisation. Register "
                "your organisation, or join one, first."
            )
        )


class InvalidDocument(KnowledgeError):
    field = "document"


class InvalidSearch(KnowledgeError):
    field = "q"
