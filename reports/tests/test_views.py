import pytest
from django.urls import reverse

from reports.services import publish_report
from reports.tests.test_services import _report, world  # noqa: F401  (the fixture)
from tests.builders import make_process, make_user

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


def test_published_report_and_pdf_are_public(client, world):  # noqa: F811
    report = publish_report(_report(world), actor=world["staff"])
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200
    assert "Public-private partnerships" in page.content.decode()
    assert "consultations.consultation" in page.content.decode()
    pdf = client.get(reverse("reports:pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_draft_is_hidden_from_anonymous_and_other_secretariat(client, world):  # noqa: F811
    report = _report(world)
    url = reverse("reports:detail", args=[report.pk])
    assert client.get(url).status_code == 404
    _login(client, make_user("o@example.org", role="secretariat", process=make_process(slug="o")))
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:pdf", args=[report.pk])).status_code == 404
    _login(client, world["staff"])
    assert client.get(url).status_code == 200


def test_list_has_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):  # noqa: F811
    for _ in range(3):
        publish_report(_report(world), actor=world["staff"])
    with django_assert_max_num_queries(8):
        page = client.get(reverse("reports:list"))
    assert page.content.decode().count("What we heard") == 3
