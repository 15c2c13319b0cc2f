"""NUL characters are refused at the API's edge whatever the Content-Type: PostgreSQL cannot
store them in text, so letting one through is a 500 there (and a corrupt row elsewhere)."""

import io
import json

import pytest

from stakeholders.models import Organisation
from tests.builders import make_token, make_user

ORGANISATION = {"name": "Bad\u0000Name", "kind": "ngo", "country": "FR"}


@pytest.fixture
def auth(db):
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(make_user('rep@ngo.example'))}"}


def assert_refused(response) -> None:
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": "The request contains a NUL character.", "errors": []}
    assert not Organisation.objects.filter(name__startswith="Bad").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "application/xml"],
)
def test_json_with_an_escaped_nul_is_refused_whatever_the_content_type(client, auth, content_type):
    # ninja parses the body as JSON whatever the request says it is.
    body = json.dumps(ORGANISATION)
    assert "\\u0000" in body
    response = client.post("/api/v1/organisations", body, content_type=content_type, **auth)
    assert_refused(response)


@pytest.mark.django_db
def test_a_raw_nul_byte_in_the_body_is_refused(client, auth):
    body = b'{"name": "Bad\x00Name", "kind": "ngo", "country": "FR"}'
    assert_refused(client.post("/api/v1/organisations", body, content_type="text/plain", **auth))


@pytest.mark.django_db
def test_a_statement_with_nul_sent_as_plain_text_changes_nothing(client, process):
    # A free-text field with no validator of its own: this reached the database (a 500 on
    # PostgreSQL) when only application/json bodies were checked.
    from tests.builders import make_application, make_organisation

    admin = make_user("admin@ngo.example")
    application = make_application(process, make_organisation(admin), statement="Ours.")
    response = client.patch(
        f"/api/v1/applications/{application.pk}",
        json.dumps({"statement": "Our\u0000work."}),
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {make_token(admin)}",
    )
    assert_refused(response)
    application.refresh_from_db()
    assert application.statement == "Ours."


@pytest.mark.django_db
def test_a_nul_in_a_form_field_is_refused(client, auth):
    response = client.post(
        "/api/v1/organisations",
        "name=Bad%00Name&kind=ngo&country=FR",
        content_type="application/x-www-form-urlencoded",
        **auth,
    )
    assert_refused(response)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["Bad\x00Name", "Bad\\u0000Name"])
def test_a_nul_in_a_multipart_field_is_refused(client, auth, value):
    # Multipart fields may be read as JSON by ninja (a body next to a file): both forms count.
    response = client.post("/api/v1/organisations", {"name": value, "kind": "ngo"}, **auth)
    assert_refused(response)


@pytest.mark.django_db
def test_nul_bytes_inside_an_uploaded_file_are_its_content_not_refused(client, auth):
    upload = io.BytesIO(b"binary \x00 content \\u0000")
    upload.name = "report.pdf"
    response = client.post("/api/v1/applications/999999/documents", {"file": upload}, **auth)
    # The endpoint answers (no such application); the edge did not refuse the upload.
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"q": "a\x00b"}, {"q\x00": "x"}])
def test_a_nul_in_the_query_string_is_refused(client, query):
    assert_refused(client.get("/api/v1/organisations", query))


@pytest.mark.django_db
def test_a_nul_in_the_path_is_refused(client):
    assert_refused(client.get("/api/v1/organisations/1%00"))


@pytest.mark.django_db
def test_ordinary_bodies_pass(client, auth):
    good = {"name": "Good Name", "kind": "ngo", "country": "FR"}
    response = client.post(
        "/api/v1/organisations", json.dumps(good), content_type="text/plain", **auth
    )
    assert response.status_code == 201
