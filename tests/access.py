"""Generated permission cases, in the manner of NetBox's ViewTestCases: each app lists its pages
and endpoints once, with the roles that may reach them, and these helpers turn every row into
one test per role (anonymous, wrong role, right role, and the right role on another process's
object), check that a list never shows what its detail refuses, and pin a list's query count by
growing its data and counting again.

An app's `tests/test_access.py` builds its objects in a fixture, writes a table of `Access` rows
and `Listing` rows, and parametrizes over `cases(table)`; see events/tests/test_access.py.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.builders import make_token, make_user

# The people every table speaks of. "other_secretariat" runs another process: the right role,
# on someone else's object. "stakeholder" is signed in with no role; tables may add their own
# (an organisation's administrator, say) through `extra_people`.
ROLES = (
    "anonymous",
    "stakeholder",
    "delegate",
    "other_secretariat",
    "process_secretariat",
    "platform_secretariat",
)


def make_people(process: Any, other_process: Any) -> dict[str, Any]:
    """One user for each role in ROLES (None for anonymous)."""
    return {
        "anonymous": None,
        "stakeholder": make_user("access.rep@example.org"),
        "delegate": make_user("access.delegate@example.org", role="delegate", member_state="FR"),
        "other_secretariat": make_user(
            "access.other@example.org", role="secretariat", process=other_process
        ),
        "process_secretariat": make_user(
            "access.staff@example.org", role="secretariat", process=process
        ),
        "platform_secretariat": make_user("access.platform@example.org", role="secretariat"),
    }


@dataclass(frozen=True)
class Access:
    """A page or endpoint, and who may reach it. `url` is a template filled from the fixture's
    objects (`"/events/{draft_event.slug}/"`); `api` rows authenticate with a token."""

    name: str
    url: str
    may: frozenset[str]
    method: str = "get"
    data: dict[str, Any] | None = None
    api: bool = False
    # What a refused visitor gets: pages send the anonymous to log in; hidden objects are 404.
    refused: frozenset[int] = field(default_factory=lambda: frozenset({302, 401, 403, 404}))


def access(name: str, url: str, may: Iterable[str], **kwargs: Any) -> Access:
    return Access(name=name, url=url, may=frozenset(may), **kwargs)


def cases(table: Iterable[Access], roles: Iterable[str] = ROLES) -> list[Any]:
    """pytest parameters: one (row, role) pair each, named `row-role`."""
    import pytest

    return [pytest.param(row, role, id=f"{row.name}-{role}") for row in table for role in roles]


def client_for(user: Any, *, api: bool = False) -> Client:
    client = Client()
    if user is None:
        return client
    if api:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {make_token(user)}"
    else:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def request(row: Access, user: Any, objects: dict[str, Any]) -> Any:
    client = client_for(user, api=row.api)
    url = row.url.format(**objects)
    if row.method == "get":
        return client.get(url)
    if row.api:
        import json

        return getattr(client, row.method)(
            url, data=json.dumps(row.data or {}), content_type="application/json"
        )
    return getattr(client, row.method)(url, row.data or {})


def assert_access(row: Access, role: str, people: dict[str, Any], objects: dict[str, Any]):
    """The role gets through if the row says it may, and is refused otherwise (never a 500)."""
    response = request(row, people[role], objects)
    if role in row.may:
        assert response.status_code < 400 and response.status_code != 302, (
            f"{row.name}: {role} may, but got {response.status_code}"
        )
    else:
        assert response.status_code in row.refused, (
            f"{row.name}: {role} may not, but got {response.status_code}"
        )
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], response["Location"]
    return response


@dataclass(frozen=True)
class Listing:
    """A list page or endpoint, the detail rows of what it lists, and the text by which each
    object shows in the list (a slug, a title)."""

    name: str
    url: str
    details: tuple[tuple[str, Access], ...]
    api: bool = False


def assert_list_matches_details(
    listing: Listing, role: str, people: dict[str, Any], objects: dict[str, Any]
) -> None:
    """What the role may open is in the list, and what it may not open is not."""
    user = people[role]
    body = client_for(user, api=listing.api).get(listing.url.format(**objects))
    assert body.status_code == 200, f"{listing.name}: {role} got {body.status_code}"
    text = body.content.decode()
    for marker, detail in listing.details:
        marker = marker.format(**objects)
        opened = request(detail, user, objects).status_code == 200
        if opened:
            assert marker in text, f"{listing.name}: {role} opens {marker} but the list omits it"
        else:
            assert marker not in text, f"{listing.name}: {role} lists {marker} but cannot open it"


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def assert_constant_queries(client: Client, url: str, grow: Callable[[], Any]) -> None:
    """The list costs as many queries with more rows as with fewer: no query per row."""
    client.get(url)  # warm the per-process caches, which are not what is measured
    before = query_count(client, url)
    grow()
    after = query_count(client, url)
    assert after <= before, f"{url}: {before} queries, then {after} with more rows"


@contextmanager
def audited(action: str, **match: Any):
    """`with audited("events.event.created"):` fails unless the block writes that entry."""
    from core.models import AuditEntry

    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    yield
    since = AuditEntry.objects.filter(seq__gt=last)
    actions = list(since.values_list("action", flat=True))
    assert since.filter(action=action, **match).exists(), (
        f"no audit entry {action!r} was written; written: {actions}"
    )
