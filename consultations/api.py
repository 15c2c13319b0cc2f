"""Endpoints of consultations: responses in, results and exports out."""

import inspect
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile

from api.auth import required_auth
from api.errors import ApiError, form_error, responses
from core.permissions import VIEW_PROCESS, ensure_known, has_perm
from core.selectors import process_for
from stakeholders.choices import OrganisationKind, Region
from stakeholders.selectors import organisations_of

from . import permissions as perms
from . import selectors, services, submission
from .attachments import receive_upload
from .choices import Audience, Identity, Layout
from .choices import Status as ConsultationStatus
from .exceptions import (
    ConsultationError,
    InvalidResponse,
    InvalidUpload,
    NotInAudience,
    NotOpen,
    SlugTaken,
    StaleConsultation,
    StatusNotAllowed,
)
from .exporting import export_now
from .exports import attachment
from .forms import MAX_FORM_BYTES, ConsultationForm, InviteesForm
from .models import Consultation
from .results import Results, build_results
from .xlsform import SUFFIXES, UPLOAD_TYPES, FormError

router = Router(tags=["consultations"])


def _consultation(request: HttpRequest, slug: str) -> Consultation:
    return selectors.consultation_for(request.user, slug)


def requires(
    name: str, find: Callable[[HttpRequest, str], Any] = _consultation
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the permission an endpoint needs on the object at its {slug}, found through its
    scope (404 when hidden): 401 if anonymous, else 403. The endpoint gets the object after the
    request; ninja reads the endpoint's other parameters as before."""
    ensure_known(name)

    def decorator(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(endpoint)
        request_param, _found, *rest = signature.parameters.values()

        @wraps(endpoint)
        def wrapped(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
            target = find(request, slug)
            if not has_perm(request.user, name, target):
                if not request.user.is_authenticated:
                    raise AuthenticationError()
                raise ApiError(403, "You may not do this.")
            return endpoint(request, target, slug=slug, **kwargs)

        wrapped.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[request_param, *rest]
        )
        wrapped.required_permission = name  # type: ignore[attr-defined]
        return wrapped

    return decorator


def _process(request: HttpRequest, slug: str) -> Any:
    return process_for(request.user, slug)


class ConsultationOut(Schema):
    slug: str
    process: str
    title: str
    description: str
    opens_at: datetime
    closes_at: datetime
    languages: list[str]
    audience: str
    identity: str
    status: str
    url: str


class ResponseIn(Schema):
    instance_id: uuid.UUID
    language: str = Field("", max_length=20)
    answers: dict[str, Any] = Field(
        ...,
        description="keyed by question name; an image, file, audio or video question is "
        "answered with the name POST /consultations/{slug}/attachments returned for its file",
    )
    organisation_id: str | None = Field(
        None,
        max_length=40,
        description="the public id of the organisation answered for (one the caller belongs to)",
    )
    kind: OrganisationKind | None = Field(None, description="declared stakeholder kind")
    region: Region | None = Field(None, description="declared UN regional group")


class ResponseOut(Schema):
    id: int
    reference: str = Field(..., description="the receipt code")


def consultation_payload(c: Consultation) -> dict[str, Any]:
    return {
        "slug": c.slug,
        "process": c.process.slug,
        "title": c.title,
        "description": c.description,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "languages": c.languages,
        "audience": c.audience,
        "identity": c.identity,
        "status": c.status,
        "url": f"/consultations/{c.slug}/",
    }


@router.get(
    "/processes/{slug}/consultations",
    response=responses({200: list[ConsultationOut]}, 404),
    summary="List a process's consultations",
)
@requires(VIEW_PROCESS, find=_process)
def list_consultations(request: HttpRequest, process: Any, slug: str) -> list[dict[str, Any]]:
    """The consultations of a process the caller may see."""
    return [consultation_payload(c) for c in selectors.consultations_in(process, request.user)]


@router.get(
    "/consultations/{slug}",
    response=responses({200: ConsultationOut}, 404),
    summary="Read a consultation",
)
@requires(perms.VIEW)
def get_consultation(request: HttpRequest, consultation: Consultation, slug: str) -> dict[str, Any]:
    """One consultation."""
    return consultation_payload(consultation)


@router.post(
    "/consultations/{slug}/responses",
    response=responses({201: ResponseOut, 200: ResponseOut}, 401, 403, 404, 409, 422),
    summary="Submit a response",
)
def submit_response(request: HttpRequest, slug: str, payload: ResponseIn) -> HttpResponse:
    """Answers keyed by question name. The same instance_id with the same answers again
    returns the same response (200); with other answers, 409. Nothing is stored on a refusal.

    The body is JSON and carries no files: send each file first to
    POST /consultations/{slug}/attachments and answer its question with the name returned."""
    # No permission declared beyond seeing the consultation: who may answer is the service's
    # rule (submission._respondent), since a retry of a stored response is answered with it
    # whatever changed since, and each refusal has a status and message of its own.
    try:
        try:
            found = selectors.consultation_for(request.user, slug, remembered=True)
            response, created = _submit(request, found, payload)
        except (StaleConsultation, ConsultationError):
            # What this process remembered may be out of date: a refusal is only given, and a
            # changed consultation only used, once read again from the database.
            found = selectors.consultation_for(request.user, slug)
            response, created = _submit(request, found, payload)
    except (StaleConsultation, ConsultationError) as exc:
        raise _refusal(request, exc) from None
    # Answered directly: the busiest endpoint skips validating its own two-field output.
    return JsonResponse(
        {"id": response.pk, "reference": response.reference}, status=201 if created else 200
    )


def _organisation_pk(user: Any, public_id: str | None) -> int | None:
    """The organisation named by its public id, among the caller's own; 0 (which names no
    organisation, so the service refuses it on its field) if it is not one of them."""
    if public_id is None:
        return None
    found = organisations_of(user).filter(public_id=public_id).values_list("pk", flat=True)
    return found.first() or 0


def _submit(
    request: HttpRequest, consultation: Consultation, payload: ResponseIn
) -> tuple[Any, bool]:
    return submission.submit_response(
        consultation,
        actor=request.user,
        instance_id=payload.instance_id,
        answers=payload.answers,
        language=payload.language,
        organisation_id=_organisation_pk(request.user, payload.organisation_id),
        declared={
            "kind": payload.kind.value if payload.kind else "",
            "region": payload.region.value if payload.region else "",
        },
    )


class AttachmentOut(Schema):
    name: str = Field(..., description="the answer to give the question in the response")
    question: str
    content_type: str = Field(..., description="as Consulta recognised the file by its content")
    size: int


@router.post(
    "/consultations/{slug}/attachments",
    response=responses({201: AttachmentOut}, 401, 403, 404, 409, 422),
    summary="Send a file for an image, file, audio or video question",
)
def upload_attachment(
    request: HttpRequest, slug: str, question: Form[str], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Multipart: `question` (the question's name) and `file`. The file is judged by its
    content: images JPEG, PNG or WebP up to 10 MB; documents PDF (no active content), plain
    text, CSV, docx, xlsx, pptx, odt, ods or odp (no macros) up to 10 MB; audio (MP3, M4A, Ogg,
    WAV, FLAC, AMR, WebM) up to 25 MB and video (MP4, QuickTime, WebM, 3GP, Ogg) up to 50 MB,
    not in anonymous consultations; the form's accept column may narrow these. The name
    returned is the question's answer in POST /consultations/{slug}/responses, which links the
    file to the response; a file no response names is never shown to anyone."""
    consultation = selectors.consultation_for(request.user, slug)
    version = selectors.current_version(consultation)
    form = selectors.definition_of(version) if version else None
    asked = (
        next((q for q in form.questions() if q.name == question and q.type in UPLOAD_TYPES), None)
        if form
        else None
    )
    if asked is None:
        message = _("This form has no image, file, audio or video question of that name.")
        raise ApiError(422, message, [{"field": "question", "message": message}])
    try:
        kept = receive_upload(consultation, actor=request.user, question=asked, upload=file)
    except InvalidUpload as exc:
        raise ApiError(422, str(exc), [{"field": "file", "message": str(exc)}]) from None
    except ConsultationError as exc:
        raise _refusal(request, exc) from None
    return Status(
        201,
        {
            "name": kept.name,
            "question": kept.question,
            "content_type": kept.content_type,
            "size": kept.size,
        },
    )


def _refusal(request: HttpRequest, exc: Exception) -> Exception:
    """The API's answer to a submission the service refused."""
    if isinstance(exc, StaleConsultation):
        return ApiError(409, "The consultation changed while the response was sent; send it again.")
    if isinstance(exc, NotInAudience):
        return (
            AuthenticationError() if not request.user.is_authenticated else ApiError(403, str(exc))
        )
    if isinstance(exc, NotOpen):
        window = [
            {"field": "opens_at", "message": exc.opens_at.isoformat()},
            {"field": "closes_at", "message": exc.closes_at.isoformat()},
        ]
        return ApiError(409, str(exc), window)
    if isinstance(exc, InvalidResponse):
        return ApiError(422, str(exc), exc.errors)
    # AlreadyAnswered, InstanceConflict and any other rule of consultations.
    return ApiError(409, str(exc))


class ResultsQuery(Schema):
    by: Literal["kind", "region"] | None = None
    kind: OrganisationKind | None = None
    region: Region | None = None
    language: str = ""


def results_payload(results: Results) -> dict[str, Any]:
    columns = [key or "all" for key, _label in results.columns]

    def cells(values: list[Any]) -> dict[str, Any]:
        return dict(zip(columns, values, strict=True))

    return {
        "by": results.by or None,
        "total": results.total[0],
        "columns": [
            {"key": k, "label": str(label)}
            for k, (_, label) in zip(columns, results.columns, strict=True)
        ],
        "questions": [
            {
                "name": q.path,
                "label": q.label,
                "type": q.type,
                "display": q.display,
                "answered": q.answered[0],
                "stats": q.stats,
                "rows": [
                    {
                        "value": r.key,
                        "label": r.label,
                        "count": r.count,
                        "percent": r.percent,
                        **({"breakdown": cells(r.cells)} if results.by else {}),
                    }
                    for r in q.rows
                ],
                **({"answered_breakdown": cells(q.answered)} if results.by else {}),
            }
            for q in results.questions
        ],
    }


@router.get(
    "/consultations/{slug}/results",
    response=responses({200: dict[str, Any]}, 401, 403, 404),
    summary="Read a consultation's results",
)
@requires(perms.VIEW_RESULTS)
def get_results(
    request: HttpRequest, consultation: Consultation, slug: str, query: Query[ResultsQuery]
) -> dict[str, Any]:
    """The figures of every question, as on the results page; counts under 5 read "<5"
    outside attributed mode."""
    version = selectors.current_version(consultation)
    if version is None:
        raise ApiError(409, "This consultation has no form yet.")
    filters = {
        "kind": query.kind.value if query.kind else "",
        "region": query.region.value if query.region else "",
    }
    results = build_results(
        consultation,
        selectors.definition_of(version),
        by=query.by or "",
        filters=filters,
        language=query.language,
    )
    return results_payload(results)


class ExportQuery(Schema):
    format: Literal["csv", "xlsx", "json"] = "csv"
    labels: bool = Field(False, description="choice labels instead of names")
    language: str = ""


@router.get(
    "/consultations/{slug}/export",
    response=responses({200: None}, 401, 403, 404, 409),
    summary="Export the responses",
)
@requires(perms.MANAGE)
def export_responses(
    request: HttpRequest, consultation: Consultation, slug: str, query: Query[ExportQuery]
) -> HttpResponse:
    """Every response as CSV, XLSX (one sheet per repeat, linked by _id) or JSON."""
    version = selectors.current_version(consultation)
    if version is None:
        raise ApiError(409, "This consultation has no form yet.")
    body = export_now(
        consultation,
        actor=request.user,
        form=selectors.definition_of(version),
        fmt=query.format,
        labels=query.labels,
        language=query.language,
        via="api",
    )
    return attachment(body, query.format, consultation.slug)


# Setting up (the secretariat's, as on the pages) --------------------------------------------------


class ConsultationChange(Schema):
    """A consultation's settings; times in UTC where they carry no offset."""

    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, description="Markdown")
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    audience: Audience | None = None
    identity: Identity | None = Field(None, description="may change only before the first response")
    layout: Layout | None = None
    invitees: list[str] | None = Field(None, description="e-mail addresses of the invited list")


class ConsultationNew(Schema):
    slug: str = Field(..., min_length=1, max_length=80)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    opens_at: datetime
    closes_at: datetime
    audience: Audience
    identity: Identity
    layout: Layout = Layout.ONE_PAGE


class StatusIn(Schema):
    status: ConsultationStatus


def _setting_errors(exc: Exception) -> ApiError:
    """A refusal of the setting-up services in the one shape."""
    if isinstance(exc, SlugTaken):
        return ApiError(409, str(exc), [{"field": "slug", "message": str(exc)}])
    if isinstance(exc, FormError):
        return ApiError(422, str(exc), [{"field": "form_file", "message": str(exc)}])
    if isinstance(exc, StatusNotAllowed):
        return ApiError(409, str(exc), [{"field": "status", "message": ", ".join(exc.allowed)}])
    if isinstance(exc, ValidationError):
        return ApiError(
            422,
            _("The request is not valid."),
            [
                {"field": "" if f == "__all__" else f, "message": " ".join(m)}
                for f, m in exc.message_dict.items()
            ],
        )
    return ApiError(409, str(exc))  # FormLocked, NoForm and the other rules


def _form_file(upload: UploadedFile) -> bytes:
    """The uploaded XLSForm's bytes, after the page's checks of its name and size."""
    name = upload.name or ""
    if not name.lower().endswith(SUFFIXES):
        message = _("An XLSForm is a .xlsx, .xls or .md file.")
        raise ApiError(422, message, [{"field": "form_file", "message": message}])
    if (upload.size or 0) > MAX_FORM_BYTES:
        message = _("A form file may not exceed 5 MB.")
        raise ApiError(422, message, [{"field": "form_file", "message": message}])
    return upload.read()


@router.post(
    "/processes/{slug}/consultations",
    response=responses({201: ConsultationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Create a consultation with its XLSForm",
)
@requires(perms.MANAGE, find=_process)
def create_consultation(
    request: HttpRequest,
    process: Any,
    slug: str,
    payload: Form[ConsultationNew],
    form_file: File[UploadedFile],
) -> Status[dict[str, Any]]:
    """A multipart request, as the page sends: the settings and the form file. The consultation
    is created as a draft; a taken short name or a form that cannot be read creates nothing."""
    data = payload.dict()
    form = ConsultationForm({**data, "form_file": None}, {"form_file": form_file})
    if not form.is_valid():
        raise form_error(form)
    fields = dict(form.cleaned_data)
    fields.pop("form_file")
    try:
        consultation = services.create_consultation_with_form(
            process,
            actor=request.user,
            content=_form_file(form_file),
            filename=form_file.name or "",
            **fields,
        )
    except (ConsultationError, FormError, ValidationError) as exc:
        raise _setting_errors(exc) from None
    return Status(201, consultation_payload(consultation))


@router.patch(
    "/consultations/{slug}",
    response=responses({200: ConsultationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Change a consultation's settings",
)
@requires(perms.MANAGE)
def change_consultation(
    request: HttpRequest, consultation: Consultation, slug: str, payload: ConsultationChange
) -> dict[str, Any]:
    """What is sent changes, the rest stays; null means "as it is". The identity mode is
    fixed once a response has arrived (409)."""
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    current = {name: getattr(consultation, name) for name in services.CONSULTATION_FIELDS}
    emails = changes.pop("invitees", None)
    form = ConsultationForm({**current, **changes}, editing=True)
    if emails is None:
        emails = list(consultation.invitees.values_list("email", flat=True))
    invitees = InviteesForm({"emails": "\n".join(e.replace("\n", " ") for e in emails)})
    if not form.is_valid():
        raise form_error(form)
    if not invitees.is_valid():
        raise ApiError(
            422,
            _("The request is not valid."),
            [{"field": "invitees", "message": " ".join(str(m) for m in invitees.errors["emails"])}],
        )
    fields = {k: v for k, v in form.cleaned_data.items() if k != "form_file"}
    try:
        services.change_consultation(
            consultation, actor=request.user, emails=invitees.cleaned_data["emails"], **fields
        )
    except (ConsultationError, ValidationError) as exc:
        raise _setting_errors(exc) from None
    return consultation_payload(consultation)


@router.post(
    "/consultations/{slug}/form",
    response=responses({200: ConsultationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Upload a new version of the form",
)
@requires(perms.MANAGE)
def upload_form(
    request: HttpRequest, consultation: Consultation, slug: str, form_file: File[UploadedFile]
) -> dict[str, Any]:
    """Possible until the first response (409 after)."""
    content = _form_file(form_file)
    try:
        services.upload_form(
            consultation, actor=request.user, content=content, filename=form_file.name or ""
        )
    except (ConsultationError, FormError) as exc:
        raise _setting_errors(exc) from None
    return consultation_payload(consultation)


@router.post(
    "/consultations/{slug}/status",
    response=responses({200: ConsultationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Open, close, reopen, or publish the results",
)
@requires(perms.MANAGE)
def change_status(
    request: HttpRequest, consultation: Consultation, slug: str, payload: StatusIn
) -> dict[str, Any]:
    """A step the consultation's status may take from where it is (409 with those it may)."""
    try:
        services.set_status(consultation, payload.status, actor=request.user)
    except ConsultationError as exc:
        raise _setting_errors(exc) from None
    return consultation_payload(consultation)
