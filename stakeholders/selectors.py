"""Reads of the registry and of accreditation, always through the viewer's scope."""

from typing import Any

from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from accounts.selectors import is_process_staff, member_state_of
from core.models import Process
from core.permissions import has_perm
from core.selectors import processes_visible_to

from .choices import ApplicationState as S
from .choices import ObjectionTransparency
from .models import (
    AccreditationSettings,
    Application,
    ApplicationDocument,
    Membership,
    Objection,
    Organisation,
    ThematicArea,
)
from .permissions import EDIT_APPLICATION, OBJECT, VIEW_APPLICATIONS
from .pipeline import EDITABLE_STATES, actions_allowed_in, current_track
from .protection import is_anonymised, sees_everything

SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "country": ("country", "name"),
    "kind": ("kind", "name"),
    "newest": ("-created_at",),
}


def thematic_areas(*, active_only: bool = True) -> QuerySet[ThematicArea]:
    areas = ThematicArea.objects.order_by("name")
    return areas.filter(is_active=True) if active_only else areas


def areas_offered_to(organisation: Organisation | None) -> QuerySet[ThematicArea]:
    """The active areas, and the ones the organisation already has (it keeps those when an
    area stops being offered)."""
    offered = Q(is_active=True)
    if organisation is not None:
        offered |= Q(organisations=organisation)
    return ThematicArea.objects.filter(offered).distinct().order_by("name")


def directory(viewer: Any, filters: dict[str, Any], sort: str = "name") -> QuerySet[Organisation]:
    """The directory as the viewer may see and search it."""
    include_protected = sees_everything(viewer)
    # Accreditations in processes the viewer may see (not in drafts it does not run).
    accredited = (
        Application.objects.accredited()
        .filter(process__in=processes_visible_to(viewer))
        .select_related("process")
        .only("organisation_id", "process__slug", "process__name")
    )
    order: list[Any] = list(SORTS.get(sort, SORTS["name"]))
    if not include_protected:
        # Organisations shown only by region come last, in an order that says nothing about
        # their hidden name, country or age.
        order = ["public_as_region", *[_masked(field) for field in order], "public_id"]
    return (
        Organisation.objects.restrict(viewer, "view")
        .directory(
            filters, include_protected=include_protected, processes=processes_visible_to(viewer)
        )
        .prefetch_related(
            "thematic_areas",
            Prefetch("memberships", queryset=Membership.objects.select_related("user")),
            Prefetch("applications", queryset=accredited, to_attr="accreditations"),
        )
        .order_by(*order)
    )


def _masked(field: str) -> Any:
    """Sort by the field, but not for organisations shown only by region."""
    name = field.lstrip("-")
    value = Case(When(public_as_region=False, then=F(name)), default=Value(None))
    return value.desc(nulls_last=True) if field.startswith("-") else value.asc(nulls_last=True)


def organisation_for(viewer: Any, public_id: str) -> Organisation:
    """Every organisation is listed (some only by region): Http404 only for unknown ids. It is
    found by its random public id, never by its sequential key (which tells its age)."""
    return get_object_or_404(
        Organisation.objects.restrict(viewer, "view").prefetch_related(
            "thematic_areas",
            Prefetch("memberships", queryset=Membership.objects.select_related("user")),
        ),
        public_id=public_id,
    )


def possible_duplicates(organisation: Organisation, viewer: Any) -> list[Organisation]:
    """Other organisations of the same name and country that the viewer may see by name.

    Registration does not refuse a name held by an organisation shown only by region (that
    would confirm a guess of it), so the secretariat, who sees both, is shown them here."""
    twins = (
        Organisation.objects.annotate(lname=Lower("name"))
        .filter(lname=organisation.name.lower(), country=organisation.country)
        .exclude(pk=organisation.pk)
        .order_by("pk")
    )
    return [o for o in twins if not is_anonymised(o, viewer)]


def memberships_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("role", "user__display_name")


def organisations_of(user: Any) -> QuerySet[Organisation]:
    """The organisations the user belongs to (as administrator or representative): the ones
    they apply for."""
    return Organisation.objects.restrict(user, "apply").order_by("name")


def organisation_to_apply_for(user: Any, public_id: str) -> Organisation:
    """One of the user's organisations, or Http404."""
    return get_object_or_404(organisations_of(user), public_id=public_id)


def settings_of(process: Process) -> AccreditationSettings:
    """The process's settings; the defaults, unsaved, until its secretariat changes them. Read
    once per process object (lists load them with `process__accreditation_settings`)."""
    try:
        return process.accreditation_settings  # type: ignore[attr-defined]
    except AccreditationSettings.DoesNotExist:
        return AccreditationSettings(process=process)


def accredited_in(process: Process, viewer: Any = None) -> QuerySet[Application]:
    """The published list; organisations shown only by region come last, so that their place
    in the alphabet does not hint at their names."""
    order: tuple[Any, ...] = ("organisation__name",)
    if not sees_everything(viewer):
        hidden_name = Case(
            When(organisation__public_as_region=False, then=F("organisation__name")),
            default=Value(None),
        )
        order = (
            "organisation__public_as_region",
            hidden_name.asc(nulls_last=True),
            "organisation__public_id",
        )
    return (
        Application.objects.accredited()
        .filter(process=process)
        .select_related("organisation")
        .order_by(*order)
    )


def applications_in(process: Process, viewer: Any, *, state: str = "") -> QuerySet[Application]:
    """The process's applications the viewer may read: all for its secretariat (which may
    filter by state), the circulated dossiers (and their outcome) for delegates, none for others.
    Delegates cannot filter by state: "objected" would tell them of other States' objections."""
    applications = (
        Application.objects.restrict(viewer, "view")
        .filter(process=process)
        .select_related("organisation", "process__accreditation_settings")
        .prefetch_related("objections")
    )
    if is_process_staff(viewer, process):
        if state in S.values:
            applications = applications.filter(state=state)
        return applications.order_by("-updated_at")
    return applications.order_by("deadline", "pk")


