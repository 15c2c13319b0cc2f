import pytest

from reports.models import Block, Report
from reports.services import create_report, publish_report
from reports.tests.test_services import _report, world  # noqa: F401  (the fixture)
from tests.builders import make_process, make_token, make_user, submit

pytestmark = pytest.mark.django_db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"}


def test_published_report_reads_anonymously_with_sources(client, world):  # noqa: F811
    report = publish_report(_report(world), actor=world["staff"])
    body = client.get(f"/api/v1/reports/{report.pk}").json()
    assert [b["kind"] for b in body["blocks"]][1:] == [
        "consultation_responses",
        "consultation_quote",
    ]
    assert body["blocks"][1]["snapshot"]["responses"] == 2
    assert body["sources"]
    pdf = client.get(f"/api/v1/reports/{report.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_draft_is_404_for_anonymous_and_other_secretariat(client, world):  # noqa: F811
    report = _report(world)
    assert client.get(f"/api/v1/reports/{report.pk}").status_code == 404
    other = make_user("o@example.org", role="secretariat", process=make_process(slug="o"))
    assert client.get(f"/api/v1/reports/{report.pk}", **_bearer(other)).status_code == 404
    assert client.get(f"/api/v1/reports/{report.pk}", **_bearer(world["staff"])).status_code == 200


def test_list_pins_queries(client, world, django_assert_max_num_queries):  # noqa: F811
    for _ in range(3):
        publish_report(_report(world), actor=world["staff"])
    _report(world)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/reports").json()
    assert body["count"] == 3


# Composing --------------------------------------------------------------------------------------


def _post(client, path, body, user=None):
    import json

    headers = _bearer(user) if user else {}
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_secretariat_creates_adds_and_publishes(client, world):  # noqa: F811
    staff = world["staff"]
    create = f"/api/v1/processes/{world['process'].slug}/reports"
    made = _post(client, create, {"title": "T"}, staff)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    pk = made.json()["id"]
    block = {"kind": "consultation_responses", "params": {"consultation_id": world["c"].pk}}
    added = _post(client, f"/api/v1/reports/{pk}/blocks", block, staff)
    assert added.status_code == 201 and added.json()["snapshot"]["responses"] == 2
    published = _post(client, f"/api/v1/reports/{pk}/publish", {}, staff)
    assert published.status_code == 200 and published.json()["published_at"]
    again = _post(client, f"/api/v1/reports/{pk}/publish", {}, staff)
    assert again.status_code == 409 and again.json()["detail"]


def test_publication_refused_with_the_mismatch_list(client, world):  # noqa: F811
    report = _report(world)
    Block.objects.filter(report=report, kind="consultation_quote").update(
        snapshot={**report.blocks.get(kind="consultation_quote").snapshot, "quote": "Edited"}
    )
    submit(world["c"])
    refused = _post(client, f"/api/v1/reports/{report.pk}/publish", {}, world["staff"])
    assert refused.status_code == 409
    errors = refused.json()["errors"]
    assert len(errors) == 2 and {e["field"] for e in errors} == {"blocks"}
    assert any("Edited" in e["message"] for e in errors)
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_bad_blocks_are_422_and_nothing_stored(client, world):  # noqa: F811
    report = create_report(world["process"], actor=world["staff"], title="R")
    for block in (
        {"kind": "consultation_responses", "params": {"consultation_id": world["f"].pk}},
        {"kind": "consultation_responses", "params": {"consultation_id": "nonsense"}},
        {"kind": "consultation_quote", "params": {"consultation_id": world["c"].pk, "end": 9e9}},
        {"kind": "nonsense"},
        {"params": {}},
    ):
        answer = _post(client, f"/api/v1/reports/{report.pk}/blocks", block, world["staff"])
        assert answer.status_code == 422, block
        assert answer.json()["detail"]
    assert not report.blocks.exists()


def test_composing_from_the_other_side(client, world):  # noqa: F811
    report = _report(world)
    other = make_user("o@example.org", role="secretariat", process=make_process(slug="o"))
    person = make_user("person@example.org")
    create = f"/api/v1/processes/{world['process'].slug}/reports"
    block = {"kind": "text", "params": {"markdown": "x"}}
    assert _post(client, create, {"title": "T"}).status_code == 401
    assert _post(client, f"/api/v1/reports/{report.pk}/blocks", block).status_code == 401
    assert _post(client, f"/api/v1/reports/{report.pk}/publish", {}).status_code == 401
    for user in (other, person):
        assert _post(client, create, {"title": "T"}, user).status_code == 403
        assert _post(client, f"/api/v1/reports/{report.pk}/blocks", block, user).status_code == 404
        assert _post(client, f"/api/v1/reports/{report.pk}/publish", {}, user).status_code == 404
    assert Report.objects.count() == 1 and report.blocks.count() == 3
    publish_report(report, actor=world["staff"])
    assert _post(client, f"/api/v1/reports/{report.pk}/publish", {}, other).status_code == 403


def test_odd_parameters_are_422_never_a_500(client, world):  # noqa: F811
    report = create_report(world["process"], actor=world["staff"], title="R")
    path = f"/api/v1/reports/{report.pk}/blocks"
    headers = {**_bearer(world["staff"]), "content_type": "application/json"}
    quote = f'"consultation_id": {world["c"].pk}, "response_id": {world["r"].pk}'
    quote += ', "field": "comment"'
    for body in (
        '{"kind": "themes", "params": {"run_id": 100000000000000000000000000000}}',
        '{"kind": "consultation_responses", "params": {"consultation_id": [1]}}',
        '{"kind": "consultation_quote", "params": {' + quote + ', "start": Infinity}}',
        '{"kind": "consultation_quote", "params": {' + quote + ', "quote": {"a": 1}}}',
        '{"kind": "text", "params": {"markdown": null}}',
    ):
        answer = client.post(path, body, **headers)
        assert answer.status_code == 422, body
    assert not report.blocks.exists()


def _kinds(answer):
    return [b["kind"] for b in answer.json()["blocks"]]


def test_secretariat_moves_and_removes_blocks(client, world):  # noqa: F811
    report = _report(world)
    staff = world["staff"]
    read = client.get(f"/api/v1/reports/{report.pk}", **_bearer(staff)).json()
    ids = [b["id"] for b in read["blocks"]]
    kinds = [b["kind"] for b in read["blocks"]]
    moved = _post(
        client, f"/api/v1/reports/{report.pk}/blocks/{ids[0]}/move", {"direction": "down"}, staff
    )
    assert moved.status_code == 200
    assert _kinds(moved) == [kinds[1], kinds[0], *kinds[2:]]
    assert [b["position"] for b in moved.json()["blocks"]] == [1, 2, 3]
    top = _post(
        client, f"/api/v1/reports/{report.pk}/blocks/{ids[1]}/move", {"direction": "up"}, staff
    )
    assert _kinds(top) == _kinds(moved)  # already first: nothing moves
    removed = client.delete(f"/api/v1/reports/{report.pk}/blocks/{ids[0]}", **_bearer(staff))
    assert removed.status_code == 200
    assert _kinds(removed) == [kinds[1], *kinds[2:]]
    assert [b["position"] for b in removed.json()["blocks"]] == [1, 2]
    assert not Block.objects.filter(pk=ids[0]).exists()


def test_moving_and_removing_from_the_other_side(client, world):  # noqa: F811
    report = _report(world)
    block = report.blocks.order_by("position").first()
    other = make_user("o@example.org", role="secretariat", process=make_process(slug="o"))
    person = make_user("person@example.org")
    move = f"/api/v1/reports/{report.pk}/blocks/{block.pk}/move"
    remove = f"/api/v1/reports/{report.pk}/blocks/{block.pk}"
    assert _post(client, move, {"direction": "down"}).status_code == 401
    assert client.delete(remove).status_code == 401
    for user in (other, person):
        assert _post(client, move, {"direction": "down"}, user).status_code == 404
        assert client.delete(remove, **_bearer(user)).status_code == 404
    staff = world["staff"]
    # A block of another report through this one's URL is not found; a bad direction is 422.
    elsewhere = create_report(world["process"], actor=staff, title="Other")
    assert (
        client.delete(
            f"/api/v1/reports/{elsewhere.pk}/blocks/{block.pk}", **_bearer(staff)
        ).status_code
        == 404
    )
    assert _post(client, move, {"direction": "sideways"}, staff).status_code == 422
    publish_report(report, actor=staff)
    assert _post(client, move, {"direction": "down"}, staff).status_code == 409
    refused = client.delete(remove, **_bearer(staff))
    assert refused.status_code == 409 and refused.json()["detail"]
    assert _post(client, move, {"direction": "down"}, other).status_code == 403
    assert report.blocks.count() == 3 and report.blocks.get(pk=block.pk).position == block.position
