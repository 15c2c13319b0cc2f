from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, ProcessStatus
from .fields import IdModelChoiceField
from .models import Process


def _retention_field(label: Any, kind: str, help_text: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_RETENTION_DAYS,
        required=False,
        initial=DEFAULT_RETENTION_DAYS[kind],
        help_text=help_text,
    )


# Path segments under /processes/ that are pages, not processes.
RESERVED_SLUGS = {"new"}


class ProcessForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "none"}),
        help_text=_(
            "Used in addresses: lower-case letters, digits and hyphens, such as ahc-cybercrime."
        ),
    )
    convening_body = forms.CharField(
        label=_("Convening body"),
        max_length=200,
        help_text=_("The body that convenes the process, such as the General Assembly."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italics*, [links](https://…), lists."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ProcessStatus.choices)
    predecessor = IdModelChoiceField(
        label=_("Predecessor"),
        queryset=Process.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_(
            "The process this one follows; its accredited organisations can be carried over."
        ),
    )
    retain_drafts_days = _retention_field(
        _("Keep drafts for (days after the process closes)"),
        "drafts",
        _("Answers saved but never sent, and submissions never sent, are then deleted."),
    )
    retain_identities_days = _retention_field(
        _("Keep who wrote unpublished responses for (days after the process closes)"),
        "identities",
        _(
            "Responses to consultations, and submissions never published, then stay without "
            "the person who wrote them (confidential responses also without their organisation)."
        ),
    )
    retain_registrations_days = _retention_field(
        _("Keep event registrations for (days after the process closes)"),
        "registrations",
        _("Registrations for the process's events, with their answers, are then deleted."),
    )

    def __init__(
        self, *args: Any, user: Any, instance: Process | None = None, **kwargs: Any
    ) -> None:
        from .selectors import processes_run_by

        super().__init__(*args, **kwargs)
        self.instance = instance
        # Accreditation carries over from the predecessor: only a process one runs may be named.
        choices = processes_run_by(user)
        if instance is not None:
            choices = choices.exclude(pk=instance.pk)
        self.fields["predecessor"].queryset = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, kind in (
            ("retain_drafts_days", "drafts"),
            ("retain_identities_days", "identities"),
            ("retain_registrations_days", "registrations"),
        ):
            # Left empty: the period stays as it was (or, for a new process, the default).
            if name in cleaned and cleaned[name] is None:
                kept = getattr(self.instance, name, None)
                cleaned[name] = kept if kept is not None else DEFAULT_RETENTION_DAYS[kind]
        return cleaned

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This short name is reserved; choose another."))
        taken = Process.objects.filter(slug=slug)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another process already uses this short name."))
        return slug


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("An action or its beginning, such as core.process"),
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    actor = forms.EmailField(label=_("Actor's e-mail"), required=False)
    process = forms.ChoiceField(label=_("Process"), required=False, choices=[])
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, processes: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All processes"))] + [(p.slug, p.name) for p in processes]
        self.fields["process"].choices = choices  # type: ignore[attr-defined]
