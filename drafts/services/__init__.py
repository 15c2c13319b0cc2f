"""Every write of negotiating texts: one service function per change (see CONVENTIONS.md)."""

from . import texts
from .anchoring import carry_forward
from .influence import track_influence
from .submissions import (
    WORD_LIMIT,
    Draft,
    attach_document,
    create_submission,
    moderate_submission,
    read_attachment,
    submit_submission,
    update_submission,
    withdraw_submission,
)
from .texts import (
    add_language,
    create_text,
    import_revision,
    read_tree,
    set_deadline,
    set_text_status,
)

__all__ = [
    "WORD_LIMIT",
    "Draft",
    "attach_document",
    "create_submission",
    "moderate_submission",
    "read_attachment",
    "submit_submission",
    "texts",
    "track_influence",
    "update_submission",
    "withdraw_submission",
    "add_language",
    "carry_forward",
    "create_text",
    "import_revision",
    "read_tree",
    "set_deadline",
    "set_text_status",
]
