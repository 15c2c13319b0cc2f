from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Gender
from core.fields import IdModelMultipleChoiceField
from core.validators import email_lines
from stakeholders.models import Organisation, ThematicArea

from .calendar import UnknownTimeZone, venue_zone
from .choices import Audience, EventKind, ListMode, SpeakerRole

LOCAL = {"type": "datetime-local"}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _moment(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs=LOCAL, format=LOCAL_FORMAT),
    )


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    slug = forms.SlugField(label=_("Short name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    series = forms.TypedChoiceField(label=_("Series"), required=False, coerce=int, empty_value=None)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )
    time_zone = forms.CharField(
        label=_("Venue's time zone"),
        initial="UTC",
        help_text=_("An IANA name such as Europe/Vienna or America/New_York."),
    )
    starts_at = _moment(_("Starts (venue's time)"))
    ends_at = _moment(_("Ends (venue's time)"))
    venue = forms.CharField(label=_("Venue"), max_length=250, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("Codes separated by commas: en, fr, es.")
    )
    topics = IdModelMultipleChoiceField(
        label=_("Topics"),
        queryset=ThematicArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Organisations are chosen by their public id: the sequential key would tell their age.
    organisers = forms.ModelMultipleChoiceField(
        label=_("Organisers"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    co_sponsors = forms.ModelMultipleChoiceField(
        label=_("Co-sponsors"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Organisations of any kind, Member States included."),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    registration_opens_at = _moment(_("Registration opens (venue's time)"), required=False)
    registration_closes_at = _moment(_("Registration closes (venue's time)"), required=False)
    requires_approval = forms.BooleanField(
        label=_("Organisers approve registrations"), required=False
    )
    audience = forms.ChoiceField(label=_("Who may register"), choices=Audience.choices)
    organisation_cap = forms.IntegerField(
        label=_("Places per organisation"),
        min_value=0,
        max_value=100,
        initial=2,
        help_text=_("0: no cap."),
    )
    participant_list = forms.ChoiceField(
        label=_("Participant list"), choices=ListMode.choices, initial=ListMode.CONSENT
    )
    invitees = forms.CharField(
        label=_("Invited e-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; used when registration is for an invited list."),
    )
    questions = forms.CharField(
        label=_("Registration questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; end a line with * to make it required."),
    )

    def __init__(
        self, *args: Any, process: Any, viewer: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        from accounts.selectors import is_process_staff
        from stakeholders.protection import display_name, is_anonymised

        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = ThematicArea.objects.filter(is_active=True)
        if is_process_staff(viewer, process):
            # Sorted by what this viewer reads, those shown only by region last, never by a
            # name it does not read (its place in the list would hint at it).
            everyone = sorted(
                Organisation.objects.all(),
                key=lambda o: (
                    is_anonymised(o, viewer),
                    display_name(o, viewer).casefold(),
                    o.public_id,
                ),
            )
            choices = [(o.public_id, display_name(o, viewer)) for o in everyone]
            for name in ("organisers", "co_sponsors"):
                self.fields[name].queryset = Organisation.objects.all()
                self.fields[name].choices = choices
        else:
            # Who runs the event is the secretariat's choice, not an organiser's.
            del self.fields["organisers"]
            del self.fields["co_sponsors"]
        self.fields["series"].choices = [("", _("none"))] + [
            (s.pk, s.title) for s in process.event_series.all()
        ]
        if editing:
            del self.fields["slug"]

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        try:
            venue_zone(name)
        except UnknownTimeZone as exc:
            raise forms.ValidationError(str(exc)) from None
        return name

    def clean_invitees(self) -> list[str]:
        return email_lines(self.cleaned_data["invitees"])

    def clean_languages(self) -> list[str]:
        return [c.strip().lower() for c in self.cleaned_data["languages"].split(",") if c.strip()]

    def clean_questions(self) -> list[dict[str, Any]]:
        found = []
        for number, line in enumerate(self.cleaned_data["questions"].splitlines(), start=1):
            text = line.strip()
            if text:
                required = text.endswith("*")
                found.append(
                    {"name": f"q{number}", "label": text.rstrip("* ").strip(), "required": required}
                )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name:
            zone = venue_zone(zone_name)
            # What was typed is the venue's wall-clock time.
            for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
                if data.get(name):
                    data[name] = data[name].replace(tzinfo=None).replace(tzinfo=zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must come after the start."))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        return data


class RegistrationForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Representing"), required=False, coerce=int, empty_value=None
    )
    consent = forms.BooleanField(
        label=_("List my name and organisation among the participants"), required=False
    )

    def __init__(self, *args: Any, event: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        if organisations:
            self.fields["organisation"].choices = [("", _("myself"))] + [
                (o.pk, o.name) for o in organisations
            ]
        else:
            del self.fields["organisation"]
        for question in event.questions or []:
            self.fields[f"answer_{question['name']}"] = forms.CharField(
                label=question["label"], required=bool(question.get("required")), max_length=2000
            )

    def answers(self) -> dict[str, str]:
        return {
            q["name"]: self.cleaned_data.get(f"answer_{q['name']}", "")
            for q in self.event.questions or []
        }


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=250, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=SpeakerRole.choices)
    gender = forms.ChoiceField(
        label=_("Gender (as declared)"),
        choices=[("", _("not declared"))] + Gender.choices,
        required=False,
    )


class OutcomeForm(forms.Form):
    key_messages = forms.CharField(
        label=_("Key messages"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Markdown.")
    )
    recommendations = forms.CharField(
        label=_("Recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )
    links = forms.CharField(
        label=_("Linked documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: a title, a space and the address."),
    )

    def clean_links(self) -> list[dict[str, str]]:
        from django.core.validators import URLValidator

        found = []
        for line in self.cleaned_data["links"].splitlines():
            if not line.strip():
                continue
            title, _sep, url = line.strip().rpartition(" ")
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("This line does not end with an address: %(line)s") % {"line": line[:80]}
                ) from None
            found.append({"title": title.strip() or url, "url": url})
        return found


class FloorRequestForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    spokesperson = forms.CharField(label=_("Spokesperson"), max_length=200)
    gender = forms.ChoiceField(
        label=_("Spokesperson's gender (optional, for balance)"),
        choices=[("", _("not declared"))] + Gender.choices,
        required=False,
    )
    topic = forms.CharField(label=_("Topic of the statement"), max_length=300)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all"))] + EventKind.choices
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TargetsForm(forms.Form):
    """Target shares in %, one line per group: kind=ngo 40."""

    targets = forms.CharField(
        label=_("Targets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, e.g. “kind ngo 40”, “region african 20”, “gender woman 50”."),
    )

    def clean_targets(self) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for line in self.cleaned_data["targets"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if (
                len(parts) != 3
                or parts[0] not in ("kind", "region", "gender")
                or not parts[2].isdigit()
                or int(parts[2]) > 100
            ):
                raise forms.ValidationError(
                    _("This line is not “dimension group percent”: %(line)s") % {"line": line[:80]}
                )
            found.setdefault(parts[0], {})[parts[1]] = int(parts[2])
        return found


# What the forms show, from what is stored ---------------------------------------------------------

_EVENT_SETTINGS = (
    "title",
    "kind",
    "summary",
    "time_zone",
    "venue",
    "online_url",
    "capacity",
    "requires_approval",
    "audience",
    "organisation_cap",
    "participant_list",
)


def event_initial(event: Any) -> dict[str, Any]:
    """The edit form's values: times on the venue's wall clock, lists one a line."""
    from zoneinfo import ZoneInfo

    from .choices import OrganiserRole

    zone = ZoneInfo(event.time_zone)
    initial = {name: getattr(event, name) for name in _EVENT_SETTINGS}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        value = getattr(event, name)
        initial[name] = value.astimezone(zone).replace(tzinfo=None) if value else None
    organisers = list(event.organisers.select_related("organisation"))
    initial |= {
        "languages": ", ".join(event.languages),
        "series": event.series_id,
        "topics": list(event.topics.values_list("pk", flat=True)),
        "organisers": [
            o.organisation.public_id for o in organisers if o.role == OrganiserRole.ORGANISER
        ],
        "co_sponsors": [
            o.organisation.public_id for o in organisers if o.role == OrganiserRole.CO_SPONSOR
        ],
        "invitees": "\n".join(event.invitees.values_list("email", flat=True)),
        "questions": "\n".join(
            q["label"] + (" *" if q.get("required") else "") for q in event.questions
        ),
    }
    return initial


def outcome_initial(event: Any) -> dict[str, str]:
    return {
        "key_messages": event.key_messages,
        "recommendations": event.recommendations,
        "links": "\n".join(f"{link['title']} {link['url']}" for link in event.outcome_links),
    }


def targets_text(targets: dict[str, dict[str, int]] | None) -> str:
    """Targets as the form reads them: "dimension group percent", one a line."""
    return "\n".join(
        f"{dimension} {group} {share}"
        for dimension, groups in (targets or {}).items()
        for group, share in groups.items()
    )
