"""Events, their series, registrations, and the floor at formal sessions."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Gender
from core.models import Process, TimeStampedModel
from core.validators import single_line

from .choices import (
    ACTIVE_STATES,
    Audience,
    EventKind,
    EventStatus,
    FloorState,
    ListMode,
    OrganiserRole,
    RegistrationState,
    SpeakerRole,
)
from .querysets import AgendaItemQuerySet, EventQuerySet, RegistrationQuerySet


def _token() -> str:
    return secrets.token_urlsafe(24)


class Series(TimeStampedModel):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="event_series")
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    targets = models.JSONField(_("representation targets"), default=dict, blank=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProcessTargets(models.Model):
    """Representation targets across a process's events (shares in %, by dimension)."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="event_targets")
    targets = models.JSONField(_("representation targets"), default=dict, blank=True)


class Event(TimeStampedModel):
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="events"
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=250, validators=[single_line])
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("venue's time zone"), max_length=60, default="UTC")
    venue = models.CharField(_("venue"), max_length=250, blank=True, validators=[single_line])
    online_url = models.URLField(_("online link"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    topics = models.ManyToManyField(
        "stakeholders.ThematicArea", verbose_name=_("topics"), blank=True, related_name="events"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PUBLISHED
    )
    # Registration
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    requires_approval = models.BooleanField(_("organisers approve registrations"), default=False)
    audience = models.CharField(
        _("who may register"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    organisation_cap = models.PositiveSmallIntegerField(
        _("places per organisation"), default=2, help_text=_("0: no cap.")
    )
    participant_list = models.CharField(
        _("participant list"), max_length=10, choices=ListMode.choices, default=ListMode.CONSENT
    )
    questions = models.JSONField(_("registration questions"), default=list, blank=True)
    targets = models.JSONField(_("representation targets"), default=dict, blank=True)
    # Outcome
    key_messages = models.TextField(_("key messages"), blank=True, help_text=_("Markdown."))
    recommendations = models.TextField(_("recommendations"), blank=True, help_text=_("Markdown."))
    outcome_links = models.JSONField(_("linked documents"), default=list, blank=True)
    outcome_published_at = models.DateTimeField(_("outcome published"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "title"]
        indexes = [models.Index(fields=["starts_at"], name="events_event_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="events_event_registration_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_formal_session(self) -> bool:
        return self.kind == EventKind.FORMAL_SESSION


class EventOrganiser(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisers")
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.CASCADE, related_name="events_organised"
    )
    role = models.CharField(_("role"), max_length=12, choices=OrganiserRole.choices)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"], name="events_organiser_unique"
            )
        ]


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    affiliation = models.CharField(
        _("affiliation"), max_length=250, blank=True, validators=[single_line]
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_speakers",
    )
    role = models.CharField(_("role"), max_length=12, choices=SpeakerRole.choices)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Invitee(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitees")
    email = models.EmailField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="events_invitee_unique")
        ]


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    state = models.CharField(_("state"), max_length=10, choices=RegistrationState.choices)
    consent = models.BooleanField(_("listed among participants"), default=False)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    token = models.CharField(max_length=40, unique=True, default=_token)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(state__in=ACTIVE_STATES),
                name="events_registration_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class AgendaItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=300, validators=[single_line])
    time_limit = models.PositiveSmallIntegerField(_("time per statement (seconds)"), default=180)
    published = models.BooleanField(_("speakers list published"), default=False)
    # The order the secretariat set by hand, as request ids; empty means the proposed order.
    order = models.JSONField(default=list, blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class FloorRequest(models.Model):
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="floor_requests"
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.CASCADE, related_name="floor_requests"
    )
    spokesperson = models.CharField(_("spokesperson"), max_length=200, validators=[single_line])
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    topic = models.CharField(_("topic of the statement"), max_length=300, validators=[single_line])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=FloorState.choices, default="requested")
    requested_at = models.DateTimeField(auto_now_add=True)
    given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "organisation"],
                condition=~Q(state="withdrawn"),
                name="events_floor_one_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.spokesperson})"
