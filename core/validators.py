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


def email_lines(text: str) -> list[str]:
    """E-mail addresses given one per line; the first few that are not addresses are named."""
    from django.core.validators import validate_email

    emails = [line.strip() for line in (text or "").splitlines() if line.strip()]
    wrong = []
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            wrong.append(email)
    if wrong:
        raise ValidationError(
            _("These are not e-mail addresses: %(list)s"), params={"list": ", ".join(wrong[:5])}
        )
    return emails
