"""Form fields of the design system."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


def is_id(value: Any) -> bool:
    """A positive integer id the database can hold, as sent in a form."""
    text = str(value)
    return text.isascii() and text.isdecimal() and int(text) <= MAX_ID


class IdModelChoiceField(forms.ModelChoiceField):
    """Refuses values that are not ids before asking the database (SQLite overflows on them)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The same, for several ids."""

    def _check_values(self, value: Any) -> Any:
        for item in value:
            if not is_id(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in the stubs
