import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from api.permissions import requires
from core import permissions as perms
from core.exceptions import UnknownPermission
from core.permissions import check_perm, has_perm, permission_required, registered


def test_a_view_naming_an_unknown_permission_fails_when_it_is_defined():
    with pytest.raises(ImproperlyConfigured, match="core.no_such_thing"):

        @permission_required("core.no_such_thing")
        def view(request):  # pragma: no cover
            return None


def test_an_endpoint_naming_an_unknown_permission_fails_when_it_is_defined():
    with pytest.raises(ImproperlyConfigured, match="api.imaginary"):

        @requires("api.imaginary")
        def endpoint(request):  # pragma: no cover
            return None


def test_checking_an_unknown_permission_is_an_error_not_a_no():
    with pytest.raises(UnknownPermission):
        has_perm(AnonymousUser(), "core.imaginary")


def _our_views():
    from django.urls import get_resolver

    from config.apps import PROJECT_APPS

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns)
            else:
                module = getattr(p.callback, "__module__", "")
                if module.split(".")[0] in PROJECT_APPS:
                    yield f"{module}.{p.callback.__name__}", p.callback

    return dict(walk(get_resolver().url_patterns))


def test_every_view_of_ours_declares_a_registered_permission_or_is_public():
    """A view declares the permission it needs, or says with @public_view that anyone may
    open it: a new view that says neither fails here."""
    undeclared = {
        name
        for name, view in _our_views().items()
        if not hasattr(view, "required_permission") and not getattr(view, "public", False)
    }
    assert not undeclared, f"declare a permission or @public_view on: {sorted(undeclared)}"
    declared = {getattr(v, "required_permission", None) for v in _our_views().values()} - {None}
    assert declared <= set(registered())


@pytest.mark.django_db
def test_process_permissions_from_both_sides(
    process,
    other_process,
    draft_process,
    platform_secretariat,
    process_secretariat,
    stakeholder,
    delegate,
):
    anonymous = AnonymousUser()
    assert has_perm(platform_secretariat, perms.CREATE_PROCESS)
    for user in (anonymous, process_secretariat, stakeholder, delegate):
        assert not has_perm(user, perms.CREATE_PROCESS)
    assert has_perm(process_secretariat, perms.CHANGE_PROCESS, process)
    assert not has_perm(process_secretariat, perms.CHANGE_PROCESS, other_process)
    assert has_perm(anonymous, perms.VIEW_PROCESS, process)
    assert not has_perm(anonymous, perms.VIEW_PROCESS, draft_process)
    assert not has_perm(process_secretariat, perms.VIEW_PROCESS, draft_process)
    assert has_perm(platform_secretariat, perms.VIEW_PROCESS, draft_process)
    with pytest.raises(PermissionDenied):
        check_perm(stakeholder, perms.CHANGE_PROCESS, process)


@pytest.mark.django_db
def test_a_deactivated_account_holds_no_permission(process, process_secretariat):
    process_secretariat.is_active = False
    assert not has_perm(process_secretariat, perms.CHANGE_PROCESS, process)
    assert not has_perm(process_secretariat, perms.VIEW_AUDIT_LOG)
