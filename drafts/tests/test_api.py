"""The API: the tree, exports, diff, submissions with their errors, moderation, compilation."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from drafts import exporting, services
from drafts.models import Submission
from tests import builders
from tests.access import client_for

from .test_tracking import REVISED


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def writer(revision, accredited):
    user, organisation = accredited
    return client_for(user, api=True), organisation


def amendment(organisation, **overrides):
    body = {
        "kind": "amendment",
        "speaks_for": f"org:{organisation.public_id}",
        "language": "fr",
        "title": "Intention",
        "body": "La recherche de bonne foi ne doit pas être criminalisée.",
        "element": "chp_2__art_3__para_1",
        "operation": "replace",
        "quote": "without right",
        "proposed_text": "without right and with dishonest intent",
    }
    body.update(overrides)
    return body


def test_the_tree_and_a_valid_akn_export(client, revision):
    tree = client.get(f"/api/v1/revisions/{revision.pk}").json()
    chapter = tree["elements"][1]
    assert chapter["eid"] == "chp_1" and chapter["children"][0]["eid"] == "chp_1__art_1"
    xml = client.get(f"/api/v1/revisions/{revision.pk}/export?format=akn")
    assert xml.status_code == 200 and exporting.akn_errors(xml.content) == []
    pdf = client.get(f"/api/v1/revisions/{revision.pk}/export?format=pdf")
    assert pdf.content.startswith(b"%PDF-")
    assert client.get(f"/api/v1/revisions/{revision.pk}/export?format=docx").status_code == 422


def test_the_diff_endpoint(client, text):
    old = builders.make_revision(text)
    new = builders.make_revision(text, REVISED, title="Revised")
    body = client.get(f"/api/v1/revisions/{old.pk}/diff/{new.pk}").json()
    assert body["summary"] == {
        "unchanged": 2,
        "changed": 1,
        "renumbered": 1,
        "added": 1,
        "removed": 0,
    }
    other = builders.make_revision(builders.make_text(text.process, slug="other"))
    refused = client.get(f"/api/v1/revisions/{old.pk}/diff/{other.pk}")
    assert refused.status_code == 422 and refused.json()["detail"]


def test_an_amendment_is_written_sent_and_moderated(writer, revision, moderator):
    client, organisation = writer
    created = post(client, f"/api/v1/revisions/{revision.pk}/submissions", amendment(organisation))
    assert created.status_code == 201, created.content
    body = created.json()
    quote, position = body["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "without right"
    assert position["type"] == "TextPositionSelector"
    assert position["end"] - position["start"] == len("without right")
    sent = client.post(f"/api/v1/submissions/{body['id']}/submit")
    assert sent.json()["state"] == "pending"
    again = client.post(f"/api/v1/submissions/{body['id']}/submit")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "action"
    queue = client_for(moderator, api=True).get(f"/api/v1/revisions/{revision.pk}/moderation")
    assert [s["id"] for s in queue.json()["items"]] == [body["id"]]
    decided = post(
        client_for(moderator, api=True),
        f"/api/v1/submissions/{body['id']}/moderate",
        {"decision": "publish"},
    )
    assert decided.json()["state"] == "published"
    compiled = client_for(None).get(f"/api/v1/revisions/{revision.pk}/compilation").json()
    assert compiled["count"] == 1 and compiled["totals"] == {"ngo": 1}
    assert compiled["articles"][0]["eid"] == "chp_2__art_3"


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"quote": "with malice"}, 422, "quote"),
        ({"element": "chp_1__art_2__point_a", "quote": "devic"}, 422, "quote"),
        ({"element": "chp_9__art_99"}, 422, "element"),
        ({"kind": "written", "body": "mot " * 2001}, 422, "body"),
        ({"language": "not a language!"}, 422, "language"),
        ({"speaks_for": "org:nobody"}, 403, None),
        ({"operation": "rewrite"}, 422, "operation"),
        ({"start": 0, "end": 13}, 422, "position"),
    ],
)
def test_bad_submissions_are_refused_clearly_and_nothing_is_stored(
    writer, revision, overrides, status, field
):
    client, organisation = writer
    response = post(
        client, f"/api/v1/revisions/{revision.pk}/submissions", amendment(organisation, **overrides)
    )
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    if field:
        assert field in [e["field"] for e in body["errors"]]
    assert not Submission.objects.exists()


def test_after_the_deadline_the_api_answers_409_with_the_deadline(writer, revision):
    client, organisation = writer
    deadline = timezone.now() - timedelta(hours=1)
    services.set_deadline(revision, actor=None, deadline=deadline)
    response = post(client, f"/api/v1/revisions/{revision.pk}/submissions", amendment(organisation))
    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "deadline", "message": deadline.isoformat()}]


def test_a_pdf_that_is_not_one_is_refused(writer, revision):
    client, organisation = writer
    created = post(client, f"/api/v1/revisions/{revision.pk}/submissions", amendment(organisation))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        f"/api/v1/submissions/{created.json()['id']}/attachment", {"file": upload}
    )
    assert response.status_code == 422 and "not a PDF" in response.json()["detail"]
    assert not Submission.objects.get().attachment


def test_a_moderator_of_another_process_cannot_see_or_moderate(writer, revision, other_process):
    client, organisation = writer
    created = post(client, f"/api/v1/revisions/{revision.pk}/submissions", amendment(organisation))
    client.post(f"/api/v1/submissions/{created.json()['id']}/submit")
    outsider = builders.make_user("mod.x@example.org", role="moderator", process=other_process)
    refused = post(
        client_for(outsider, api=True),
        f"/api/v1/submissions/{created.json()['id']}/moderate",
        {"decision": "publish"},
    )
    assert refused.status_code == 404
    assert Submission.objects.get().state == "pending"


def test_protected_names_never_appear(revision, process, delegate):
    user, organisation = builders.make_accredited_representative(
        process,
        "rep.hidden@example.org",
        name="Secret Shelter",
        public_as_region=True,
        at_risk=True,
    )
    draft = services.Draft(
        kind="written",
        speaks_for=f"org:{organisation.public_id}",
        language="ar",
        body="نحن نؤيد حماية الباحثين.",
    )
    submission = services.submit_submission(
        services.create_submission(revision, actor=user, draft=draft), actor=user
    )
    staff = builders.make_user("staff.p@example.org", role="secretariat", process=process)
    services.moderate_submission(submission, actor=staff, decision="publish")
    for viewer in (None, delegate):
        client = client_for(viewer, api=bool(viewer))
        for url in (
            f"/api/v1/revisions/{revision.pk}/compilation",
            f"/api/v1/submissions/{submission.public_id}",
            f"/texts/{revision.text.slug}/revisions/1/compilation/",
            f"/texts/{revision.text.slug}/revisions/1/compilation.csv",
        ):
            body = client.get(url).content.decode("utf-8-sig")
            assert "Secret Shelter" not in body and "rep.hidden" not in body, url
            assert "An organisation based in Africa" in body, url
