"""Endpoints of the registry and of accreditation."""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts.selectors import member_state_of
from api.auth import required_auth
from api.errors import ApiError, responses
from api.pagination import PagePagination
from api.permissions import requires
from core.permissions import check_perm, has_perm
from core.selectors import process_for

from . import permissions as perms
from . import selectors, services
from .choices import EcosocStatus, OrganisationKind, Region
from .exceptions import (
    ActionNotAllowed,
    DuplicateOrganisation,
    ObjectionPeriodClosed,
    StakeholdersError,
)
from .models import Application, Organisation
from .protection import ANONYMISED_DUPLICATE, display_name, is_anonymised, visible_memberships
from .workflow import edit_statement, run_action

router = Router(tags=["organisations and accreditation"])


def _conflict(detail: str, errors: list[dict[str, str]]) -> ApiError:
    return ApiError(409, detail, errors)


def _raise_for(exc: StakeholdersError, viewer: Any = None) -> None:
    if isinstance(exc, DuplicateOrganisation):
        if exc.existing is None or is_anonymised(exc.existing, viewer):
            # Linking it would unmask an organisation that appears only by region.
            raise _conflict(str(ANONYMISED_DUPLICATE), [{"field": "name", "message": ""}])
        link = f"/api/v1/organisations/{exc.existing.public_id}"
        raise _conflict(str(exc), [{"field": "name", "message": link}])
    if isinstance(exc, ActionNotAllowed):
        raise _conflict(str(exc), [{"field": "action", "message": ", ".join(exc.allowed)}])
    if isinstance(exc, ObjectionPeriodClosed):
        raise _conflict(
            str(exc),
            [{"field": "deadline", "message": exc.deadline.isoformat() if exc.deadline else ""}],
        )
    raise ApiError(422, str(exc))


# Schemas -----------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    """The organisation as the caller may see it (built by organisation_payload)."""

    id: str = Field(..., description="its public id (random; organisations have no other)")
    name: str
    anonymised: bool
    acronym: str
    kind: str
    ecosoc_status: str
    ecosoc_verified_at: date | None
    country: str
    region: str
    website: str
    description: str
    thematic_areas: list[str]
    accredited_to: list[str]
    representatives: list[str]
    at_risk: bool | None = Field(
        None,
        description="its people are at risk of reprisals; shown only to those who may set it "
        "(its administrators and the secretariat), null for everyone else",
    )
    public_as_region: bool | None = Field(
        None,
        description="shown to the public by its region only; shown only to those who may set it, "
        "null for everyone else",
    )


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    acronym: str = Field("", max_length=30)
    kind: OrganisationKind
    ecosoc_status: EcosocStatus = EcosocStatus.NONE
    country: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    website: str = ""
    description: str = ""
    thematic_areas: list[str] = Field([], description="slugs of thematic areas")
    at_risk: bool = False
    public_as_region: bool = False


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    acronym: str | None = Field(None, max_length=30)
    kind: OrganisationKind | None = None
    ecosoc_status: EcosocStatus | None = None
    ecosoc_verified_at: date | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    website: str | None = None
    description: str | None = None
    thematic_areas: list[str] | None = None
    at_risk: bool | None = None
    public_as_region: bool | None = None


class DirectoryFilters(Schema):
    q: str = ""
    kind: OrganisationKind | None = None
    region: Region | None = None
    country: str = ""
    ecosoc_status: EcosocStatus | None = None
    area: str = ""
    accredited_to: str = ""
    sort: Literal["name", "-name", "country", "kind", "newest"] = "name"


class ApplicationIn(Schema):
    organisation_id: str = Field(..., max_length=16, description="the organisation's id")
    statement: str = ""


class ObjectionOut(Schema):
    id: str | None = Field(..., description="its public id; none where the State is not shown")
    member_state: str
    basis: str
    withdrawn: bool


class ApplicationOut(Schema):
    id: int
    process: str
    organisation_id: str
    organisation: str
    track: str
    state: str
    statement: str
    submitted_at: datetime | None
    deadline: date | None
    decided_at: datetime | None
    decision_reason: str
    allowed_actions: list[str]
    documents: list[str]
    objections: list[ObjectionOut]


class ActionIn(Schema):
    message: str = ""
    deadline: date | None = None
    decision: Literal["accredited", "not_accredited"] | None = None
    reason: str = ""


