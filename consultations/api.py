"""Endpoints of consultations: responses in, results and exports out."""

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError

from api.errors import ApiError, responses
from core.permissions import has_perm
from core.selectors import process_for
from stakeholders.choices import OrganisationKind, Region

from . import permissions as perms
from . import selectors, services
from .exceptions import (
    AlreadyAnswered,
    ConsultationError,
    InstanceConflict,
    InvalidResponse,
    NotInAudience,
    NotOpen,
)
from .exports import Layout, attachment, write_export
from .models import Consultation
from .results import Results, build_results

router = Router(tags=["consultations"])


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
    answers: dict[str, Any]
    organisation_id: int | None = Field(
        None, description="the organisation answered for (one the caller belongs to)"
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
def list_consultations(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The consultations of a process the caller may see."""
    process = process_for(request.user, slug)
    return [consultation_payload(c) for c in selectors.consultations_in(process, request.user)]


@router.get(
    "/consultations/{slug}",
    response=responses({200: ConsultationOut}, 404),
    summary="Read a consultation",
)
def get_consultation(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One consultation."""
    return consultation_payload(selectors.consultation_for(request.user, slug))


@router.post(
    "/consultations/{slug}/responses",
    response=responses({201: ResponseOut, 200: ResponseOut}, 401, 403, 404, 409, 422),
    summary="Submit a response",
)
def submit_response(request: HttpRequest, slug: str, payload: ResponseIn) -> HttpResponse:
    """Answers keyed by question name. The same instance_id with the same answers again
    returns the same response (200); with other answers, 409. Nothing is stored on a refusal."""
    declared = {
        "kind": payload.kind.value if payload.kind else "",
        "region": payload.region.value if payload.region else "",
    }

    def submit(consultation: Consultation) -> tuple[Any, bool]:
        return services.submit_response(
            consultation,
            actor=request.user,
            instance_id=payload.instance_id,
            answers=payload.answers,
            language=payload.language,
            organisation_id=payload.organisation_id,
            declared=declared,
        )

    try:
        try:
            response, created = submit(
                selectors.consultation_for(request.user, slug, remembered=True)
            )
        except (services.StaleConsultation, ConsultationError):
            # What this process remembered may be out of date: a refusal is only given, and a
            # changed consultation only used, once read again from the database.
            response, created = submit(selectors.consultation_for(request.user, slug))
    except services.StaleConsultation:
        raise ApiError(
            409, "The consultation changed while the response was sent; send it again."
        ) from None
    except NotInAudience as exc:
        if not request.user.is_authenticated:
            raise AuthenticationError() from None
        raise ApiError(403, str(exc)) from None
    except NotOpen as exc:
        raise ApiError(
            409,
            str(exc),
            [
                {"field": "opens_at", "message": exc.opens_at.isoformat()},
                {"field": "closes_at", "message": exc.closes_at.isoformat()},
            ],
        ) from None
    except InvalidResponse as exc:
        raise ApiError(422, str(exc), exc.errors) from None
    except (AlreadyAnswered, InstanceConflict) as exc:
        raise ApiError(409, str(exc)) from None
    except ConsultationError as exc:
        raise ApiError(409, str(exc)) from None
    # Answered directly: the busiest endpoint skips validating its own two-field output.
    return JsonResponse(
        {"id": response.pk, "reference": response.reference}, status=201 if created else 200
    )


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
def get_results(request: HttpRequest, slug: str, query: Query[ResultsQuery]) -> dict[str, Any]:
    """The figures of every question, as on the results page; counts under 5 read "<5"
    outside attributed mode."""
    consultation = selectors.consultation_for(request.user, slug)
    _check(request, perms.VIEW_RESULTS, consultation)
    version = services.current_version(consultation)
    if version is None:
        raise ApiError(409, "This consultation has no form yet.")
    filters = {
        "kind": query.kind.value if query.kind else "",
        "region": query.region.value if query.region else "",
    }
    services.count_responses(consultation)
    results = build_results(
        consultation,
        services.definition_of(version),
        by=query.by or "",
        filters=filters,
        language=query.language,
    )
    return results_payload(results)


def _check(request: HttpRequest, name: str, consultation: Consultation) -> None:
    if not has_perm(request.user, name, consultation):
        if not request.user.is_authenticated:
            raise AuthenticationError()
        raise ApiError(403, "You may not do this.")


class ExportQuery(Schema):
    format: Literal["csv", "xlsx", "json"] = "csv"
    labels: bool = Field(False, description="choice labels instead of names")
    language: str = ""


@router.get(
    "/consultations/{slug}/export",
    response=responses({200: None}, 401, 403, 404, 409),
    summary="Export the responses",
)
def export_responses(request: HttpRequest, slug: str, query: Query[ExportQuery]) -> HttpResponse:
    """Every response as CSV, XLSX (one sheet per repeat, linked by _id) or JSON."""
    consultation = selectors.consultation_for(request.user, slug)
    _check(request, perms.MANAGE, consultation)
    version = services.current_version(consultation)
    if version is None:
        raise ApiError(409, "This consultation has no form yet.")
    layout = Layout(
        consultation, services.definition_of(version), labels=query.labels, language=query.language
    )
    body = write_export(query.format, layout, selectors.responses_of(consultation).iterator(2000))
    return attachment(body, query.format, consultation.slug)
