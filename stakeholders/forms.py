from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.fields import IdModelMultipleChoiceField
from core.widgets import LongSelect

from . import selectors
from .choices import ApplicationState, EcosocStatus, MemberRole, OrganisationKind, Region
from .models import AccreditationSettings, ThematicArea
from .selectors import SORTS
from .services.accreditation import MAX_STATEMENT_WORDS


def _blank(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label)] + list(choices)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = forms.ChoiceField(label=_("Country"), choices=[], widget=LongSelect)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italics*, [links](https://…), lists."),
    )
    thematic_areas = IdModelMultipleChoiceField(
        label=_("Thematic areas"),
        queryset=ThematicArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ecosoc_status = forms.ChoiceField(
        label=_("ECOSOC consultative status"),
        choices=EcosocStatus.choices,
        initial=EcosocStatus.NONE,
    )
    ecosoc_verified_at = forms.DateField(
        label=_("ECOSOC status verified on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Filled in by the secretariat once it has checked the status."),
    )
    at_risk = forms.BooleanField(
        label=_("Our people are at risk: never show their names outside the secretariat"),
        required=False,
    )
    public_as_region = forms.BooleanField(
        label=_("Show us publicly only as “an organisation based in <region>”"), required=False
    )

    def __init__(
        self, *args: Any, can_verify: bool = False, organisation: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _blank(_("— choose —"), countries)
        self.fields["thematic_areas"].queryset = selectors.areas_offered_to(organisation)  # type: ignore[attr-defined]
        if not can_verify:
            del self.fields["ecosoc_verified_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ecosoc_verified_at") and data.get("ecosoc_status") == EcosocStatus.NONE:
            self.add_error("ecosoc_verified_at", _("Choose the status that was verified."))
        return data


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(_("All kinds"), OrganisationKind.choices)
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=_blank(_("All regions"), Region.choices)
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[], widget=LongSelect)
    ecosoc_status = forms.ChoiceField(
        label=_("ECOSOC status"), required=False, choices=_blank(_("Any"), EcosocStatus.choices)
    )
    area = forms.ChoiceField(label=_("Thematic area"), required=False, choices=[])
    accredited_to = forms.ChoiceField(label=_("Accredited to"), required=False, choices=[])
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name, A to Z")),
            ("-name", _("Name, Z to A")),
            ("country", _("Country")),
            ("kind", _("Kind")),
            ("newest", _("Newest first")),
        ],
    )

    def __init__(self, *args: Any, processes: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _blank(_("All countries"), countries)
        self.fields["area"].choices = _blank(
            _("All areas"), [(a.slug, a.name) for a in ThematicArea.objects.order_by("name")]
        )
        self.fields["accredited_to"].choices = _blank(
            _("Any process"), [(p.slug, p.name) for p in processes]
        )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "sort" and v}

    def sort_order(self) -> str:
        value = self.cleaned_data.get("sort") if self.is_valid() else ""
        return value if value in SORTS else "name"


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MemberRole.choices, initial=MemberRole.REPRESENTATIVE
    )


class ApplicationForm(forms.Form):
    statement = forms.CharField(
        label=_("Statement of relevance and competence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Why your organisation's work is relevant to this process, in at most %(max)s words. "
            "Required unless your ECOSOC status has been verified."
        )
        % {"max": MAX_STATEMENT_WORDS},
    )


class NewApplicationForm(ApplicationForm):
    organisation = forms.ChoiceField(label=_("Organisation"), choices=[])
    field_order = ["organisation", "statement"]

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.public_id, o.name) for o in organisations]


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Supporting document (PDF, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ReturnForm(forms.Form):
    message = forms.CharField(
        label=_("What information is needed"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CirculateForm(forms.Form):
    deadline = forms.DateField(
        label=_("Objection deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the process's default period."),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ApplicationState.ACCREDITED, _("Accredited")),
            (ApplicationState.NOT_ACCREDITED, _("Not accredited")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not accrediting."),
    )


class ObjectionForm(forms.Form):
    basis = forms.CharField(
        label=_("Basis of the objection"), widget=forms.Textarea(attrs={"rows": 4})
    )
    disclose = forms.BooleanField(label=_("The basis may be disclosed"), required=False)


class AccreditationSettingsForm(forms.ModelForm):
    class Meta:
        model = AccreditationSettings
        fields = ["objection_transparency", "objection_days", "carry_over_needs_objection_round"]


class ThematicAreaForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=120)
