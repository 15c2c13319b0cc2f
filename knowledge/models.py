"""Records of practice, the organisations that took part in each, every version of a record, its
evidence, and the search index of the published ones."""

import secrets
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import Process, TimeStampedModel
from core.validators import single_line

from .choices import (
    ActorRole,
    Language,
    Licence,
    Mechanism,
    RecordState,
    RecordType,
    Sector,
    VersionState,
)
from .querysets import RecordQuerySet, VersionQuerySet

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
FIRST_YEAR, LAST_YEAR = 1980, 2100


def new_public_id() -> str:
    """A random id for addresses and the API: a sequential one would tell how many records
    are awaiting moderation or were refused."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def _year(label: Any) -> "models.PositiveSmallIntegerField[Any, Any]":
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )


class Record(TimeStampedModel):
    """A practice as the knowledge base shows it now: the content of its latest published
    version (or, before its first publication, of the version awaiting moderation)."""

    public_id = models.CharField(
        _("public id"), max_length=12, unique=True, default=new_public_id, editable=False
    )
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_records",
        help_text=_("The process it was contributed to; its moderators review it."),
    )
    record_type = models.CharField(_("type"), max_length=12, choices=RecordType.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=RecordState.choices, default=RecordState.PENDING
    )
    title = models.CharField(_("title"), max_length=250, validators=[single_line])
    summary = models.TextField(_("summary"), help_text=_("Markdown."))
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    regions = models.JSONField(_("UN regional groups"), default=list, blank=True)
    mechanism = models.CharField(_("mechanism"), max_length=20, choices=Mechanism.choices)
    started_in = _year(_("started in (year)"))
    ended_in = _year(_("ended in (year)"))
    outcomes = models.TextField(_("outcomes"), blank=True, help_text=_("Markdown."))
    links = models.JSONField(_("evidence links"), default=list, blank=True)
    licence = models.CharField(
        _("licence"), max_length=14, choices=Licence.choices, default=Licence.CC_BY
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    thematic_areas = models.ManyToManyField(
        "stakeholders.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="knowledge_records",
    )
    articles: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        "drafts.Element",
        verbose_name=_("articles of the negotiating text"),
        blank=True,
        related_name="knowledge_records",
    )
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_records",
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("contributing organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributed_knowledge",
    )
    version = models.PositiveIntegerField(_("version shown"), default=1)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge record")
        verbose_name_plural = _("knowledge records")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="knowledge_record_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_in__isnull=True)
                | Q(started_in__isnull=True)
                | Q(ended_in__gte=F("started_in")),
                name="knowledge_record_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RecordActor(models.Model):
    """An organisation of the registry (Member States included) and its part in a practice."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="actors")
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="knowledge_roles",
    )
    role = models.CharField(_("role"), max_length=12, choices=ActorRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "organisation", "role"], name="knowledge_actor_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.role}"


class RecordVersion(models.Model):
    """One version of a record: its whole content as proposed, and what moderation made of it.
    Versions are never changed afterwards, except for the moderation fields of a pending one."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=10, choices=VersionState.choices, default=VersionState.PENDING
    )
    content = models.JSONField(_("content"))
    changed = models.JSONField(_("fields changed"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[single_line])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        ordering = ["record", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "number"], name="knowledge_version_unique_number"
            ),
            # One proposal at a time: a second would be moderated against a stale first.
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(state=VersionState.PENDING),
                name="knowledge_version_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"


def _document_path(instance: "EvidenceDocument", filename: str) -> str:
    return f"knowledge/{instance.record.public_id}/{instance.digest[:16]}.pdf"


class EvidenceDocument(models.Model):
    """A PDF given as evidence, checked by content. It is shown with the record once a version
    that lists it is published."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    digest = models.CharField(max_length=64)
    shown = models.BooleanField(_("shown with the record"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SearchEntry(models.Model):
    """What search reads of a published record. PostgreSQL keeps `document` (a tsvector in the
    record's language, GIN-indexed); SQLite keeps an FTS5 table over title, body and terms,
    filled by triggers on this one (migrations 0002 and 0003)."""

    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    config = models.CharField(max_length=20)
    title = models.TextField()
    body = models.TextField()
    # What the record is about, by name (type, mechanism, sector, countries, areas, actors):
    # searched, but never shown in a snippet.
    terms = models.TextField(default="", blank=True)
    # Its facet values as tokens (search.facet_token), so that a filter is part of the
    # full-text query: never shown, and out of reach of the reader's words.
    facets = models.TextField(default="", blank=True)
    document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search entry")


class RecordFacet(models.Model):
    """One facet value of a published record (its type, a region, its sector, an area): the
    search page counts these among the records found."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=10)
    value = models.CharField(max_length=60)

    class Meta:
        verbose_name = _("facet value")
        indexes = [
            models.Index(fields=["facet", "value", "record"], name="knowledge_facet_value_idx"),
            models.Index(fields=["record", "facet"], name="knowledge_facet_record_idx"),
        ]
