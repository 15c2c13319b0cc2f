import json

import pytest

from accounts.services import create_api_token, revoke_api_token
from tests.builders import make_process, make_token


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    return body


# /me ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_me_needs_authentication(client):
    response = client.get("/api/v1/me")
    assert_error_shape(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_me_with_a_token(client, delegate):
    response = client.get("/api/v1/me", **bearer(make_token(delegate)))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == delegate.email
    assert body["roles"] == [{"role": "delegate", "process": None, "member_state": "US"}]


@pytest.mark.django_db
def test_me_with_the_browser_session(login, stakeholder):
    assert login(stakeholder).get("/api/v1/me").json()["email"] == stakeholder.email


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["Bearer cst_unknown", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz"]
)
def test_an_unknown_or_malformed_token_is_refused(client, header):
    assert_error_shape(client.get("/api/v1/me", HTTP_AUTHORIZATION=header), 401)


@pytest.mark.django_db
def test_other_authorization_schemes_are_ignored(client, process):
    # A proxy in front may use Basic auth: the API treats the caller as anonymous.
    assert (
        client.get("/api/v1/processes", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200
    )
    assert_error_shape(client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"), 401)


@pytest.mark.django_db
def test_a_revoked_token_is_refused(client, stakeholder):
    token, raw = create_api_token(stakeholder, actor=stakeholder, name="x")
    revoke_api_token(token, actor=stakeholder)
    assert_error_shape(client.get("/api/v1/me", **bearer(raw)), 401)


@pytest.mark.django_db
def test_an_unknown_token_is_refused_even_on_public_endpoints(client, process):
    assert_error_shape(client.get("/api/v1/processes", **bearer("cst_forged")), 401)


# /processes --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_list_hides_drafts(client, process, draft_process, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/processes").json()
    slugs = [p["slug"] for p in body["items"]]
    assert process.slug in slugs and draft_process.slug not in slugs
    assert body["count"] == 1


@pytest.mark.django_db
def test_staff_see_their_drafts_through_the_api(client, draft_process):
    from tests.builders import make_user

    staff = make_user("ds@example.org", role="secretariat", process=draft_process)
    body = client.get("/api/v1/processes", **bearer(make_token(staff))).json()
    assert draft_process.slug in [p["slug"] for p in body["items"]]


@pytest.mark.django_db
def test_list_is_paginated_with_links(client, django_assert_max_num_queries):
    for i in range(5):
        make_process(slug=f"p{i}", name=f"Process {i}")
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/processes?page=2&page_size=2").json()
    assert [p["slug"] for p in body["items"]] == ["p2", "p3"]
    assert (body["count"], body["page"], body["pages"]) == (5, 2, 3)
    assert body["next"].endswith("page=3&page_size=2") or "page=3" in body["next"]
    assert "page=1" in body["previous"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=100000000000000000000", "page"),
        ("page_size=1000", "page_size"),
    ],
)
def test_bad_pagination_gets_field_errors(client, query, field):
    body = assert_error_shape(client.get(f"/api/v1/processes?{query}"), 422)
    assert body["errors"][0]["field"] == field


@pytest.mark.django_db
def test_process_detail(client, process):
    predecessor = make_process(slug="before")
    successor = make_process(slug="after", predecessor=predecessor)
    body = client.get(f"/api/v1/processes/{successor.slug}").json()
    assert body["predecessor"] == "before"
    assert body["status"] == "active"


@pytest.mark.django_db
def test_a_draft_is_not_found_for_outsiders(client, draft_process, other_secretariat):
    assert_error_shape(client.get(f"/api/v1/processes/{draft_process.slug}"), 404)
    response = client.get(
        f"/api/v1/processes/{draft_process.slug}", **bearer(make_token(other_secretariat))
    )
    assert_error_shape(response, 404)


@pytest.mark.django_db
def test_unknown_endpoints_and_methods_use_the_error_shape(client):
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404)
    assert_error_shape(client.get("/api/v1/processes/no-such-process"), 404)
    body = assert_error_shape(
        client.post("/api/v1/processes", data="{", content_type="application/json"), 405
    )
    assert "POST" in body["detail"]


@pytest.mark.django_db
def test_an_unexpected_error_has_the_shape_and_no_traceback(client, monkeypatch):
    def explode(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("core.api.processes_visible_to", explode)
    body = assert_error_shape(client.get("/api/v1/processes"), 500)
    assert "secret internals" not in json.dumps(body)


# OpenAPI and docs --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_document_lists_the_endpoints_and_bearer_auth(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/me", "/api/v1/processes", "/api/v1/processes/{slug}"):
        assert path in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


@pytest.mark.django_db
def test_docs_pages_list_every_endpoint_and_detail_one_group_each(client):
    schema = client.get("/api/v1/openapi.json").json()
    index = client.get("/api/v1/docs")
    assert index.status_code == 200
    for path in schema["paths"]:
        assert f"{path}</code></a>" in index.text  # every endpoint in the contents
    processes = client.get("/api/v1/docs", {"section": "processes"}).text
    assert 'data-path="/api/v1/processes"' in processes  # its details and "Try it"
    assert client.get("/api/v1/docs", {"section": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_every_operation_documents_the_errors_any_request_may_meet(client):
    # Found by the fuzzer (tests/test_fuzz.py): a bad token (401), a NUL (400) and a query
    # parameter of the wrong type (422) were answered everywhere but documented almost nowhere.
    schema = client.get("/api/v1/openapi.json").json()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            answers = operation["responses"]
            assert "400" in answers, (method, path)
            if operation.get("security"):
                assert "401" in answers, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert answers["422"].get("content", error) == error, (method, path)
    assert "ErrorOut" in schema["components"]["schemas"]


@pytest.mark.django_db
def test_a_bad_token_and_a_wrong_type_on_a_public_list_are_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    answers = schema["paths"]["/api/v1/processes"]["get"]["responses"]
    assert assert_error_shape(client.get("/api/v1/processes", **bearer("cst_bad")), 401)
    assert "401" in answers
    assert assert_error_shape(client.get("/api/v1/processes", {"page_size": "x"}), 422)
    assert "422" in answers


@pytest.mark.django_db
def test_a_post_to_no_endpoint_is_a_json_404_not_a_csrf_page(db):
    # Found by the fuzzer: /events/null/registrations matches no route, and the catch-all,
    # unlike ninja's views, was guarded by CSRF: an HTML 403 "Form expired".
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/events/null/registrations", "{}", content_type="application/json"
    )
    assert_error_shape(response, 404)
