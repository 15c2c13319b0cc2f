from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry, Process

PROCESS_POST = {
    "name": "New process",
    "slug": "new-process",
    "convening_body": "General Assembly",
    "description": "Some *text*",
    "status": "active",
    "predecessor": "",
}


# Public pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_lists_public_processes_only(client, process, draft_process):
    response = client.get("/")
    assert response.status_code == 200
    assert process.name in response.text
    assert draft_process.name not in response.text


@pytest.mark.django_db
def test_home_shows_what_is_open_now(client, process):
    from tests.builders import make_consultation, make_event

    make_consultation(process, title="Survey taking answers")
    make_consultation(process, slug="draft-survey", title="Survey in draft", status="draft")
    make_event(process, title="Briefing next week")
    make_event(process, slug="draft-event", title="Event in draft", status="draft")
    html = client.get("/").text
    for shown in ("Survey taking answers", "Briefing next week", "Open calls for accreditation"):
        assert shown in html
    assert "Survey in draft" not in html and "Event in draft" not in html


@pytest.mark.django_db
def test_home_leaves_out_sections_with_nothing_open(client, process):
    from django.contrib.auth.models import AnonymousUser

    from core.home import open_now

    anonymous = AnonymousUser()
    assert [s["name"] for s in open_now(anonymous)] == ["accreditation"]  # an active process
    process.status = "concluded"
    process.save()
    assert open_now(anonymous) == []
    assert "Nothing is open right now" in client.get("/").text


@pytest.mark.django_db
def test_process_list_hides_drafts_from_the_public(
    client, process, draft_process, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("core:process_list"))
    assert process.name in response.text
    assert draft_process.name not in response.text


@pytest.mark.django_db
def test_process_list_query_count_does_not_grow_with_processes(
    client, django_assert_max_num_queries
):
    from tests.builders import make_process

    first = make_process(slug="p0")
    for i in range(1, 30):
        make_process(slug=f"p{i}", predecessor=first)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("core:process_list")).status_code == 200


@pytest.mark.django_db
def test_process_detail_renders_sanitised_markdown(client):
    from tests.builders import make_process

    make_process(
        slug="md", description="**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    response = client.get(reverse("core:process_detail", args=["md"]))
    assert "<strong>bold</strong>" in response.text
    assert "<script>alert(1)" not in response.text
    assert 'href="javascript:' not in response.text


@pytest.mark.django_db
def test_a_draft_is_not_found_for_the_public_but_visible_to_its_staff(client, login, draft_process):
    from tests.builders import make_user

    url = reverse("core:process_detail", args=[draft_process.slug])
    assert client.get(url).status_code == 404
    staff = make_user("draft.staff@example.org", role="secretariat", process=draft_process)
    assert login(staff).get(url).status_code == 200


@pytest.mark.django_db
def test_a_draft_stays_hidden_from_the_staff_of_another_process(
    login, draft_process, other_secretariat
):
    url = reverse("core:process_detail", args=[draft_process.slug])
    assert login(other_secretariat).get(url).status_code == 404


@pytest.mark.django_db
def test_unknown_pages_get_the_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text


# Creating and editing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_to_create(client):
    response = client.get(reverse("core:process_create"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["stakeholder", "delegate", "process_secretariat"])
def test_only_the_platform_secretariat_creates_processes(request, login, who):
    user = request.getfixturevalue(who)
    client = login(user)
    assert client.get(reverse("core:process_create")).status_code == 403
    assert client.post(reverse("core:process_create"), PROCESS_POST).status_code == 403
    assert not Process.objects.filter(slug="new-process").exists()


@pytest.mark.django_db
def test_the_platform_secretariat_creates_a_process(login, platform_secretariat):
    client = login(platform_secretariat)
    assert client.get(reverse("core:process_create")).status_code == 200
    response = client.post(reverse("core:process_create"), PROCESS_POST)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:process_detail", args=["new-process"])
    assert AuditEntry.objects.filter(
        action="core.process.created", actor=platform_secretariat
    ).exists()


@pytest.mark.django_db
def test_a_create_form_posted_twice_makes_one_process(login, platform_secretariat):
    client = login(platform_secretariat)
    assert client.post(reverse("core:process_create"), PROCESS_POST).status_code == 302
    again = client.post(reverse("core:process_create"), PROCESS_POST)
    assert again.status_code == 400
    assert "Another process already uses this short name." in again.text
    assert Process.objects.filter(slug="new-process").count() == 1


@pytest.mark.django_db
def test_bad_input_comes_back_with_errors_beside_the_fields(login, platform_secretariat):
    client = login(platform_secretariat)
    response = client.post(
        reverse("core:process_create"),
        {**PROCESS_POST, "slug": "Not a slug!", "name": "", "status": "bogus"},
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert 'id="id_slug_error"' in response.text and 'id="id_name_error"' in response.text
    assert not Process.objects.exists()


@pytest.mark.django_db
def test_the_reserved_short_name_is_refused(login, platform_secretariat):
    response = login(platform_secretariat).post(
        reverse("core:process_create"), {**PROCESS_POST, "slug": "new"}
    )
    assert response.status_code == 400
    assert not Process.objects.exists()


@pytest.mark.django_db
def test_the_process_secretariat_edits_its_process(login, process, process_secretariat):
    url = reverse("core:process_edit", args=[process.slug])
    client = login(process_secretariat)
    assert client.get(url).status_code == 200
    response = client.post(url, {**PROCESS_POST, "slug": process.slug, "name": "Renamed"})
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.name == "Renamed"


@pytest.mark.django_db
def test_staff_of_another_process_cannot_edit(login, process, other_secretariat):
    url = reverse("core:process_edit", args=[process.slug])
    client = login(other_secretariat)
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {**PROCESS_POST, "slug": process.slug, "name": "Hijacked"}).status_code
        == 403
    )
    process.refresh_from_db()
    assert process.name != "Hijacked"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["stakeholder", "delegate"])
