"""Protected names on the pages that run an event: shown only to those the rule lets see them."""

import pytest

from events import services
from events.forms import EventForm
from events.models import Event
from tests.builders import make_application, make_event, make_organisation, make_user

pytestmark = pytest.mark.django_db

HIDDEN_NAME = "Hidden Voices Network"
SECRET_NAME = "Amina Protected"
WITHHELD = "A participant at risk (name withheld)"
REGION_LABEL = "An organisation based in Asia and the Pacific"


def _person(email, name, *, at_risk=False):
    person = make_user(email)
    person.display_name, person.at_risk = name, at_risk
    person.save()
    return person


@pytest.fixture
def organiser_admin(process):
    admin = make_user("organiser@example.org")
    services.add_organiser(make_event(process), make_organisation(admin), actor=None)
    return admin


@pytest.fixture
def region_only(organiser_admin):
    """An organisation shown only by region (its people are not at risk), one of them there."""
    organisation = make_organisation(name=HIDDEN_NAME, country="SY", public_as_region=True)
    layla = _person("layla@hidden.example", "Layla Open")
    organisation.memberships.create(user=layla)
    event = Event.objects.get(slug="side-event")
    services.register(event, actor=layla, organisation_id=organisation.pk)
    return organisation


# 1 (b): the organisers' search matches only what they may see ------------------------------------


def test_searching_the_hidden_name_of_an_organisation_finds_nothing(
    login, organiser_admin, region_only
):
    client = login(organiser_admin)
    found = client.get("/events/side-event/manage/", {"q": "Hidden Voices"}).context
    assert found["registrations"] == []
    # What the organisers do see is found: the person's name, and the region it is shown by.
    by_name = client.get("/events/side-event/manage/", {"q": "Layla"}).context["registrations"]
    assert [r.organisation_label for r in by_name] == [REGION_LABEL]
    by_label = client.get("/events/side-event/manage/", {"q": "based in Asia"}).context
    assert len(by_label["registrations"]) == 1


def test_the_platform_secretariat_finds_it_by_name(login, platform_secretariat, region_only):
    found = login(platform_secretariat).get("/events/side-event/manage/", {"q": "Hidden"})
    assert [r.organisation_label for r in found.context["registrations"]] == [HIDDEN_NAME]


# 1 (c): the organisers' list in the event form sorts by what the viewer is shown ----------------


def _labels(form, name="organisers"):
    return [label for _value, label in form.fields[name].choices]


def test_the_organisers_list_does_not_sort_by_a_hidden_name(process, process_secretariat):
    make_organisation(name="Aaa Hidden Collective", country="SY", public_as_region=True)
    for name in ("Mu Rights", "Beta Watch"):
        make_organisation(name=name, country="FR")
    form = EventForm(process=process, viewer=process_secretariat)
    labels = _labels(form)
    assert labels[:2] == ["Beta Watch", "Mu Rights"]
    assert labels[-1] == REGION_LABEL
    assert _labels(form, "co_sponsors") == labels


def test_the_platform_secretariat_lists_every_name_in_order(process, platform_secretariat):
    make_organisation(name="Aaa Hidden Collective", country="SY", public_as_region=True)
    make_organisation(name="Beta Watch", country="FR")
    form = EventForm(process=process, viewer=platform_secretariat)
    assert _labels(form) == ["Aaa Hidden Collective", "Beta Watch"]


# 2: the secretariat of another process does not read protected names -----------------------------


@pytest.fixture
def applied_elsewhere(process, other_process):
    """An at-risk organisation that applied to the other process only, registered here."""
    organisation = make_organisation(name="Digital Rights Collective", country="EG", at_risk=True)
    make_application(other_process, organisation)
    amina = _person("amina@ngo.example", SECRET_NAME)
    organisation.memberships.create(user=amina)
    event = make_event(process)
    registration, _created = services.register(event, actor=amina, organisation_id=organisation.pk)
    return registration


def test_the_events_process_secretariat_does_not_read_a_name_it_may_not_see(
    login, process_secretariat, applied_elsewhere
):
    client = login(process_secretariat)
    page = client.get("/events/side-event/manage/").content.decode()
    assert SECRET_NAME not in page and "amina@ngo.example" not in page
    assert WITHHELD in page
    check_in = client.get(f"/events/side-event/check-in/{applied_elsewhere.token}/")
    assert SECRET_NAME not in check_in.content.decode()
    assert WITHHELD in check_in.content.decode()
    found = client.get("/events/side-event/manage/", {"q": "Amina"}).context["registrations"]
    assert found == []


def test_the_platform_secretariat_and_the_applied_process_read_the_name(
    login, platform_secretariat, other_secretariat, process, applied_elsewhere
):
    page = login(platform_secretariat).get("/events/side-event/manage/").content.decode()
    assert SECRET_NAME in page
    # The other process's staff may read it (the organisation applied there), but it does not
    # run this event, so the page is not theirs.
    assert login(other_secretariat).get("/events/side-event/manage/").status_code in (403, 404)


def test_the_events_process_secretariat_reads_names_of_organisations_that_applied_to_it(
    login, process, process_secretariat, applied_elsewhere
):
    make_application(process, applied_elsewhere.organisation)
    page = login(process_secretariat).get("/events/side-event/manage/").content.decode()
    assert SECRET_NAME in page


def test_a_region_only_organisation_is_not_named_to_another_processs_secretariat(
    login, process, region_only
):
    staff = make_user("staff.b@example.org", role="secretariat", process=process)
    rows = login(staff).get("/events/side-event/manage/").context["registrations"]
    assert [r.organisation_label for r in rows] == ["An organisation based in Asia and the Pacific"]


def test_staff_of_a_process_the_organisation_never_applied_to_cannot_search_its_name(
    login, process, region_only
):
    staff = make_user("staff.b@example.org", role="secretariat", process=process)
    found = login(staff).get("/events/side-event/manage/", {"q": "Hidden"}).context
    assert found["registrations"] == []


# 3: the secretariat's organiser list names organisations by their public id -------------------


def test_organisers_are_chosen_by_public_id(login, process, process_secretariat):
    organisation = make_organisation(name="Beta Watch", country="FR")
    make_event(process)
    client = login(process_secretariat)
    form = client.get("/events/side-event/edit/").content.decode()
    assert f'value="{organisation.public_id}"' in form
    assert f'value="{organisation.pk}"' not in form
    data = dict(client.get("/events/side-event/edit/").context["form"].initial)
    data.update(
        {
            "starts_at": "2031-05-13T10:00",
            "ends_at": "2031-05-13T12:00",
            "organisers": [organisation.public_id],
            "co_sponsors": [],
            "series": "",
            "topics": [],
        }
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post("/events/side-event/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get(slug="side-event")
    assert [o.organisation for o in event.organisers.all()] == [organisation]
    edit = client.get("/events/side-event/edit/").context["form"]
    assert edit.initial["organisers"] == [organisation.public_id]
