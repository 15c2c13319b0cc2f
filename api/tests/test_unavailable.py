"""While the database cannot be reached (a restart, a failover), the API answers 503 in its
error shape with Retry-After, so that clients send again; not a 500 that blames the request.
Found by tests/test_restart.py, which restarts PostgreSQL under a stream of submissions."""

import uuid

import pytest
from django.db import OperationalError, ProgrammingError, connection

from tests.builders import GOOD_ANSWERS, make_consultation


def database_down(execute, sql, params, many, context):
    raise OperationalError("connection failed: Connection refused")


def broken_query(execute, sql, params, many, context):
    raise ProgrammingError("column does not exist")


@pytest.mark.django_db
def test_a_list_while_the_database_is_down_is_a_503_to_send_again(client):
    with connection.execute_wrapper(database_down):
        response = client.get("/api/v1/processes")
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json() == {
        "detail": "The service is briefly unavailable; send the request again shortly.",
        "errors": [],
    }


@pytest.mark.django_db
def test_a_submission_while_the_database_is_down_is_a_503_and_can_be_sent_again(client, process):
    consultation = make_consultation(process)
    url = f"/api/v1/consultations/{consultation.slug}/responses"
    body = {"instance_id": str(uuid.uuid4()), "answers": GOOD_ANSWERS}
    with connection.execute_wrapper(database_down):
        refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 503
    assert set(refused.json()) == {"detail", "errors"}
    assert not consultation.responses.exists()
    assert client.post(url, body, content_type="application/json").status_code == 201


@pytest.mark.django_db
def test_a_query_that_is_wrong_is_still_a_500(client):
    # Only the database being unreachable is the client's to wait out; a bug is ours.
    with connection.execute_wrapper(broken_query):
        response = client.get("/api/v1/processes")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_every_operation_documents_the_503(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "503" in operation["responses"], (method, path)


def _session_store_down(self, *args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def unraised(client):
    # As a browser sees it: Django's handler answers instead of the test client re-raising.
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_a_page_while_the_database_is_down_is_a_503_page(unraised):
    with connection.execute_wrapper(database_down):
        response = unraised.get("/processes/")
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "Consulta is briefly unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_the_database_failing_in_a_middleware_is_still_a_503_in_the_api_shape(
    unraised, monkeypatch, django_user_model
):
    from django.contrib.sessions.backends.db import SessionStore

    unraised.force_login(django_user_model.objects.create_user("s@example.org", "s@example.org"))
    monkeypatch.setattr(SessionStore, "load", _session_store_down)
    api = unraised.get("/api/v1/processes")
    assert api.status_code == 503 and api["Retry-After"] == "1"
    assert set(api.json()) == {"detail", "errors"}
    page = unraised.get("/")
    assert page.status_code == 503 and "briefly unavailable" in page.content.decode()


@pytest.mark.django_db
def test_a_page_with_a_wrong_query_is_still_the_500_page(unraised):
    with connection.execute_wrapper(broken_query):
        response = unraised.get("/processes/")
    assert response.status_code == 500
    assert "Retry-After" not in response
