"""Endpoints about the caller's own account."""

from typing import Any, cast

from django.contrib.auth import logout
from django.http import HttpRequest
from ninja import Field, Router, Schema

from api.auth import required_auth
from api.errors import ApiError, responses
from api.permissions import requires

from . import permissions as perms
from .exceptions import AccountNotErasable, AccountsError
from .models import User
from .selectors import grants_of, personal_data
from .services import erase_account

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


class DeleteMeIn(Schema):
    password: str = Field(..., min_length=1, max_length=4096, description="to confirm")


class DeletedOut(Schema):
    deleted: bool
    erased: dict[str, dict[str, int]]


@router.delete(
    "/me",
    response=responses({200: DeletedOut}, 401, 403, 409),
    auth=required_auth,
    summary="Delete my account",
)
@requires(perms.MANAGE_OWN_ACCOUNT)
def delete_me(request: HttpRequest, body: DeleteMeIn) -> dict[str, Any]:
    """Delete the caller's account, confirmed with their password: what is the record of a
    process stays without their name; the rest goes; tokens stop working at once."""
    user = cast(User, request.user)
    try:
        done = erase_account(user, actor=user, password=body.password)
    except AccountNotErasable as exc:
        raise ApiError(409, str(exc)) from None
    except AccountsError as exc:
        raise ApiError(403, str(exc)) from None
    if hasattr(request, "session"):
        logout(request)
    return {"deleted": True, "erased": done["erased"]}