class ObjectionIn(Schema):
    basis: str = Field(..., min_length=1)
    disclose: bool = False


class AccreditedOut(Schema):
    organisation_id: str
    name: str
    kind: str
    region: str
    track: str
    accredited_on: date | None

    @staticmethod
    def resolve_organisation_id(obj: Any) -> str:
        return str(obj.organisation.public_id)

    @staticmethod
    def resolve_name(obj: Any, context: Any) -> str:
        return display_name(obj.organisation, context["request"].user)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.organisation.kind)

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.organisation.region)

    @staticmethod
    def resolve_track(obj: Any, context: Any) -> str:
        return "" if is_anonymised(obj.organisation, context["request"].user) else str(obj.track)

    @staticmethod
    def resolve_accredited_on(obj: Any) -> date | None:
        return obj.decided_at.date() if obj.decided_at else None


# Payloads ----------------------------------------------------------------------------------------


def organisation_payload(o: Organisation, viewer: Any) -> dict[str, Any]:
    hidden = is_anonymised(o, viewer)
    accredited = getattr(o, "accreditations", None)
    if accredited is None:
        accredited = selectors.accreditations_of(o, viewer)
    return {
        "id": o.public_id,
        "name": display_name(o, viewer),
        "anonymised": hidden,
        "acronym": "" if hidden else o.acronym,
        "kind": o.kind,
        # Status and verification date would point at the one organisation with them.
        "ecosoc_status": "" if hidden else o.ecosoc_status,
        "ecosoc_verified_at": None if hidden else o.ecosoc_verified_at,
        "country": "" if hidden else str(o.country),
        "region": o.region,
        "website": "" if hidden else o.website,
        "description": "" if hidden else o.description,
        "thematic_areas": [] if hidden else [a.slug for a in o.thematic_areas.all()],
        "accredited_to": sorted(a.process.slug for a in accredited),
        "representatives": []
        if hidden
        else [m.user.display_name for m in visible_memberships(o, viewer) if m.user.display_name],
        # The protection settings are for those who may change them: to anyone else, that an
        # organisation is at risk is itself what must not be told.
        **(
            {"at_risk": o.at_risk, "public_as_region": o.public_as_region}
            if has_perm(viewer, perms.MANAGE_ORGANISATION, o)
            else {"at_risk": None, "public_as_region": None}
        ),
    }


def application_payload(a: Application, viewer: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "process": a.process.slug,
        "organisation_id": a.organisation.public_id,
        # Only those who may read the dossier get here: the applicant, the process's
        # secretariat and the Member States, to whom applicants are named.
        "organisation": a.organisation.name,
        "track": a.track,
        "state": selectors.visible_state(a, viewer),
        "statement": a.statement,
        "submitted_at": a.submitted_at,
        "deadline": a.deadline,
        "decided_at": a.decided_at,
        "decision_reason": a.decision_reason,
        "allowed_actions": selectors.visible_allowed_actions(a, viewer),
        "documents": [d.original_name for d in a.documents.all()],
        "objections": [
            {
                "id": r["objection"].public_id if r["member_state"] else None,
                "member_state": r["member_state"],
                "basis": r["basis"],
                "withdrawn": r["withdrawn"],
            }
            for r in selectors.objections_visible_to(a, viewer)
        ],
    }


def _areas(slugs: list[str], organisation: Any = None) -> Any:
    areas = list(selectors.areas_offered_to(organisation).filter(slug__in=slugs))
    unknown = set(slugs) - {a.slug for a in areas}
    if unknown:
        message = _("Unknown: %(slugs)s") % {"slugs": ", ".join(sorted(unknown))}
        raise ApiError(
            422, _("The request is not valid."), [{"field": "thematic_areas", "message": message}]
        )
    return areas


def _validation(exc: ValidationError) -> ApiError:
    errors = [{"field": f, "message": " ".join(m)} for f, m in exc.message_dict.items()]
    return ApiError(422, _("The request is not valid."), errors)


# Organisations -----------------------------------------------------------------------------------


@router.get("/organisations", response=OrganisationPage, summary="List organisations")
def list_organisations(
    request: HttpRequest, filters: Query[DirectoryFilters], paging: Query[PagePagination.Input]
) -> dict[str, Any]:
    """The directory, filtered and sorted, exactly as the caller may see it."""
    data = filters.dict()
    sort = data.pop("sort")
    organisations = selectors.directory(request.user, {k: v for k, v in data.items() if v}, sort)
    page = PagePagination().paginate_queryset(organisations, paging, request)
    page["items"] = [organisation_payload(o, request.user) for o in page["items"]]
    return page


