import pytest
from django.urls import reverse

from core.services import update_process
from tests.builders import make_process


@pytest.mark.django_db
def test_anonymous_visitors_get_a_cached_copy(client, process, django_assert_max_num_queries):
    url = reverse("core:process_detail", args=[process.slug])
    first = client.get(url)
    with django_assert_max_num_queries(0):
        second = client.get(url)
    assert second.content == first.content


@pytest.mark.django_db
def test_a_change_shows_at_once(client, process, django_capture_on_commit_callbacks):
    url = reverse("core:process_detail", args=[process.slug])
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        update_process(process, actor=None, name="A new name")
    assert "A new name" in client.get(url).text


@pytest.mark.django_db
def test_each_language_has_its_own_copy(client, process):
    client.get("/")
    client.cookies["django_language"] = "fr"
    assert 'lang="fr"' in client.get("/").text


@pytest.mark.django_db
def test_signed_in_people_are_never_served_the_public_copy(
    client, login, process, draft_process, platform_secretariat
):
    client.get("/processes/")
    staff = login(platform_secretariat)
    page = staff.get("/processes/")
    assert draft_process.name in page.text


@pytest.mark.django_db
def test_a_new_process_appears_in_the_list(client, django_capture_on_commit_callbacks):
    make_process(slug="first")
    client.get("/processes/")
    with django_capture_on_commit_callbacks(execute=True):
        make_process(slug="second", name="Second process")
    assert "Second process" in client.get("/processes/").text


@pytest.mark.django_db
def test_other_workers_see_a_change_within_the_version_ttl(client, process, monkeypatch):
    from core import pagecache

    url = reverse("core:process_detail", args=[process.slug])
    client.get(url)
    # Another worker wrote: this one was not told, so it relies on the version's short life.
    update_process(process, actor=None, name="Renamed elsewhere")
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: 10.0**9)
    assert "Renamed elsewhere" in client.get(url).text


def _view_with_a_form(request):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    return HttpResponse(f"token {get_token(request)}")


@pytest.mark.django_db
def test_a_page_carrying_a_csrf_token_is_never_shared(rf):
    from core.pagecache import cache_public_page

    view = cache_public_page()(_view_with_a_form)
    first = view(rf.get("/form/"))
    second = view(rf.get("/form/"))
    assert first.content != second.content


@pytest.mark.django_db
def test_unknown_query_parameters_do_not_make_new_copies(
    client, process, django_assert_max_num_queries
):
    client.get("/processes/")
    with django_assert_max_num_queries(0):
        client.get("/processes/?utm_source=x")
