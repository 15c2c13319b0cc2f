"""Endpoints about the caller's own account."""

from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Schema

from api.auth import required_auth
from api.errors import responses
from api.permissions import requires

from . import permissions as perms
from .models import User
from .selectors import grants_of, personal_data

router = Router(tags=["accounts"])


class GrantOut(Schema):
    role: str
    process: str | None
    member_state: str | None


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    language: str
    roles: list[GrantOut]


@router.get("/me", response=responses({200: MeOut}, 401), auth=required_auth, summary="Who am I")
@requires(perms.MANAGE_OWN_ACCOUNT)
def me(request: HttpRequest) -> dict[str, object]:
    """The caller's account and roles."""
    user = cast(User, request.user)
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "roles": [
            {
                "role": g.role,
                "process": g.process.slug if g.process else None,
                "member_state": g.member_state or None,
            }
            for g in grants_of(user)
        ],
    }


class PersonalDataOut(Schema):
    format: str
    data: dict[str, Any]


@router.get(
    "/me/data",
    response=responses({200: PersonalDataOut}, 401),
    auth=required_auth,
    summary="Everything held about me",
)
@requires(perms.MANAGE_OWN_ACCOUNT)
def my_data(request: HttpRequest) -> dict[str, Any]:
    """Everything Consulta holds about the caller, by app (anonymous answers are not linked to
    anyone, so they are not in it)."""
    return personal_data(request.user)