def test_other_roles_cannot_edit(request, login, process, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("core:process_edit", args=[process.slug])).status_code == 403


@pytest.mark.django_db
def test_a_process_cannot_become_its_own_predecessor_through_the_form(login, platform_secretariat):
    from tests.builders import make_process

    first = make_process(slug="first")
    make_process(slug="second", predecessor=first)
    second = Process.objects.get(slug="second")
    url = reverse("core:process_edit", args=["first"])
    response = login(platform_secretariat).post(
        url, {**PROCESS_POST, "slug": "first", "predecessor": second.pk}
    )
    assert response.status_code == 400
    assert "cannot follow itself" in response.text


# Audit log page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_log_requires_login(client):
    assert client.get(reverse("core:audit_log")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["stakeholder", "delegate"])
def test_audit_log_is_closed_to_other_roles(request, login, who):
    assert login(request.getfixturevalue(who)).get(reverse("core:audit_log")).status_code == 403


@pytest.mark.django_db
def test_process_staff_see_only_their_processes_entries(
    login, process, other_process, process_secretariat
):
    response = login(process_secretariat).get(reverse("core:audit_log"))
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert entries and all(e.process_id == process.pk for e in entries)


@pytest.mark.django_db
def test_platform_secretariat_filters_the_audit_log(
    login, process, other_process, platform_secretariat, django_assert_max_num_queries
):
    client = login(platform_secretariat)
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("core:audit_log"), {"process": other_process.slug, "action": "core.process"}
        )
    entries = list(response.context["page"].object_list)
    assert [e.process_id for e in entries] == [other_process.pk]


