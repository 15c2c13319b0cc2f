"""Forms of reports: a title, and the parameters of a block of one kind (choices only)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .blocks import Kind, Param


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class BlockForm(forms.Form):
    """The fields a kind asks for, with choices from what the author may see; `params()` gives
    the block's parameters once valid."""

    def __init__(self, kind: Kind, author: Any, process: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec: dict[str, Param] = {p.name: p for p in kind.params(author, process)}
        for param in self.spec.values():
            self.fields[param.name] = _field(param)

    def params(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, param in self.spec.items():
            value = self.cleaned_data.get(name)
            if param.widget == "select":
                found |= next(c[2] for c in param.choices if c[0] == value)
            elif value not in (None, ""):
                found[name] = value
        return found


def _field(param: Param) -> forms.Field:
    if param.widget == "text":
        return forms.CharField(label=param.label, widget=forms.Textarea(attrs={"rows": 6}))
    if param.widget == "line":
        return forms.CharField(label=param.label, required=False, strip=False, max_length=5000)
    if param.widget == "number":
        return forms.IntegerField(label=param.label, min_value=0, required=False)
    choices = [(value, label) for value, label, _params in param.choices]
    return forms.ChoiceField(label=param.label, choices=[("", "—")] + choices)
