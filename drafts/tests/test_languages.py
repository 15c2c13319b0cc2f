"""Adding a language version of a revision, from the page and the API, from both sides."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drafts.models import ElementText
from tests import builders

pytestmark = pytest.mark.django_db

FRENCH = builders.DRAFT_TEXT.replace("Statement of purpose", "Objet")
SHORTER = builders.DRAFT_TEXT.split("## Article 4")[0]


def page(revision):
    return f"/texts/{revision.text.slug}/revisions/{revision.number}/"


def send_page(client, revision, content, language):
    return client.post(
        page(revision) + "languages/",
        {"language": language, "file": SimpleUploadedFile("fr.md", content.encode())},
    )


def send_api(client, revision, content, language, user=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {builders.make_token(user)}"} if user else {}
    return client.post(
        f"/api/v1/revisions/{revision.pk}/languages",
        {"language": language, "file": SimpleUploadedFile("fr.md", content.encode())},
        **headers,
    )


def test_the_secretariat_adds_a_language_on_the_page(client, revision, process_secretariat):
    client.force_login(process_secretariat)
    assert "Add a language version" in client.get(page(revision)).content.decode()
    response = send_page(client, revision, FRENCH, "fr")
    assert response.status_code == 302 and response["Location"].endswith("?language=fr")
    revision.refresh_from_db()
    assert revision.languages == ["en", "fr"]
    assert "Objet" in client.get(page(revision) + "?language=fr").content.decode()


def test_a_different_tree_says_where_and_stores_nothing(client, revision, process_secretariat):
    client.force_login(process_secretariat)
    response = send_page(client, revision, SHORTER, "es")
    assert response.status_code == 400
    assert "es version has" in response.content.decode()
    for content, language in ((FRENCH, "not a code!"), (builders.DRAFT_TEXT, "en")):
        assert send_page(client, revision, content, language).status_code == 400
    api = send_api(client, revision, SHORTER, "es", process_secretariat)
    assert api.status_code == 422 and "es version has" in api.json()["detail"]
    bad_code = send_api(client, revision, FRENCH, "not a code!", process_secretariat)
    assert bad_code.status_code == 422 and bad_code.json()["errors"][0]["field"] == "language"
    revision.refresh_from_db()
    assert revision.languages == ["en"]
    assert not ElementText.objects.exclude(language="en").exists()


def test_the_api_adds_a_language(client, revision, process_secretariat):
    response = send_api(client, revision, FRENCH, "fr", process_secretariat)
    assert response.status_code == 201 and response.json()["languages"] == ["en", "fr"]
    assert ElementText.objects.filter(language="fr").exists()


def test_only_the_secretariat_of_the_process_adds_languages(
    client, revision, stakeholder, other_secretariat, accredited
):
    person, _organisation = accredited
    assert send_page(client, revision, FRENCH, "fr").status_code == 302  # to sign in
    for user in (stakeholder, other_secretariat, person):
        client.force_login(user)
        assert send_page(client, revision, FRENCH, "fr").status_code == 403
        assert "Add a language version" not in client.get(page(revision)).content.decode()
    client.logout()
    assert send_api(client, revision, FRENCH, "fr").status_code == 401
    for user in (stakeholder, other_secretariat, person):
        assert send_api(client, revision, FRENCH, "fr", user).status_code == 403
    draft = builders.make_revision(
        builders.make_text(revision.text.process, slug="hidden", status="draft")
    )
    assert send_api(client, draft, FRENCH, "fr", stakeholder).status_code == 404
    revision.refresh_from_db()
    assert revision.languages == ["en"]
