"""The role x endpoint matrix: every API operation of /api/v1/openapi.json and every page URL
of the resolver, called as each role of tests.matrix_table.ROLES, against the table of who may
in tests/matrix_table.py. A route or operation with no row fails, printing the row to add.

One world for the module (the fuzz test's world, plus a second process and its secretariat,
who is the right role on another process's object); each request runs in a savepoint that is
rolled back, so a write that succeeds changes nothing for the next. Reads are GET; writes send
an empty JSON body (API) or an empty form (pages). No request may answer 5xx.
"""

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse

from tests import matrix_table
from tests.access import client_for
from tests.builders import make_organisation, make_process, make_user
from tests.e2e.test_crawl import PARAM, _fill, _patterns

pytestmark = pytest.mark.django_db

PAGE_SKIP = matrix_table.PAGE_SKIP


def api_operations() -> list[tuple[str, str]]:
    """(METHOD, path template) of every operation the API documents."""
    from config.api import api

    document = api.get_openapi_schema()
    return sorted((m.upper(), p) for p, item in document["paths"].items() for m in item)


def page_routes() -> list[tuple[str, str]]:
    """(url name, route) of every named page pattern, the API's own left out."""
    return sorted(
        (name, route)
        for name, route in dict(_patterns(get_resolver().url_patterns)).items()
        if not name.startswith("api:")
    )


def _key_api(method: str, path: str) -> str:
    return f"{method} {path}"


def test_every_route_and_operation_has_a_row():
    missing = [
        f'    "{_key_api(m, p)}": "...",'
        for m, p in api_operations()
        if _key_api(m, p) not in matrix_table.API
    ]
    missing += [
        f'    "{name}": "...",  # {route}'
        for name, route in page_routes()
        if name not in matrix_table.PAGES and name not in PAGE_SKIP
    ]
    assert not missing, "Rows to add to tests/matrix_table.py:\n" + "\n".join(missing)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The objects and the people, built once for the module and removed after."""
    from accounts.models import User
    from events.models import Event

    with django_db_blocker.unblock():
        from tests.test_fuzz import _build_world  # its import reads the OpenAPI document

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            values = _build_world()
            event = Event.objects.get(pk=values["events"]["pk"])
            values["events"]["slug"] = event.slug
            other = make_process(slug="matrix-other", status="active")
            people = {
                "anonymous": None,
                "stakeholder": make_user("matrix.person@example.org"),
                "org_admin": User.objects.get(email="fuzz.admin@example.org"),
                "accredited_rep": User.objects.get(email="rep.draft@example.org"),
                "delegate": make_user(
                    "matrix.delegate@example.org", role="delegate", member_state="FR"
                ),
                "other_secretariat": make_user(
                    "matrix.other@example.org", role="secretariat", process=other
                ),
                "process_secretariat": make_user(
                    "matrix.staff@example.org",
                    role="secretariat",
                    process=event.process,
                ),
                "platform_secretariat": make_user(
                    "matrix.platform@example.org", role="secretariat"
                ),
            }
            make_organisation(name="Other Process Watch")
            clients = {
                role: (client_for(user), client_for(user, api=True))
                for role, user in people.items()
            }
            yield {"values": values, "clients": clients}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _api_path(template: str, values: dict[str, Any]) -> str | None:
    from tests.test_fuzz import _segment

    real = {**matrix_table.PARAM_VALUES, **values.get(_segment(template), {})}
    try:
        return template.format(**real)
    except KeyError:
        return None


def _fill_any(route: str, values: dict[str, Any]) -> dict[str, Any] | None:
    """The crawl's filling (the world's object by the segment before each parameter), else the
    table's value for the parameter's name (a missing object, an action, a format)."""
    kwargs = {}
    for match in PARAM.finditer(route):
        name = match.group(1) or match.group(2)
        one = _fill(route[: match.end()], values)
        value = one.get(name) if one else None
        if value is None:
            value = matrix_table.PARAM_VALUES.get(name)
        if value is None:
            return None
        kwargs[name] = value
    return kwargs


def _page_path(name: str, route: str, values: dict[str, Any]) -> str | None:
    world = {**values, "knowledge": values["knowledge/records"]}
    kwargs = _fill_any(route, world)
    if kwargs is None:
        return None
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a public id of twelve letters and digits, not a number
        return reverse(name, kwargs={k: "0" * 12 if v == 999999 else v for k, v in kwargs.items()})


def classify(response: Any) -> str:
    """The status class the table speaks in."""
    status = response.status_code
    if status >= 500:
        return "5xx"
    if status == 302 and "/accounts/login/" in response.get("Location", ""):
        return "login"
    if status < 400:
        return "ok"
    if status in (401, 403, 404, 405):
        return str(status)
    return "bad"  # 400, 409, 422: let through, then refused for what was sent


def call(client: Client, method: str, path: str, *, api: bool) -> Any:
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        elif api:
            response = client.generic(method, path, "{}", content_type="application/json")
        else:
            response = client.generic(
                method, path, "", content_type="application/x-www-form-urlencoded"
            )
        transaction.set_rollback(True)
    return response


def _targets(values: dict[str, Any]) -> tuple[list[tuple[str, str, str, bool]], list[str]]:
    """(key, method, path, api) of every cell's row, and what could not be filled."""
    targets, unfilled = [], []
    for method, template in api_operations():
        path = _api_path(template, values)
        if path is None:
            unfilled.append(_key_api(method, template))
        else:
            targets.append((_key_api(method, template), method, path, True))
    for name, route in page_routes():
        if name in PAGE_SKIP:
            continue
        path = _page_path(name, route, values)
        if path is None:
            unfilled.append(f"{name} ({route})")
            continue
        method = "POST" if name in matrix_table.PAGE_POST else "GET"
        targets.append((name, method, path, False))
    return targets, unfilled


def test_matrix(world):
    targets, unfilled = _targets(world["values"])
    assert not unfilled, f"No value in the world for: {unfilled}"
    wrong, rows = [], {}
    for key, method, path, api in targets:
        expected = (matrix_table.API if api else matrix_table.PAGES).get(key, "")
        got = []
        for role in matrix_table.ROLES:
            client = world["clients"][role][1 if api else 0]
            cell = classify(call(client, method, path, api=api))
            got.append(cell)
        rows[key] = " ".join(got)
        if rows[key] != expected:
            wrong.append(f'    "{key}": "{rows[key]}",  # table: {expected!r}, {method} {path}')
    # The figure the closing note quotes; shown with `pytest -s`.
    print(  # noqa: T201
        f"matrix: {len(targets)} URLs x {len(matrix_table.ROLES)} roles = "
        f"{len(targets) * len(matrix_table.ROLES)} requests"
    )
    assert not wrong, "Roles: " + " ".join(matrix_table.ROLES) + "\n" + "\n".join(wrong)
