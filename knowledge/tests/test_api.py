"""The API: search with highlighted passages and facets, a record and its versions,
contributing and changing, moderation, and the one error shape on every refusal."""

import json

import pytest

from knowledge.models import Record
from tests.builders import knowledge_content, make_record, make_token

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db
API = "/api/v1/knowledge"


def call(client, user, method, url, data=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"} if user else {}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(
        url, data=json.dumps(data or {}), content_type="application/json", **headers
    )


def test_search_is_paginated_ranked_and_highlighted(client, people):
    for n in range(3):
        make_record(people["platform"], people["lead"], title=f"Ransomware response plan {n}")
    body = client.get(API + "/records?q=ransomware&page_size=2").json()
    assert set(body) == {
        "items",
        "count",
        "count_is_lower_bound",
        "page",
        "pages",
        "next",
        "previous",
    }
    assert body["count"] == 3 and body["pages"] == 2 and body["next"]
    assert body["count_is_lower_bound"] is False
    assert "<mark>Ransomware</mark>" in body["items"][0]["title_html"]
    facets = client.get(API + "/facets?q=ransomware").json()
    assert facets["count"] == 3 and facets["type"][0] == {
        "value": "cvd_policy",
        "label": "Coordinated vulnerability disclosure policy",
        "count": 3,
        "selected": False,
    }


@pytest.mark.parametrize(
    "query", ["q=%21%21%21", "type=manifesto", "page=0", "page_size=1000", "q=" + "x" * 201]
)
def test_a_bad_search_answers_422_in_the_one_shape(client, query):
    response = client.get(API + f"/records?{query}")
    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}


def test_a_contribution_by_api_waits_and_its_author_reads_it(client, people):
    content = {
        **knowledge_content(people["lead"]),
        "process": "ahc",
        "organisation": people["org"].public_id,
    }
    content.pop("documents")
    response = call(client, people["rep"], "post", API + "/records", content)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "pending"
    assert call(client, people["rep"], "get", API + f"/records/{body['id']}").status_code == 200
    assert client.get(API + f"/records/{body['id']}").status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"actors": [{"organisation": "nosuchorgxxx", "role": "lead"}]}, 422, "actors"),
        ({"countries": ["XX"]}, 422, "countries"),
        ({"record_type": "manifesto"}, 422, "record_type"),
        ({"title": "x" * 300}, 422, "title"),
        ({"summary": "\u0000"}, 400, None),
    ],
)
def test_bad_content_by_api_is_refused_in_the_one_shape_and_nothing_stored(
    client, people, change, status, field
):
    content = {**knowledge_content(people["lead"]), **change}
    content.pop("documents")
    response = call(client, people["rep"], "post", API + "/records", content)
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    if field:
        assert field in {e["field"].split(".")[0] for e in body["errors"]}, body
    assert not Record.objects.exists()


def test_changes_and_moderation_by_api(client, people):
    record = make_record(people["rep"], people["lead"], process=people["process"])
    url = API + f"/records/{record.public_id}"
    assert call(client, people["rep"], "patch", url, {"title": "x"}).status_code == 409
    own = call(client, people["rep"], "post", url + "/versions/1/publish")
    assert own.status_code == 403
    published = call(
        client, people["moderator"], "post", url + "/versions/1/publish", {"note": "Fine"}
    )
    assert published.status_code == 200 and published.json()["state"] == "accepted"
    proposed = call(client, people["rep"], "patch", url, {"title": "Sharper title", "note": "typo"})
    assert proposed.status_code == 200 and proposed.json()["state"] == "pending"
    assert proposed.json()["changed"] == ["title"]
    queue = call(client, people["moderator"], "get", API + "/moderation").json()
    assert [i["title"] for i in queue["items"]] == ["Sharper title"]
    no_reason = call(
        client, people["moderator"], "post", url + "/versions/2/reject", {"reason": ""}
    )
    assert no_reason.status_code == 422
    rejected = call(
        client, people["moderator"], "post", url + "/versions/2/reject", {"reason": "Keep it"}
    )
    assert rejected.json()["state"] == "rejected"
    versions = client.get(url + "/versions").json()
    assert [v["number"] for v in versions["items"]] == [1]
    assert [
        v["number"] for v in call(client, people["rep"], "get", url + "/versions").json()["items"]
    ] == [2, 1]


def test_a_pdf_by_api_is_checked_and_its_version_awaits(client, people):
    record = make_record(people["platform"], people["lead"], process=people["process"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(people['rep'])}"}
    url = API + f"/records/{record.public_id}/documents"
    refused = client.post(url, {"file": pdf_upload()}, **headers)
    assert refused.status_code == 403  # not the contributor of this record
    staff = {"HTTP_AUTHORIZATION": f"Bearer {make_token(people['staff'])}"}
    bad = client.post(url, {"file": pdf_upload(script=True)}, **staff)
    assert bad.status_code == 422 and "active content" in bad.json()["detail"]
    good = client.post(url, {"file": pdf_upload()}, **staff)
    assert good.status_code == 201 and good.json()["state"] == "accepted"


def test_the_export_endpoint_gives_the_open_data(client, people):
    make_record(people["platform"], people["lead"])
    body = client.get(API + "/export?format=json").json()
    assert body["count"] == 1 and body["licence"]["id"] == "CC-BY-4.0"
    assert client.get(API + "/export?format=xml").status_code == 422


def test_beyond_the_count_the_api_says_it_is_a_lower_bound_and_goes_on(client, people, monkeypatch):
    from knowledge import search

    for n in range(3):
        make_record(people["platform"], people["lead"], title=f"Ransomware response plan {n}")
    monkeypatch.setattr(search, "WINDOW", 2)
    body = client.get(API + "/records?q=ransomware&page_size=2").json()
    assert body["count"] == 2 and body["count_is_lower_bound"] is True
    assert body["pages"] == 1 and "page=2" in body["next"]
    rest = client.get(body["next"]).json()
    assert len(rest["items"]) == 1 and rest["count_is_lower_bound"] is True
    facets = client.get(API + "/facets?q=ransomware").json()
    assert facets["count"] == 2 and facets["count_is_lower_bound"] is True
    assert facets["type"][0]["count"] == 2
