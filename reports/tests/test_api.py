import pytest

from reports.services import publish_report
from reports.tests.test_services import _report, world  # noqa: F401  (the fixture)
from tests.builders import make_process, make_token, make_user

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
