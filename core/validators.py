"""Validators shared by the apps."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def single_line(value: str) -> None:
    """A name is one line of text: no line breaks, tabs or other control characters."""
    if any(unicodedata.category(ch) == "Cc" for ch in value or ""):
        raise ValidationError(
            _("Use one line of ordinary text: line breaks and control characters are not allowed."),
            code="control_characters",
        )
