"""Every write of negotiating texts: one service function per change (see CONVENTIONS.md)."""

from .anchoring import carry_forward
from .texts import (
    add_language,
    create_text,
    import_revision,
    read_tree,
    set_deadline,
    set_text_status,
)

__all__ = [
    "add_language",
    "carry_forward",
    "create_text",
    "import_revision",
    "read_tree",
    "set_deadline",
    "set_text_status",
]
