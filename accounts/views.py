from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.language import remember_language
from core.models import Process
from core.permissions import check_perm, permission_required
from core.selectors import process_for

from . import permissions as perms
from . import selectors, services
from .exceptions import AccountNotErasable, AccountsError, InvalidRoleGrant
from .forms import DeleteAccountForm, ProfileForm, RoleGrantForm, TokenForm

_NEW_TOKEN_KEY = "accounts.new_api_token"  # noqa: S105  (a session key, not a secret)


def _profile_page(
    request: HttpRequest,
    *,
    profile_form: ProfileForm | None = None,
    token_form: TokenForm | None = None,
    new_token: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = {
        "profile_form": profile_form
        or ProfileForm(initial={f: getattr(user, f) for f in services.PROFILE_FIELDS}),
        "token_form": token_form or TokenForm(),
        "tokens": selectors.tokens_of(user),
        "grants": selectors.grants_of(user),
        "new_token": new_token,
    }
    return render(request, "accounts/profile.html", context, status=status)


@never_cache
@permission_required(perms.MANAGE_OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's profile: name, language, roles and API tokens."""
    if request.method == "GET":
        # Shown once: the token leaves the session as it is rendered.
        return _profile_page(request, new_token=request.session.pop(_NEW_TOKEN_KEY, ""))
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, profile_form=form, status=400)
    services.update_profile(request.user, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Your profile was saved."))
    response = redirect("accounts:profile")
    remember_language(response, form.cleaned_data["language"])
    return response


@never_cache
@permission_required(perms.MANAGE_OWN_ACCOUNT)
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    """Create an API token and show it once; it is not stored in readable form."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form, status=400)
    _token, raw = services.create_api_token(request.user, actor=request.user, **form.cleaned_data)
    # Redirect after the post, so that reloading the page cannot create a second token.
    request.session[_NEW_TOKEN_KEY] = raw
    return redirect("accounts:profile")


@permission_required(perms.MANAGE_OWN_ACCOUNT)
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens."""
    token = get_object_or_404(selectors.tokens_of(request.user), pk=token_id)
    check_perm(request.user, perms.REVOKE_TOKEN, token)
    services.revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


def _roles_page(
    request: HttpRequest, process: Process, form: RoleGrantForm, status: int = 200
) -> HttpResponse:
    context = {"process": process, "grants": selectors.grants_for_process(process), "form": form}
    return render(request, "accounts/process_roles.html", context, status=status)


def _process(request: HttpRequest, slug: str, **kwargs: object) -> Process:
    return process_for(request.user, slug)


@permission_required(perms.MANAGE_PROCESS_ROLES, obj=_process)
@require_http_methods(["GET", "POST"])
def process_roles(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """The people who hold a role in a process; its secretariat grants and revokes them."""
    if request.method == "GET":
        return _roles_page(request, process, RoleGrantForm())
    form = RoleGrantForm(request.POST)
    if not form.is_valid():
        return _roles_page(request, process, form, status=400)
    user = selectors.find_user_by_email(form.cleaned_data["email"])
    if user is None:
        form.add_error(
            "email", _("No account uses this e-mail address. Ask the person to sign up first.")
        )
        return _roles_page(request, process, form, status=400)
    try:
        services.grant_role(
            user,
            actor=request.user,
            role=form.cleaned_data["role"],
            process=process,
        )
    except InvalidRoleGrant as exc:
        form.add_error(None, str(exc))
        return _roles_page(request, process, form, status=400)
    messages.success(request, _("The role was granted."))
    return redirect("accounts:process_roles", slug=process.slug)


@permission_required(perms.MANAGE_PROCESS_ROLES, obj=_process)
@require_POST
def revoke_process_role(
    request: HttpRequest, process: Process, slug: str, grant_id: int
) -> HttpResponse:
    """Take a role in this process away from someone."""
    grant = get_object_or_404(selectors.grants_for_process(process), pk=grant_id)
    services.revoke_role(grant, actor=request.user)
    messages.success(request, _("The role was revoked."))
    return redirect("accounts:process_roles", slug=process.slug)


@never_cache
@permission_required(perms.MANAGE_OWN_ACCOUNT)
@require_GET
def personal_data(request: HttpRequest) -> HttpResponse:
    """Everything Consulta holds about the signed-in person, to read and to download."""
    held = selectors.personal_data(request.user)
    context = {"sections": selectors.personal_data_sections(held["data"])}
    return render(request, "accounts/personal_data.html", context)


@never_cache
@permission_required(perms.MANAGE_OWN_ACCOUNT)
@require_GET
def personal_data_download(request: HttpRequest) -> HttpResponse:
    """The same, as one JSON file."""
    held = selectors.personal_data(request.user)
    response = JsonResponse(held, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="consulta-personal-data.json"'
    return response


def _delete_page(
    request: HttpRequest, form: DeleteAccountForm, refusals: list[str], status: int = 200
) -> HttpResponse:
    context = {"form": form, "refusals": refusals}
    return render(request, "accounts/delete_account.html", context, status=status)


@never_cache
@permission_required(perms.MANAGE_OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """The person deletes their account, confirming with their password."""
    refusals = selectors.erasure_refusals(request.user)
    if request.method == "GET":
        return _delete_page(request, DeleteAccountForm(), refusals)
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return _delete_page(request, form, refusals, status=400)
    try:
        services.erase_account(
            request.user, actor=request.user, password=form.cleaned_data["password"]
        )
    except AccountNotErasable as exc:
        return _delete_page(request, form, exc.reasons, status=409)
    except AccountsError as exc:
        form.add_error("password", str(exc))
        return _delete_page(request, form, refusals, status=400)
    logout(request)
    messages.success(request, _("Your account was deleted."))
    return redirect("core:home")
