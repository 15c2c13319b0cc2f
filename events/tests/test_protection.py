"""Protected names on the pages that run an event: shown only to those the rule lets see them."""

import pytest

from events import services
from events.forms import EventForm
from events.models import Event
from tests.builders import make_event, make_organisation, make_user

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
