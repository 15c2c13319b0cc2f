"""Deliberations (Polis-style): a question, statements, agree/disagree/pass votes, and the
opinion map computed from them.

Anonymity (README, "Threat model"), as for anonymous consultations: in an anonymous deliberation
a participant row names no one. Its key is random and it is found again by the digest of a
random token that only the participant's browser (or API client) holds; that a signed-in person
took part is a separate row (a keyed hash of deliberation and person, random id, no time),
written in a transaction of its own. Votes carry no time finer than the day.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Process, TimeStampedModel
from core.validators import single_line

from .choices import Audience, Identity, MapState, RunState, StatementStatus, Status, ThemeMethod
from .choices import Vote as VoteChoice
from .querysets import DeliberationQuerySet

STATEMENT_MAX = 500


class Deliberation(TimeStampedModel):
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="deliberations"
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    question = models.TextField(_("question"), max_length=2000)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    identity = models.CharField(
        _("identity mode"), max_length=12, choices=Identity.choices, default=Identity.ANONYMOUS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    participants_write = models.BooleanField(_("participants may add statements"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = models.Manager.from_queryset(DeliberationQuerySet)()

    class Meta:
        verbose_name = _("deliberation")
        verbose_name_plural = _("deliberations")
        ordering = ["-created_at", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_anonymous(self) -> bool:
        return self.identity == Identity.ANONYMOUS


class DeliberationInvitee(models.Model):
    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.CASCADE, related_name="invitees"
    )
    email = models.EmailField(_("e-mail address"))

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "email"], name="analysis_invitee_unique_email"
            )
        ]


class Participant(models.Model):
    """One voter in one deliberation. Random id; in anonymous deliberations no user, only the
    digest of the token the participant holds."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliberation_participants",
    )
    token_digest = models.CharField(max_length=64, blank=True)
    kind = models.CharField(_("stakeholder kind"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "user"],
                condition=Q(user__isnull=False),
                name="analysis_participant_unique_user",
            ),
            models.UniqueConstraint(
                fields=["deliberation", "token_digest"],
                condition=~Q(token_digest=""),
                name="analysis_participant_unique_token",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(token_digest=""),
                name="analysis_participant_found_again",
            ),
        ]


class Joined(models.Model):
    """That a signed-in person took part in an anonymous deliberation (so that they join once),
    apart from their participant row: a keyed hash, a random id, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "digest"], name="analysis_joined_unique"
            )
        ]


class Statement(models.Model):
    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.CASCADE, related_name="statements"
    )
    # Polis's comment id: 0, 1, 2… in the order statements were written.
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("statement"), max_length=STATEMENT_MAX)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    status = models.CharField(
        _("moderation"),
        max_length=10,
        choices=StatementStatus.choices,
        default=StatementStatus.PENDING,
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "number"], name="analysis_statement_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.text[:60]}"


class Vote(models.Model):
    """A participant's current vote on a statement; voting again replaces it, as in Polis."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("vote"), choices=VoteChoice.choices)
    # To the day in anonymous deliberations.
    modified = models.DateTimeField(_("voted"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="analysis_vote_unique_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 0, 1]), name="analysis_vote_value_valid"
            ),
        ]


class OpinionMap(models.Model):
    """The latest computation of a deliberation's opinion groups, and Polis's carried state."""

    deliberation = models.OneToOneField(
        Deliberation, on_delete=models.CASCADE, related_name="opinion_map"
    )
    state = models.CharField(max_length=10, choices=MapState.choices, default=MapState.EMPTY)
    # Raised by every vote and moderation; the map is current while computed_version equals it.
    version = models.PositiveBigIntegerField(default=0)
    computed_version = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    carried = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=200, blank=True)

    @property
    def is_current(self) -> bool:
        return self.state == MapState.READY and self.computed_version == self.version


def exactly_one(*names: str) -> Q:
    """The condition that exactly one of these foreign keys is set."""
    condition = Q()
    for name in names:
        condition |= Q(**{f"{other}__isnull": other != name for other in names})
    return condition


class ThemeRun(TimeStampedModel):
    """Themes found in one source of free text: the written answers to one text question of a
    consultation, the published submissions on a draft revision, or the accepted statements of
    a deliberation. Exactly one source is set."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="theme_runs",
    )
    revision = models.ForeignKey(
        "drafts.Revision",
        verbose_name=_("revision"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="theme_runs",
    )
    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name=_("deliberation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="theme_runs",
    )
    question = models.CharField(_("question"), max_length=200)
    question_label = models.CharField(_("question label"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=ThemeMethod.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    texts = models.PositiveIntegerField(_("answers read"), default=0)
    error = models.CharField(_("error"), max_length=200, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("theme run")
        verbose_name_plural = _("theme runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="analysis_themerun_progress_percent"
            ),
            models.CheckConstraint(
                condition=exactly_one("consultation", "revision", "deliberation"),
                name="analysis_themerun_one_source",
            ),
        ]

    @property
    def source(self) -> Any:
        """The consultation, revision or deliberation the texts come from."""
        return self.consultation or self.revision or self.deliberation

    @property
    def source_kind(self) -> str:
        if self.consultation_id:
            return "consultation"
        return "revision" if self.revision_id else "deliberation"


class Theme(models.Model):
    run = models.ForeignKey(ThemeRun, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=300, blank=True)
    terms = models.JSONField(_("terms"), default=list)
    size = models.PositiveIntegerField(_("answers"))
    # {"kind": {value: count}, "region": {value: count}}, raw counts: suppressed when shown.
    breakdown = models.JSONField(_("breakdown"), default=dict)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="analysis_theme_unique_number")
        ]


class ThemeQuote(models.Model):
    """An exact quote, text == source[start:end], where the source is response.answers at
    `path`, a submission's body or a statement's text: exactly one of them is set."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="quotes")
    response = models.ForeignKey(
        "consultations.Response", on_delete=models.CASCADE, null=True, related_name="+"
    )
    submission = models.ForeignKey(
        "drafts.Submission", on_delete=models.CASCADE, null=True, related_name="+"
    )
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, null=True, related_name="+")
    path = models.CharField(max_length=200)
    entry = models.PositiveIntegerField(default=0)  # the entry of a repeat, 0 otherwise
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["theme", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="analysis_quote_not_empty"
            ),
            models.CheckConstraint(
                condition=exactly_one("response", "submission", "statement"),
                name="analysis_quote_one_source",
            ),
        ]
