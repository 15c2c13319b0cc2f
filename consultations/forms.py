from typing import Any

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from core.validators import email_lines
from stakeholders.choices import OrganisationKind, Region

from .choices import Audience, Identity, Layout
from .exports import FORMATS
from .xlsform import SUFFIXES

MAX_FORM_BYTES = 5 * 1024 * 1024
DATETIME = {"type": "datetime-local"}


def language_name(code: str) -> str:
    """A form language's name in the interface's language ("English" for en); else its code."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class Radios(forms.RadioSelect):
    """Radio buttons beside their labels, one option a line (the design system's radio group)."""

    template_name = "core/widgets/radio.html"


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        help_text=_(
            "Letters, digits and hyphens; it makes the address /consultations/<short name>/."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens (UTC)"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )
    closes_at = forms.DateTimeField(
        label=_("Closes (UTC)"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, widget=Radios)
    identity = forms.ChoiceField(label=_("Identity mode"), choices=Identity.choices, widget=Radios)
    layout = forms.ChoiceField(label=_("Layout"), choices=Layout.choices)
    form_file = forms.FileField(
        label=_("Form (XLSForm)"),
        required=False,
        help_text=_(
            "A .xlsx, .xls or .md file in the XLSForm standard, as KoboToolbox and ODK use."
        ),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_file"].required = not editing
        if editing:
            del self.fields["slug"]
            self.fields["form_file"].help_text = _(
                "Upload a new version of the form (possible until the first response)."
            )

    def clean_form_file(self) -> Any:
        upload = self.cleaned_data.get("form_file")
        if upload is None:
            return None
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("An XLSForm is a .xlsx, .xls or .md file."))
        if upload.size > MAX_FORM_BYTES:
            raise forms.ValidationError(_("A form file may not exceed 5 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing moment must come after the opening."))
        return data


class InviteesForm(forms.Form):
    emails = forms.CharField(
        label=_("Invited e-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line. Used when the audience is an invited list."),
    )

    def clean_emails(self) -> list[str]:
        return email_lines(self.cleaned_data["emails"])


class ResultsFilterForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Break down by"),
        required=False,
        choices=[
            ("", _("No breakdown")),
            ("kind", _("Stakeholder kind")),
            ("region", _("Region")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Only this kind"),
        required=False,
        choices=[("", _("All kinds"))] + OrganisationKind.choices,
    )
    region = forms.ChoiceField(
        label=_("Only this region"),
        required=False,
        choices=[("", _("All regions"))] + Region.choices,
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], initial="xlsx"
    )
    labels = forms.ChoiceField(
        label=_("Choices as"),
        choices=[("names", _("Names (as in the form)")), ("labels", _("Labels"))],
        initial="names",
    )
    language = forms.ChoiceField(label=_("Language of the labels"), choices=[], required=False)

    def __init__(self, *args: Any, languages: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(c, language_name(c)) for c in languages or []]


class DeclarationForm(forms.Form):
    """What an anonymous respondent chooses to declare about themselves (all optional)."""

    organisation = forms.TypedChoiceField(
        label=_("Answering on behalf of"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation (optional)"),
        required=False,
        choices=[("", _("I prefer not to say"))] + OrganisationKind.choices,
    )
    region = forms.ChoiceField(
        label=_("Region (optional)"),
        required=False,
        choices=[("", _("I prefer not to say"))] + Region.choices,
    )

    def __init__(
        self, *args: Any, organisations: list[Any], ask_declaration: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"].choices = [("", _("Myself"))] + [
                (o.pk, o.name) for o in organisations
            ]
        else:
            del self.fields["organisation"]
        if not ask_declaration:
            del self.fields["kind"]
            del self.fields["region"]