@router.post(
    "/organisations",
    response=responses({201: OrganisationOut}, 401, 409, 422),
    auth=required_auth,
    summary="Register an organisation",
)
@requires(perms.CREATE_ORGANISATION)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[dict[str, Any]]:
    """Register an organisation; the caller becomes its administrator."""
    data = payload.dict()
    areas = _areas(data.pop("thematic_areas"))
    data["country"] = data["country"].upper()
    try:
        organisation = services.create_organisation(
            actor=request.user, thematic_areas=areas, **data
        )
    except StakeholdersError as exc:
        _raise_for(exc, request.user)
    except ValidationError as exc:
        raise _validation(exc) from None
    return Status(201, organisation_payload(organisation, request.user))


@router.get(
    "/organisations/{public_id}",
    response=responses({200: OrganisationOut}, 404),
    summary="Read an organisation",
)
def get_organisation(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """One organisation, as the caller may see it."""
    return organisation_payload(selectors.organisation_for(request.user, public_id), request.user)


@router.patch(
    "/organisations/{public_id}",
    response=responses({200: OrganisationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Edit an organisation",
)
def patch_organisation(
    request: HttpRequest, public_id: str, payload: OrganisationPatch
) -> dict[str, Any]:
    """Change some fields; ECOSOC verification is the secretariat's."""
    organisation = selectors.organisation_for(request.user, public_id)
    check_perm(request.user, perms.MANAGE_ORGANISATION, organisation)
    # An explicit null means "no change", except for the verification date, which may be cleared.
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k == "ecosoc_verified_at"
    }
    if "ecosoc_verified_at" in changes:
        check_perm(request.user, perms.VERIFY_ECOSOC)
    areas = (
        _areas(changes.pop("thematic_areas"), organisation)
        if changes.get("thematic_areas") is not None
        else None
    )
    changes.pop("thematic_areas", None)
    if "country" in changes:
        changes["country"] = changes["country"].upper()
    try:
        organisation = services.update_organisation(
            organisation, actor=request.user, thematic_areas=areas, **changes
        )
    except StakeholdersError as exc:
        _raise_for(exc, request.user)
    except ValidationError as exc:
        raise _validation(exc) from None
    return organisation_payload(organisation, request.user)


# Accreditation -----------------------------------------------------------------------------------


@router.post(
    "/processes/{slug}/applications",
    response=responses({201: ApplicationOut}, 401, 403, 404, 422),
    auth=required_auth,
    summary="Start an application",
)
@requires(perms.START_APPLICATION)
def create_application(
    request: HttpRequest, slug: str, payload: ApplicationIn
) -> Status[dict[str, Any]]:
    """Start a draft application for one of the caller's organisations."""
    process = process_for(request.user, slug)
    check_perm(request.user, perms.START_APPLICATION, process)
    organisation = selectors.organisation_for(request.user, payload.organisation_id)
    check_perm(request.user, perms.APPLY, organisation)
    try:
        application = services.create_application(
            process, actor=request.user, organisation=organisation, statement=payload.statement
        )
    except StakeholdersError as exc:
        _raise_for(exc, request.user)
    return Status(201, application_payload(application, request.user))


@router.get(
    "/applications/{pk}",
    response=responses({200: ApplicationOut}, 401, 404),
    auth=required_auth,
    summary="Read an application",
)
def get_application(request: HttpRequest, pk: int) -> dict[str, Any]:
    """An application the caller may read (applicant, secretariat, delegates once circulated)."""
    return application_payload(selectors.application_for(request.user, pk), request.user)


class StatementIn(Schema):
    statement: str


@router.patch(
    "/applications/{pk}",
    response=responses({200: ApplicationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Edit the statement",
)
def patch_application(request: HttpRequest, pk: int, payload: StatementIn) -> dict[str, Any]:
    """Edit the statement of a draft, or of an application returned for information."""
    application = selectors.application_for(request.user, pk)
    try:
        application = edit_statement(application, actor=request.user, statement=payload.statement)
    except StakeholdersError as exc:
        _raise_for(exc, request.user)
    return application_payload(application, request.user)


@router.post(
    "/applications/{pk}/documents",
    response=responses({201: ApplicationOut}, 401, 403, 404, 422),
    auth=required_auth,
    summary="Attach a supporting document",
)
def upload_document(
    request: HttpRequest, pk: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Multipart upload of one PDF (at most 10 MB), before the application is submitted."""
    application = selectors.application_for(request.user, pk)
    check_perm(request.user, perms.EDIT_APPLICATION, application)
    try:
        services.add_document(application, actor=request.user, upload=file)
    except StakeholdersError as exc:
        raise ApiError(422, str(exc), [{"field": "file", "message": str(exc)}]) from None
    return Status(201, application_payload(application, request.user))


class ApplicationSummaryOut(Schema):
    id: int
    organisation_id: str
    organisation: str
    kind: str
    region: str
    track: str
    state: str
    deadline: date | None

    @staticmethod
    def resolve_organisation_id(obj: Any) -> str:
        return str(obj.organisation.public_id)

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.organisation.kind)

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.organisation.region)

    @staticmethod
    def resolve_state(obj: Any, context: Any) -> str:
        return selectors.visible_state(obj, context["request"].user)


@router.get(
    "/processes/{slug}/applications",
    response=responses({200: list[ApplicationSummaryOut]}, 401, 403, 404),
    auth=required_auth,
    summary="Applications in a process",
)
@paginate(PagePagination)
@requires(perms.VIEW_APPLICATIONS)
def list_applications(request: HttpRequest, slug: str, state: str = ""):  # type: ignore[no-untyped-def]
    """The secretariat's queue, or, for a Member State delegate, the circulated dossiers."""
    process = process_for(request.user, slug)
    check_perm(request.user, perms.VIEW_APPLICATIONS, process)
    return selectors.applications_in(process, request.user, state=state)


@router.post(
    "/applications/{pk}/objections",
    response=responses({201: ObjectionOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Object to an application",
)
def object_to(request: HttpRequest, pk: int, payload: ObjectionIn) -> Status[dict[str, Any]]:
    """A Member State delegate objects while the application is circulated."""
    application = selectors.application_for(request.user, pk)
    check_perm(request.user, perms.OBJECT, application)
    try:
        objection = services.record_objection(
            application,
            actor=request.user,
            member_state=member_state_of(request.user),
            basis=payload.basis,
            disclose=payload.disclose,
        )
    except StakeholdersError as exc:
        _raise_for(exc, request.user)
    return Status(
        201,
        {
            "id": objection.public_id,
            "member_state": objection.member_state,
            "basis": objection.basis,
            "withdrawn": False,
        },
    )


@router.post(
    "/objections/{public_id}/withdraw",
    response=responses({200: ObjectionOut}, 401, 403, 404, 409),
    auth=required_auth,
    summary="Withdraw an objection",
)
def withdraw_objection(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """The objecting State withdraws its objection before the deadline."""
    objection = selectors.objection_for(request.user, public_id)
    check_perm(request.user, perms.WITHDRAW_OBJECTION, objection)
    try:
        objection = services.withdraw_objection(objection, actor=request.user)
    except StakeholdersError as exc:
        _raise_for(exc, request.user)
    return {
        "id": objection.public_id,
        "member_state": objection.member_state,
        "basis": objection.basis,
        "withdrawn": True,
    }


@router.post(
    "/applications/{pk}/{action}",
    response=responses({200: ApplicationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Take a step: submit, withdraw, return, review, circulate, decide",
)
def application_action(
    request: HttpRequest,
    pk: int,
    action: Literal["submit", "withdraw", "return", "review", "circulate", "decide"],
    payload: ActionIn | None = None,
) -> dict[str, Any]:
    """`circulate` takes {"deadline": "YYYY-MM-DD"}; `decide` takes {"decision", "reason"};
    `return` takes {"message"}. A step the current state does not allow answers 409."""
    application = selectors.application_for(request.user, pk)
    try:
        application = run_action(
            application, action, actor=request.user, data=payload.dict() if payload else {}
        )
    except StakeholdersError as exc:
        _raise_for(exc, request.user)
    application.refresh_from_db()
    return application_payload(application, request.user)


@router.get(
    "/processes/{slug}/accredited",
    response=responses({200: list[AccreditedOut]}, 404),
    summary="Accredited organisations",
)
@paginate(PagePagination)
def accredited(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    """The published list of organisations accredited to a process."""
    return selectors.accredited_in(process_for(request.user, slug), request.user)
