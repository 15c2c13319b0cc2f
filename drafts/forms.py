"""Forms of negotiating texts: they check shape; services enforce the rules."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import single_line

from .choices import Operation, SubmissionKind, TextStatus

# BCP 47: a language subtag, then optional script, region or variant subtags.
BCP47 = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*$")
FORMAT_CHOICES = [
    ("markdown", _("Consulta Markdown (# chapter, ## article, 1. paragraph, (a) sub-paragraph)")),
    ("ets", _("Treaty layout of ETS 185 (English and Dutch in one file)")),
]


def clean_language(value: str) -> str:
    value = (value or "").strip()
    if not BCP47.match(value):
        raise forms.ValidationError(
            _("Give a language code such as en, fr, ar, zh-Hans or es-419 (BCP 47).")
        )
    return value


class TextForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=80)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label=_("Status"), choices=TextStatus.choices)


class ImportForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the revision"), max_length=200, validators=[single_line]
    )
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Layout"), choices=FORMAT_CHOICES, initial="markdown")
    language = forms.CharField(
        label=_("Language"), max_length=20, initial="en", help_text=_("Of a Markdown file.")
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False, help_text=_("YYYY-MM-DD"))
    deadline = forms.DateTimeField(
        label=_("Deadline for submissions (UTC)"),
        required=False,
        help_text=_("YYYY-MM-DD HH:MM; empty for no deadline."),
    )

    def clean_language(self) -> str:
        return clean_language(self.cleaned_data.get("language", ""))


class LanguageVersionForm(forms.Form):
    """Another language version of a revision: the same tree, in a Markdown file."""

    file = forms.FileField(label=_("Markdown file"))
    language = forms.CharField(
        label=_("Language"), max_length=20, help_text=_("A code such as fr, ar or zh-Hans.")
    )

    def clean_language(self) -> str:
        return clean_language(self.cleaned_data.get("language", ""))


class SubmissionForm(forms.Form):
    """A written submission or an amendment; `elements` are the choices of the article."""

    kind = forms.ChoiceField(
        label=_("What are you writing?"),
        choices=SubmissionKind.choices,
        widget=forms.RadioSelect,
    )
    speaks_for = forms.ChoiceField(label=_("Written for"))
    language = forms.CharField(
        label=_("Language of your text"),
        max_length=35,
        help_text=_("The language you write in, as a code: en, fr, es, ar, zh, ru…"),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, validators=[single_line]
    )
    body = forms.CharField(
        label=_("Text (written submission) or justification (amendment)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 2,000 words, kept as you write it."),
    )
    articles = forms.MultipleChoiceField(
        label=_("Articles it concerns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    element = forms.ChoiceField(label=_("Element to amend"), required=False)
    operation = forms.ChoiceField(
        label=_("Operation"),
        choices=[("", "—"), *Operation.choices],
        required=False,
    )
    quote = forms.CharField(
        label=_("Passage to replace or delete"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Copy it exactly from the text. To insert, the words after which to insert (optional)."
        ),
    )
    context_before = forms.CharField(
        label=_("Words just before the passage"),
        max_length=64,
        required=False,
        help_text=_("Only needed when the passage appears more than once."),
    )
    proposed_text = forms.CharField(
        label=_("Proposed wording"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("PDF attachment (optional)"), required=False)

    def __init__(
        self,
        *args: Any,
        speaks_for: list[tuple[str, str]],
        articles: list[tuple[str, str]],
        elements: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["speaks_for"].choices = speaks_for  # type: ignore[attr-defined]
        self.fields["articles"].choices = articles  # type: ignore[attr-defined]
        self.fields["element"].choices = [("", "—"), *elements]  # type: ignore[attr-defined]

    def clean_language(self) -> str:
        return clean_language(self.cleaned_data.get("language", ""))


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("reject", _("Do not publish"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the author)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Deadline for submissions (UTC)"), required=False, help_text=_("YYYY-MM-DD HH:MM")
    )
