"""The pages: contributing through the form (and its errors, with nothing stored), the search
page with facets, htmx fragments, a record, moderation, documents and the open-data export."""

import csv
import io
import json

import pytest

from knowledge.models import Record
from tests.builders import make_record

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def form_data(people, **overrides):
    data = {
        "process": people["process"].slug,
        "organisation": people["org"].public_id,
        "record_type": "ppp_case",
        "title": "Hotline against trafficking ads",
        "summary": "Platforms and an NGO take down *trafficking* advertisements.",
        "sector": "ict",
        "mechanism": "reporting",
        "countries": ["KE", "UG"],
        "started_in": "2018",
        "outcomes": "Forty takedowns.",
        "links": "https://example.org/report The annual report",
        "licence": "CC-BY-4.0",
        "language": "en",
        "actor-0-organisation": people["lead"].public_id,
        "actor-0-role": "lead",
        "actor-1-organisation": people["state"].public_id,
        "actor-1-role": "funder",
    }
    data.update(overrides)
    return data


def test_a_stakeholder_contributes_through_the_form(client, people):
    login(client, people["rep"])
    assert client.get("/knowledge/new/").status_code == 200
    data = form_data(people, document=pdf_upload())
    response = client.post("/knowledge/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = Record.objects.get()
    assert record.state == "pending" and record.organisation == people["org"]
    assert [a.role for a in record.actors.all()] == ["lead", "funder"]
    assert record.regions == ["african"] and record.documents.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="pending"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"actor-0-role": ""}, "Give both the organisation and its role"),
        (
            {
                "actor-0-organisation": "",
                "actor-0-role": "",
                "actor-1-organisation": "",
                "actor-1-role": "",
            },
            "at least one organisation",
        ),
        ({"started_in": "2020", "ended_in": "2010"}, "The end comes before the start"),
        ({"links": "ftp://example.org/x"}, "is not a web address"),
        ({"title": ""}, "This field is required"),
        ({"document": "pdf-with-script"}, "active content"),
        ({"countries": ["ZZ"]}, "Select a valid choice"),
        ({"title": "nul \x00 title"}, "Null characters are not allowed"),
    ],
)
def test_bad_input_comes_back_with_a_clear_error_and_nothing_is_stored(
    client, people, overrides, message
):
    login(client, people["rep"])
    if overrides.get("document") == "pdf-with-script":
        overrides["document"] = pdf_upload(script=True)
    response = client.post("/knowledge/new/", form_data(people, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Record.objects.exists()


def test_the_search_page_shows_facets_counts_and_highlights(client, people):
    make_record(
        people["staff"],
        people["lead"],
        title="Safe harbour for researchers",
        process=people["process"],
    )
    make_record(people["platform"], people["lead"], title="Phishing drills", record_type="training")
    page = client.get("/knowledge/?q=researchers").content.decode()
    assert "<mark>researchers</mark>" in page
    assert 'class="kb-facets"' in page and "Coordinated vulnerability disclosure policy" in page
    fragment = client.get("/knowledge/?type=training", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert "Phishing drills" in fragment.content.decode()


@pytest.mark.parametrize("query", ["q=%21%21%21", "q=" + "x" * 201, "type=manifesto", "q=%00"])
def test_a_search_that_cannot_run_answers_400_with_the_reason(client, people, query):
    response = client.get(f"/knowledge/?{query}")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode() or "error-summary" in response.content.decode()


def test_a_moderator_publishes_from_the_queue_and_the_record_appears(client, people):
    record = make_record(people["rep"], people["lead"], process=people["process"])
    login(client, people["moderator"])
    queue = client.get("/knowledge/moderation/").content.decode()
    assert f"/knowledge/{record.public_id}/versions/1/" in queue
    refused = client.post(f"/knowledge/{record.public_id}/versions/1/", {"decision": "reject"})
    assert refused.status_code == 400 and "Give the reason" in refused.content.decode()
    done = client.post(f"/knowledge/{record.public_id}/versions/1/", {"decision": "publish"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.state == "published"
    client.logout()
    assert client.get(f"/knowledge/{record.public_id}/").status_code == 200


def test_a_contributor_proposes_a_change_and_the_page_says_it_awaits(client, people):
    record = make_record(people["rep"], people["lead"], process=people["process"])
    from knowledge import services

    services.publish_version(record.versions.get(), actor=people["moderator"])
    login(client, people["rep"])
    form = client.get(f"/knowledge/{record.public_id}/edit/")
    assert form.status_code == 200
    data = form_data(people, title="A clearer title", note="Clearer")
    data.pop("process"), data.pop("organisation")
    response = client.post(f"/knowledge/{record.public_id}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(f"/knowledge/{record.public_id}/").content.decode()
    assert "awaits moderation" in page
    again = client.post(f"/knowledge/{record.public_id}/edit/", data)
    assert again.status_code == 400 and "already awaiting moderation" in again.content.decode()


def test_documents_are_downloaded_as_pdf_attachments(client, people):
    upload = pdf_upload("<b>report</b>.html")
    record = make_record(people["platform"], people["lead"], upload=upload)
    document = record.documents.get()
    response = client.get(f"/knowledge/{record.public_id}/documents/{document.public_id}/")
    assert response["Content-Type"] == "application/pdf"
    assert (
        "attachment" in response["Content-Disposition"]
        and ".pdf" in response["Content-Disposition"]
    )
    assert client.get(f"/knowledge/{record.public_id}/documents/zzzzzzzzzzzz/").status_code == 404


def test_the_open_data_export_holds_every_published_record_under_its_licence(client, people):
    make_record(people["platform"], people["lead"], title='=HYPERLINK("x")')
    make_record(people["rep"], people["lead"], title="Awaiting moderation")
    response = client.get("/knowledge/open-data.json")
    body = json.loads(response.content)
    assert body["licence"]["id"] == "CC-BY-4.0" and "creativecommons.org" in response["Link"]
    assert [r["title"] for r in body["records"]] == ['=HYPERLINK("x")']
    assert body["records"][0]["actors"][0]["role"] == "lead"
    rows = list(
        csv.reader(io.StringIO(client.get("/knowledge/open-data.csv").content.decode("utf-8-sig")))
    )
    assert rows[0][0] == "id" and rows[1][3] == '\'=HYPERLINK("x")'
    assert client.get("/knowledge/open-data.xml").status_code == 404


def test_the_process_page_links_its_knowledge_base(client, people):
    make_record(
        people["staff"], people["lead"], title="Process practice", process=people["process"]
    )
    assert "/processes/ahc/knowledge/" in client.get("/processes/ahc/").content.decode()
    assert "Process practice" in client.get("/processes/ahc/knowledge/").content.decode()


def test_the_search_page_says_when_more_records_are_found_than_counted(client, people, monkeypatch):
    from knowledge import search

    for n in range(3):
        make_record(people["platform"], people["lead"], title=f"Phishing drill {n}")
    page = client.get("/knowledge/?q=phishing").content.decode()
    assert "3 records" in page and "More than" not in page
    monkeypatch.setattr(search, "WINDOW", 2)
    page = client.get("/knowledge/?q=phishing&sector=government").content.decode()
    assert "More than 2 records" in page
    assert "Counted among the newest 2 records found." in page
