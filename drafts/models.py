"""Negotiating texts, their revisions (each one immutable tree of elements, in one or more
languages), the submissions and amendments written on them, where each amendment's anchor lies
in later revisions, and whether those revisions reflect it."""

import secrets
import string

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Process, TimeStampedModel
from core.validators import single_line

from .choices import (
    AnchorStatus,
    ElementKind,
    Operation,
    SubmissionKind,
    SubmissionState,
    TextStatus,
    Verdict,
)
from .querysets import RevisionQuerySet, SubmissionQuerySet, TextQuerySet

_ALPHABET = string.ascii_lowercase + string.digits


def new_public_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


class Text(TimeStampedModel):
    """A negotiating text of a process ("Draft convention"), in successive revisions."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="texts"
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=10, choices=TextStatus.choices, default=TextStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TextQuerySet.as_manager()

    class Meta:
        verbose_name = _("negotiating text")
        verbose_name_plural = _("negotiating texts")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """One version of a text: an immutable tree, with the call for comments on it."""

    text = models.ForeignKey(
        Text, verbose_name=_("text"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    language = models.CharField(_("original language"), max_length=20)
    languages = models.JSONField(_("languages"), default=list)
    deadline = models.DateTimeField(_("deadline for submissions"), null=True, blank=True)
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["text", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["text", "number"], name="drafts_revision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} — {self.title}"


class Element(models.Model):
    """A node of a revision's tree: preamble, chapter, section, title, article, paragraph or
    sub-paragraph. `eid` is its Akoma Ntoso id (`chp_2__art_5__para_2`); `position` its place
    in document order."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="elements")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ElementKind.choices)
    label = models.CharField(_("number"), max_length=20, blank=True)
    eid = models.CharField(_("id"), max_length=200)
    position = models.PositiveIntegerField()
    depth = models.PositiveSmallIntegerField(default=0)
    # The article this element is in (itself, for an article); null above articles.
    article = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("element")
        verbose_name_plural = _("elements")
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "eid"], name="drafts_element_unique_eid"),
            models.UniqueConstraint(
                fields=["revision", "position"], name="drafts_element_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.eid


class ElementText(models.Model):
    """An element's wording in one language: its number as written, heading, text (the content,
    or the introduction before its sub-elements) and closing words after them."""

    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=20)
    num = models.CharField(_("number as written"), max_length=40, blank=True)
    heading = models.CharField(_("heading"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    wrap_up = models.TextField(_("closing words"), blank=True)

    class Meta:
        verbose_name = _("element text")
        verbose_name_plural = _("element texts")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "language"], name="drafts_elementtext_unique_language"
            ),
        ]


def _attachment_path(instance: "Submission", filename: str) -> str:
    return f"drafts/{instance.public_id}/{secrets.token_hex(8)}.pdf"


class Submission(TimeStampedModel):
    """A written submission or an amendment on one revision, by an organisation's
    representative or a Member State's delegate."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    revision = models.ForeignKey(
        Revision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="submissions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SubmissionKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    # Empty once the author deleted their account: a published submission stays the record of
    # its organisation or Member State (drafts/personal.py).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft_submissions",
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="draft_submissions",
    )
    member_state = models.CharField(_("Member State"), max_length=2, blank=True)
    # The constituency and region at the time of writing, so counts never change afterwards.
    constituency = models.CharField(_("constituency"), max_length=20)
    region = models.CharField(_("region"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=35)
    title = models.CharField(_("title"), max_length=200, blank=True, validators=[single_line])
    body = models.TextField(_("text"), blank=True)
    words = models.PositiveIntegerField(_("words"), default=0)
    # Amendments: the element, the operation and the passage (W3C Web Annotation selectors).
    element = models.ForeignKey(
        Element, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    articles = models.ManyToManyField(Element, blank=True, related_name="written_submissions")
    operation = models.CharField(
        _("operation"), max_length=10, choices=Operation.choices, blank=True
    )
    anchor_language = models.CharField(max_length=20, blank=True)
    quote_exact = models.TextField(_("passage"), blank=True)
    quote_prefix = models.CharField(max_length=64, blank=True)
    quote_suffix = models.CharField(max_length=64, blank=True)
    position_start = models.PositiveIntegerField(null=True, blank=True)
    position_end = models.PositiveIntegerField(null=True, blank=True)
    proposed_text = models.TextField(_("proposed wording"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=_attachment_path, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderation_reason = models.TextField(_("reason"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["revision", "id"]
        indexes = [
            models.Index(fields=["revision", "state"], name="drafts_submission_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SubmissionKind.WRITTEN) | Q(element__isnull=False),
                name="drafts_submission_amendment_has_element",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(member_state=""),
                name="drafts_submission_has_author_body",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.public_id

    @property
    def is_amendment(self) -> bool:
        return self.kind == SubmissionKind.AMENDMENT


class Anchor(models.Model):
    """Where an amendment's passage lies in a later revision: found as written, found changed,
    or not found, with the reason."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="anchors")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="anchors")
    status = models.CharField(max_length=10, choices=AnchorStatus.choices)
    element = models.ForeignKey(
        Element, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField(default=0)
    found = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "revision"], name="drafts_anchor_unique_revision"
            ),
        ]


class Influence(models.Model):
    """Whether revision `revision` reflects an amendment made on the revision before it, with
    the passages side by side as evidence."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="influence")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="influence")
    verdict = models.CharField(max_length=15, choices=Verdict.choices)
    score = models.FloatField(default=0)
    element = models.ForeignKey(
        Element, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    proposed = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "revision"], name="drafts_influence_unique_revision"
            ),
        ]
