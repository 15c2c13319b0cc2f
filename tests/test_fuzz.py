"""Every operation of /api/v1/openapi.json fuzzed by schemathesis, in process on the test
database, as a platform secretariat (a personal token) and as a caller with no credentials:
no 5xx, every error in the one shape, status codes and content types documented, responses
valid against the schema.

A small world (a process and one object of each kind the paths name) is built for every test;
path parameters are drawn either from that world or from what schemathesis generates, so that
requests reach real objects as well as missing ones. Schemathesis runs its coverage phase
(boundary values, wrong types, unexpected methods) and a bounded fuzzing phase, derandomized:
a failure reproduces, and the run stays within a few minutes.
"""

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests import builders

# Per operation and caller, in the fuzzing phase; FUZZ_MAX_EXAMPLES=200 for a deeper run.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))

# Operations left out, each with the failure that keeps it out. None at present.
EXCLUDED: dict[str, str] = {}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
for label in EXCLUDED:
    method, path = label.split(" ", 1)
    schema = schema.exclude(method=method, path=path)

# The current test's world: values of path parameters, by the path's first segment and then
# by parameter name. Filled by the `world` fixture before any case is drawn.
WORLD: dict[str, dict[str, Any]] = {}


def _segment(path: str) -> str:
    segment = path.removeprefix("/api/v1/").split("/", 1)[0]
    if segment == "knowledge":
        return "knowledge/versions" if "/versions/" in path else "knowledge/records"
    return segment


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if not path_parameters:
        return st.just(path_parameters)
    real = WORLD.get(_segment(context.operation.path), {})
    # The world's object first (where shrinking goes), else what was generated. Parameters the
    # world does not name (an action, a step) stay as generated.
    return st.sampled_from([{**path_parameters, **real}, path_parameters])


def _error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx is {"detail": str, "errors": [{"field": str, "message": str}]}."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError as exc:
        text = response.text[:200]
        raise AssertionError(f"{response.status_code} is not JSON: {text!r}") from exc
    assert isinstance(body, dict), body
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], list), body
    for error in body["errors"]:
        assert isinstance(error, dict) and set(error) == {"field", "message"}, body
        assert isinstance(error["field"], str) and isinstance(error["message"], str), body
    return True


error_shape = schemathesis.check(_error_shape)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_shape,
]


def _build_world() -> dict[str, dict[str, Any]]:
    from datetime import timedelta

    from django.utils import timezone

    from drafts import services as drafts
    from events import services as events
    from stakeholders.services import record_objection

    process = builders.make_process(slug="fuzz-process", status="active")
    delegate = builders.make_user("fuzz.delegate@example.org", role="delegate", member_state="US")
    organisation = builders.make_organisation(
        admin=builders.make_user("fuzz.admin@example.org"), name="Fuzz Watch"
    )
    application = builders.make_application(process, organisation, state="circulated")
    objection = record_objection(
        application, actor=delegate, member_state="US", basis="Doubts.", disclose=True
    )
    consultation = builders.make_consultation(process, slug="fuzz-survey")
    series = events.create_series(process, actor=None, slug="fuzz-series", title="Series")
    event = builders.make_event(process, slug="fuzz-event", series=series)
    soon = timezone.now() + timedelta(days=3)
    session = builders.make_event(
        process,
        slug="fuzz-session",
        kind="formal_session",
        starts_at=soon,
        ends_at=soon + timedelta(hours=3),
    )
    item = events.add_agenda_item(session, actor=None, number="1", title="Opening")
    registration, _created = events.register(event, actor=delegate)
    text = builders.make_text(process, slug="fuzz-text")
    first = builders.make_revision(text)
    second = builders.make_revision(text, title="Revised text")
    representative, represented = builders.make_accredited_representative(process)
    draft = drafts.Draft(
        kind="written",
        speaks_for=f"org:{represented.public_id}",
        language="en",
        title="Words",
        body="Please protect researchers.",
    )
    submission = drafts.submit_submission(
        drafts.create_submission(first, actor=representative, draft=draft), actor=representative
    )
    deliberation = builders.make_deliberation(process, slug="fuzz-talk")
    record = builders.make_record()
    return {
        "processes": {"slug": process.slug},
        "organisations": {"public_id": str(organisation.public_id)},
        "applications": {"pk": application.pk},
        "objections": {"public_id": str(objection.public_id)},
        "consultations": {"slug": consultation.slug},
        "events": {"pk": event.pk},
        "series": {"slug": series.slug},
        "registrations": {"pk": registration.pk},
        "agenda-items": {"pk": item.pk},
        "texts": {"slug": text.slug},
        "revisions": {"pk": first.pk, "a": first.pk, "b": second.pk},
        "submissions": {"public_id": str(submission.public_id)},
        "deliberations": {"slug": deliberation.slug},
        "knowledge/records": {"public_id": str(record.public_id)},
        "knowledge/versions": {"public_id": str(record.public_id), "number": 1},
    }


@pytest.fixture
def world(db):
    from django.core import signals
    from django.db import close_old_connections

    # As Django's test client does: at the end of each request, the WSGI handler would close
    # the connection, and with it the test's transaction (PostgreSQL; SQLite's in-memory
    # database is never closed).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    WORLD.clear()
    WORLD.update(_build_world())
    try:
        yield WORLD
    finally:
        WORLD.clear()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["secretariat", "anonymous"])
def caller(request, world) -> dict[str, str]:
    """The headers of the caller: a platform secretariat's token, or nothing."""
    if request.param == "anonymous":
        return {}
    user = builders.make_user("fuzz.secretariat@example.org", role="secretariat")
    return {"Authorization": f"Bearer {builders.make_token(user)}"}


@schema.parametrize()
# The world and the token are made once per operation and caller, and shared by its cases.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation(case, caller):
    if not caller and case.headers:
        # Schemathesis makes up a token from the security scheme; this caller sends none.
        case.headers.pop("Authorization", None)
    case.call_and_validate(headers=caller, checks=CHECKS)


def test_every_operation_is_fuzzed():
    # Nothing is left out silently: the document's operations, less those EXCLUDED says why.
    from config.api import api

    document = api.get_openapi_schema()
    labels = {f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item}
    fuzzed = {result.ok().label for result in schema.get_all_operations()}
    assert fuzzed == labels - set(EXCLUDED)
    assert len(fuzzed) >= 60


class _Response:
    def __init__(self, status_code: int, body: Any) -> None:
        self.status_code, self._body, self.text = status_code, body, str(body)

    def json(self) -> Any:
        if isinstance(self._body, str):
            raise ValueError("not JSON")
        return self._body


@pytest.mark.parametrize(
    "body",
    [
        "<html>Form expired</html>",
        {"detail": "No."},
        {"detail": "No.", "errors": [{"field": "name"}]},
        {"message": "No.", "errors": []},
        {"detail": "No.", "errors": [], "code": 7},
    ],
)
def test_the_shape_check_refuses_other_errors(body):
    with pytest.raises(AssertionError):
        _error_shape(None, _Response(400, body), None)


def test_the_shape_check_accepts_the_one_shape():
    body = {"detail": "No.", "errors": [{"field": "name", "message": "Too long."}]}
    assert _error_shape(None, _Response(422, body), None) is True
    assert _error_shape(None, _Response(200, "<p>fine</p>"), None) is None
