import pytest
from django.urls import reverse

from reports.models import Report
from reports.services import create_report, publish_report
from reports.tests.test_services import _report, world  # noqa: F401  (the fixture)
from tests.builders import make_process, make_user, submit

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


# Composing ------------------------------------------------------------------------------------


def _other_staff():
    return make_user("o2@example.org", role="secretariat", process=make_process(slug="o2"))


def test_drafts_page_from_both_sides(client, world):  # noqa: F811
    _report(world)
    url = reverse("reports:drafts", args=[world["process"].slug])
    assert client.get(url).status_code == 302  # to sign in
    _login(client, make_user("person@example.org"))
    assert client.get(url).status_code == 403
    _login(client, _other_staff())
    assert client.get(url).status_code == 403
    _login(client, world["staff"])
    page = client.get(url)
    assert page.status_code == 200 and "What we heard" in page.content.decode()


def test_secretariat_creates_composes_and_publishes(client, world):  # noqa: F811
    _login(client, world["staff"])
    created = client.post(reverse("reports:drafts", args=[world["process"].slug]), {"title": "T"})
    report = Report.objects.get(title="T")
    assert created["Location"] == reverse("reports:compose", args=[report.pk])
    add = reverse("reports:add_block", args=[report.pk])
    form = client.get(add, {"kind": "consultation_responses"}).content.decode()
    assert f'value="{world["c"].pk}"' in form and f'value="{world["f"].pk}"' not in form
    client.post(add, {"kind": "text", "markdown": "Intro"})
    client.post(add, {"kind": "consultation_responses", "consultation": world["c"].pk})
    first, second = report.blocks.order_by("position")
    move = reverse("reports:move_block", args=[report.pk])
    client.post(move, {"block": second.pk, "direction": "up"})
    assert list(report.blocks.order_by("position").values_list("kind", flat=True)) == [
        "consultation_responses",
        "text",
    ]
    client.post(reverse("reports:remove_block", args=[report.pk]), {"block": first.pk})
    assert list(report.blocks.values_list("kind", "position")) == [("consultation_responses", 1)]
    preview = client.get(reverse("reports:compose", args=[report.pk]))
    assert preview.status_code == 200 and "2 responses" in preview.content.decode()
    published = client.post(reverse("reports:publish", args=[report.pk]))
    assert published["Location"] == reverse("reports:detail", args=[report.pk])
    assert Report.objects.get(pk=report.pk).status == "published"
    assert client.get(reverse("reports:compose", args=[report.pk])).status_code == 404


def test_publish_page_shows_the_mismatches(client, world):  # noqa: F811
    report = _report(world)
    submit(world["c"])
    _login(client, world["staff"])
    page = client.post(reverse("reports:publish", args=[report.pk]))
    assert page.status_code == 409
    assert "the data has 3" in page.content.decode()
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_a_block_on_data_not_offered_is_refused_with_nothing_stored(client, world):  # noqa: F811
    report = create_report(world["process"], actor=world["staff"], title="R")
    _login(client, world["staff"])
    add = reverse("reports:add_block", args=[report.pk])
    for data in (
        {"kind": "consultation_responses", "consultation": world["f"].pk},
        {"kind": "consultation_responses", "consultation": "x"},
        {"kind": "nonsense"},
        {"kind": "text", "markdown": "  "},
    ):
        assert client.post(add, data).status_code == 400
    assert not report.blocks.exists()


def test_compose_pages_are_404_for_others(client, world):  # noqa: F811
    report = _report(world)
    block = report.blocks.first()
    urls = [
        ("get", reverse("reports:compose", args=[report.pk]), {}),
        ("get", reverse("reports:add_block", args=[report.pk]), {}),
        ("post", reverse("reports:move_block", args=[report.pk]), {"block": block.pk}),
        ("post", reverse("reports:remove_block", args=[report.pk]), {"block": block.pk}),
        ("post", reverse("reports:publish", args=[report.pk]), {}),
    ]
    for user in (None, make_user("person@example.org"), _other_staff()):
        if user:
            _login(client, user)
        for method, url, data in urls:
            assert getattr(client, method)(url, data).status_code == 404, (user, url)
    assert report.blocks.count() == 3 and Report.objects.get(pk=report.pk).status == "draft"


def test_drafts_page_pins_its_queries(client, world, django_assert_max_num_queries):  # noqa: F811
    for _ in range(3):
        _report(world)
    _login(client, world["staff"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:drafts", args=[world["process"].slug]))
    assert page.content.decode().count("What we heard") == 3


def test_a_quote_edited_by_hand_on_the_page_is_a_clear_error(client, world):  # noqa: F811
    report = create_report(world["process"], actor=world["staff"], title="R")
    _login(client, world["staff"])
    add = reverse("reports:add_block", args=[report.pk])
    answer = f"{world['r'].pk}:comment"
    assert answer in client.get(add, {"kind": "consultation_quote"}).content.decode()
    refused = client.post(add, {"kind": "consultation_quote", "answer": answer, "quote": "Edited"})
    assert refused.status_code == 400 and "quote it exactly" in refused.content.decode()
    assert not report.blocks.exists()
    taken = {"kind": "consultation_quote", "answer": answer, "quote": "independent oversight"}
    assert client.post(add, taken).status_code == 302
    assert report.blocks.get().snapshot["quote"] == "independent oversight"


def test_the_list_leads_the_secretariat_to_its_drafts(client, world):  # noqa: F811
    report = _report(world)
    drafts = reverse("reports:drafts", args=[world["process"].slug])
    assert drafts not in client.get(reverse("reports:list")).content.decode()
    _login(client, world["staff"])
    page = client.get(reverse("reports:list")).content.decode()
    assert drafts in page and reverse("reports:compose", args=[report.pk]) in page