@pytest.mark.django_db
def test_audit_log_answers_htmx_with_the_table_only(login, platform_secretariat, process):
    response = login(platform_secretariat).get(reverse("core:audit_log"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "core.process.created" in response.text


@pytest.mark.django_db
def test_bad_audit_filters_are_explained_not_crashed(login, platform_secretariat):
    response = login(platform_secretariat).get(
        reverse("core:audit_log"), {"since": "not-a-date", "page": "zzz"}
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.text


# Health, security, errors ------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_is_unreachable(client):
    with mock.patch("core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_forms_without_a_csrf_token_are_refused_kindly(platform_secretariat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(platform_secretariat, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("core:process_create"), PROCESS_POST)
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert not Process.objects.exists()


@pytest.mark.django_db
def test_the_500_page_is_friendly_and_shows_no_traceback(rf):
    from core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_an_unexpected_error_answers_the_friendly_500(client, settings):
    client.raise_request_exception = False
    with mock.patch("core.views.selectors.processes_visible_to", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"boom" not in response.content


@pytest.mark.django_db
def test_staff_can_name_only_a_process_they_run_as_predecessor(
    login, process, other_process, process_secretariat
):
    url = reverse("core:process_edit", args=[process.slug])
    response = login(process_secretariat).post(
        url, {**PROCESS_POST, "slug": process.slug, "predecessor": other_process.pk}
    )
    assert response.status_code == 400
    process.refresh_from_db()
    assert process.predecessor is None


@pytest.mark.django_db
def test_healthz_answers_head_requests(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_bad_audit_filters_sent_by_htmx_come_back_with_the_errors(login, platform_secretariat):
    response = login(platform_secretariat).get(
        reverse("core:audit_log"), {"since": "not-a-date"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_home_and_roles_pages_keep_a_fixed_number_of_queries(
    client, login, process, process_secretariat
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.builders import make_process, make_user

    def count(c, url):
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        return len(queries)

    anonymous = Client()
    staff = login(process_secretariat)
    roles = reverse("accounts:process_roles", args=[process.slug])
    before = [count(anonymous, "/"), count(staff, roles), count(staff, reverse("accounts:profile"))]
    for i in range(5):
        make_process(slug=f"more-{i}")
        make_user(f"mod{i}@example.org", role="moderator", process=process)
    from tests.builders import make_token

    for _ in range(3):
        make_token(process_secretariat)
    from core import pagecache

    pagecache.invalidate()  # the writes above never committed, so the cache was not told
    after = [count(anonymous, "/"), count(staff, roles), count(staff, reverse("accounts:profile"))]
    assert before == after


# Audit log page: people and details --------------------------------------------------------------


def _protected_person_acting_in(process, granted_by):
    from accounts.services import grant_role, update_profile
    from core import audit
    from tests.builders import make_user

    person = make_user("amina@example.org")
    update_profile(person, actor=person, display_name="Amina Protected", at_risk=True)
    grant_role(person, actor=granted_by, role="moderator", process=process)
    audit.record("core.test.acted", actor=person, process=process, data={"step": "one"})
    return person


@pytest.mark.django_db
def test_audit_log_withholds_a_protected_persons_name_from_a_process_secretariat(
    login, process, process_secretariat, platform_secretariat
):
    person = _protected_person_acting_in(process, platform_secretariat)
    response = login(process_secretariat).get(reverse("core:audit_log"))
    assert response.status_code == 200
    assert "accounts.role.granted" in response.text and "core.test.acted" in response.text
    assert "Amina" not in response.text
    assert person.email not in response.text


@pytest.mark.django_db
def test_audit_log_names_people_to_the_platform_secretariat(
    login, process, platform_secretariat, django_assert_max_num_queries
):
    _protected_person_acting_in(process, platform_secretariat)
    client = login(platform_secretariat)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("core:audit_log"))
    assert "Amina Protected" in response.text


@pytest.mark.django_db
def test_audit_log_shows_details_as_field_value_pairs(login, process, platform_secretariat):
    _protected_person_acting_in(process, platform_secretariat)
    response = login(platform_secretariat).get(reverse("core:audit_log"))
    assert "{&#x27;" not in response.text and "{'" not in response.text
    assert "<dt>role</dt><dd>moderator</dd>" in response.text
    assert "<dt>step</dt><dd>one</dd>" in response.text


@pytest.mark.django_db
def test_audit_table_scrolls_inside_its_own_box(login, platform_secretariat, process):
    response = login(platform_secretariat).get(reverse("core:audit_log"))
    assert '<div class="table-scroll"' in response.text


@pytest.mark.django_db
def test_audit_log_shows_a_change_as_before_and_after(login, process, process_secretariat):
    from core.services import update_process

    update_process(process, actor=process_secretariat, name="Renamed")
    response = login(process_secretariat).get(reverse("core:audit_log"))
    assert "<dt>changes.name</dt><dd>Test process → Renamed</dd>" in response.text
    # One's own name is no secret to oneself.
    assert process_secretariat.email in response.text
