import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import TimeStampedModel
from core.validators import single_line

from .choices import (
    DEFAULT_OBJECTION_TRANSPARENCY,
    ApplicationState,
    EcosocStatus,
    MemberRole,
    ObjectionTransparency,
    OrganisationKind,
    Region,
    Track,
)
from .querysets import (
    ApplicationQuerySet,
    DocumentQuerySet,
    ObjectionQuerySet,
    OrganisationQuerySet,
)


class ThematicArea(models.Model):
    """A term of the controlled vocabulary the secretariat manages."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, validators=[single_line])
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Lower-case letters and digits without the ones read alike (i, l, o, u): 60 random bits.
PUBLIC_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
PUBLIC_ID_LENGTH = 12


def new_public_id() -> str:
    """A random id for URLs and the API: unlike the primary key, it says nothing of an
    organisation's (or an objection's) age and cannot be counted through."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


class Organisation(TimeStampedModel):
    public_id = models.CharField(
        _("public id"), max_length=16, unique=True, default=new_public_id, editable=False
    )
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    acronym = models.CharField(_("acronym"), max_length=30, blank=True, validators=[single_line])
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    ecosoc_status = models.CharField(
        _("ECOSOC consultative status"),
        max_length=10,
        choices=EcosocStatus.choices,
        default=EcosocStatus.NONE,
    )
    ecosoc_verified_at = models.DateField(_("ECOSOC status verified on"), null=True, blank=True)
    country = CountryField(verbose_name=_("country"))
    region = models.CharField(
        _("UN regional group"), max_length=20, choices=Region.choices, blank=True, editable=False
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="organisations"
    )
    at_risk = models.BooleanField(
        _("at risk"),
        default=False,
        help_text=_("The names of its people appear nowhere outside the secretariat."),
    )
    public_as_region = models.BooleanField(
        _("appear publicly only by region"),
        default=False,
        help_text=_("Shown to the public as “an organisation based in <region>”."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="stakeholders_org_name_idx")]
        constraints = [
            # Only among organisations shown by name: refusing the name of one shown only by
            # region would confirm a guess of it (services.organisations._find_duplicate).
            models.UniqueConstraint(
                Lower("name"),
                "country",
                condition=Q(public_as_region=False),
                name="stakeholders_organisation_unique_public_name_country",
            ),
            models.CheckConstraint(
                condition=Q(ecosoc_verified_at__isnull=True) | ~Q(ecosoc_status=EcosocStatus.NONE),
                name="stakeholders_organisation_verified_needs_status",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ecosoc_verified(self) -> bool:
        return self.ecosoc_status != EcosocStatus.NONE and self.ecosoc_verified_at is not None


class Membership(models.Model):
    """A person's place in an organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.REPRESENTATIVE
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="stakeholders_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation; only the token's digest is stored."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.REPRESENTATIVE
    )
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class AccreditationSettings(models.Model):
    """How accreditation runs in one process."""

    process = models.OneToOneField(
        "core.Process", on_delete=models.CASCADE, related_name="accreditation_settings"
    )
    objection_transparency = models.CharField(
        _("who learns of objections"),
        max_length=20,
        choices=ObjectionTransparency.choices,
        default=DEFAULT_OBJECTION_TRANSPARENCY,
    )
    objection_days = models.PositiveSmallIntegerField(
        _("default non-objection period (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    carry_over_needs_objection_round = models.BooleanField(
        _("carried-over organisations go through a new objection round"), default=False
    )

    class Meta:
        verbose_name = _("accreditation settings")
        verbose_name_plural = _("accreditation settings")

    def __str__(self) -> str:
        return f"{self.process}"


class Application(TimeStampedModel):
    """An organisation's request to take part in a process."""

    process = models.ForeignKey(
        "core.Process",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("process"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organisation"),
    )
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    statement = models.TextField(_("statement of relevance and competence"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    secretariat_note = models.TextField(_("message from the secretariat"), blank=True)
    circulated_at = models.DateTimeField(_("circulated"), null=True, blank=True)
    deadline = models.DateField(_("objection deadline"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    carried_over_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "organisation"],
                condition=~Q(state__in=["withdrawn", "not_accredited"]),
                name="stakeholders_application_one_open_per_process",
            ),
            models.CheckConstraint(
                condition=~Q(state="circulated") | Q(deadline__isnull=False),
                name="stakeholders_application_circulated_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.process}"


def _document_path(instance: "ApplicationDocument", filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.digest[:16]}.pdf"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    digest = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Objection(models.Model):
    """A Member State's objection to an application during its non-objection period."""

    # Named to delegates by this id: a sequential one would tell a State how many objections
    # other States lodged between two of its own.
    public_id = models.CharField(
        _("public id"), max_length=16, unique=True, default=new_public_id, editable=False
    )

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("application"),
    )
    member_state = models.CharField(_("Member State"), max_length=2)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    basis = models.TextField(_("basis"))
    disclose = models.BooleanField(_("the basis may be disclosed"), default=False)
    created_at = models.DateTimeField(_("lodged"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member_state"],
                condition=Q(withdrawn_at__isnull=True),
                name="stakeholders_objection_one_standing_per_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_state} on {self.application}"

    @property
    def standing(self) -> bool:
        return self.withdrawn_at is None