def has_applications_to_read(process: Process, viewer: Any) -> bool:
    """Whether the accreditation page links to the applications page: for those who may read
    it, once there is something there for them."""
    if not has_perm(viewer, VIEW_APPLICATIONS, process):
        return False
    return applications_in(process, viewer).exists()


def applications_of(organisation: Organisation) -> QuerySet[Application]:
    return organisation.applications.select_related("process").order_by("-created_at")


def accreditations_of(organisation: Organisation, viewer: Any) -> QuerySet[Application]:
    """Its accreditations in the processes the viewer may see."""
    return applications_of(organisation).filter(
        state=S.ACCREDITED, process__in=processes_visible_to(viewer)
    )


def applications_of_visible_to(organisation: Organisation, viewer: Any) -> QuerySet[Application]:
    """Its applications the viewer may open (the same rule as the application's page)."""
    return (
        Application.objects.restrict(viewer, "view")
        .filter(organisation=organisation)
        .select_related("process__accreditation_settings")
        .prefetch_related("objections")
        .order_by("-created_at")
    )


def application_for(viewer: Any, pk: int) -> Application:
    """An application the viewer may read, or Http404 (existence is not revealed)."""
    return get_object_or_404(
        Application.objects.restrict(viewer, "view").select_related(
            "process", "organisation", "created_by"
        ),
        pk=pk,
    )


def document_of(application: Application, viewer: Any, pk: int) -> ApplicationDocument:
    """One of the application's supporting documents, if the viewer may read it, or Http404."""
    return get_object_or_404(
        ApplicationDocument.objects.restrict(viewer, "view").filter(application=application),
        pk=pk,
    )


def objections_visible_to(application: Application, viewer: Any) -> list[dict[str, Any]]:
    """The application's objections the viewer may learn of (querysets.objection_condition),
    with what it may read of each: the State and the basis for the secretariat and for the
    objecting State; otherwise the State only where the process publishes objections, and the
    basis where its State let it be disclosed."""
    objections = list(application.objections.restrict(viewer, "view"))
    public = settings_of(application.process).objection_transparency == ObjectionTransparency.PUBLIC
    staff = is_process_staff(viewer, application.process)
    own_state = member_state_of(viewer)
    may_object = open_to_objection_by(application, viewer)

    def row(o: Objection) -> dict[str, Any]:
        own = bool(own_state) and o.member_state == own_state
        return {
            "objection": o,
            "member_state": o.member_state if staff or own or public else "",
            "basis": o.basis if staff or own or o.disclose else "",
            "withdrawn": o.withdrawn_at is not None,
            "withdrawable": own and may_object and o.withdrawn_at is None,
        }

    return [row(o) for o in objections]


def objection_for(viewer: Any, public_id: str) -> Objection:
    """One of the delegate's own State's objections (by its public id), or Http404."""
    return get_object_or_404(
        Objection.objects.restrict(viewer, "view").select_related("application__process"),
        public_id=public_id,
        member_state=member_state_of(viewer) or "--",
    )


def public_objections(process: Process, viewer: Any = None) -> QuerySet[Objection]:
    """Standing objections, where the process publishes them (naming the State)."""
    return (
        Objection.objects.restrict(viewer, "view")
        .published()
        .filter(application__process=process)
        .select_related("application__organisation")
        .order_by("created_at")
    )


def visible_state(application: Application, viewer: Any) -> str:
    """The state as the viewer may know it: where objections stay with the secretariat, the
    applicant (and anyone but the secretariat and the States) sees "circulated", not "objected"."""
    if application.state != S.OBJECTED or is_process_staff(viewer, application.process):
        return str(application.state)
    transparency = settings_of(application.process).objection_transparency
    own_state = member_state_of(viewer)
    if own_state:
        # A delegate learns only of its own State's objection (the lists prefetch objections).
        own = any(
            o.member_state == own_state and o.withdrawn_at is None
            for o in application.objections.all()
        )
        if transparency != ObjectionTransparency.PUBLIC and not own:
            return str(S.CIRCULATED)
        return str(application.state)
    if transparency == ObjectionTransparency.SECRETARIAT:
        return str(S.CIRCULATED)
    return str(application.state)


def state_label(application: Application, viewer: Any) -> str:
    return str(S(visible_state(application, viewer)).label)


def editable_by(application: Application, viewer: Any) -> bool:
    """Whether the page offers the viewer to edit the statement and the documents now."""
    return application.state in EDITABLE_STATES and has_perm(viewer, EDIT_APPLICATION, application)


def open_to_objection_by(application: Application, viewer: Any) -> bool:
    """Whether the page offers the viewer to object now (the service checks the deadline)."""
    return application.state in (S.CIRCULATED, S.OBJECTED) and has_perm(viewer, OBJECT, application)


def visible_allowed_actions(application: Application, viewer: Any) -> list[str]:
    """The steps open now, as they would be in the state the viewer may know."""
    if member_state_of(viewer) and not is_process_staff(viewer, application.process):
        return []  # Member States take no step of the pipeline; they object, or do not.
    return actions_allowed_in(visible_state(application, viewer), current_track(application))


def accredited_organisations_of(user: Any, process: Process) -> QuerySet[Organisation]:
    """The organisations the user belongs to that are accredited to the process."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        applications__process=process,
        applications__state=S.ACCREDITED,
    ).distinct()
