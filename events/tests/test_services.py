import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from events import services
from events.exceptions import NotAccredited, NotAdmitted, RegistrationClosed, WrongState
from events.models import Registration
from tests.builders import make_application, make_event, make_organisation, make_user

pytestmark = pytest.mark.django_db


def people(n, prefix="p"):
    return [make_user(f"{prefix}{i}@example.org") for i in range(n)]


def test_registering_twice_returns_the_existing_registration(process):
    event = make_event(process)
    person = make_user("once@example.org")
    first, created = services.register(event, actor=person)
    again, created_again = services.register(event, actor=person)
    assert created and not created_again and first.pk == again.pk
    assert event.registrations.count() == 1


def test_a_full_event_puts_people_on_the_waiting_list(process):
    event = make_event(process, capacity=2)
    states = [services.register(event, actor=p)[0].state for p in people(3)]
    assert states == ["confirmed", "confirmed", "waiting"]


def test_a_cancellation_promotes_the_first_waiting_and_emails_them(
    process, django_capture_on_commit_callbacks
):
    event = make_event(process, capacity=1)
    first, second, third = people(3)
    with django_capture_on_commit_callbacks(execute=True):
        holder, _ = services.register(event, actor=first)
        services.register(event, actor=second)
        services.register(event, actor=third)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(holder, actor=first)
    states = dict(event.registrations.values_list("user__email", "state"))
    assert states == {
        "p0@example.org": "cancelled",
        "p1@example.org": "confirmed",
        "p2@example.org": "waiting",
    }
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]
    names = [a[0] for a in mail.outbox[0].attachments]
    assert names == ["event.ics", "check-in.png"]


def test_the_organisation_cap_holds_places_back_and_rotation_swaps_them(process):
    event = make_event(process, organisation_cap=2)
    admin = make_user("admin@example.org")
    organisation = make_organisation(admin)
    reps = people(3, "rep")
    for rep in reps:
        organisation.memberships.create(user=rep)
    states = [
        services.register(event, actor=r, organisation_id=organisation.pk)[0].state for r in reps
    ]
    assert states == ["confirmed", "confirmed", "waiting"]
    holder = event.registrations.get(user=reps[0])
    waiting = event.registrations.get(user=reps[2])
    services.swap_place(holder, waiting, actor=admin)
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.state, waiting.state) == ("waiting", "confirmed")
    assert event.registrations.filter(state="confirmed", organisation=organisation).count() == 2


def test_a_place_passes_only_within_one_organisation(process):
    event = make_event(process)
    one, two = (
        make_organisation(name="One", country="FR"),
        make_organisation(name="Two", country="DE"),
    )
    a, b = people(2)
    one.memberships.create(user=a)
    two.memberships.create(user=b)
    ra, _ = services.register(event, actor=a, organisation_id=one.pk)
    rb, _ = services.register(event, actor=b, organisation_id=two.pk)
    with pytest.raises(WrongState):
        services.swap_place(ra, rb, actor=a)


def test_registration_outside_the_window_is_refused_with_the_dates(process):
    later = timezone.now() + timedelta(days=3)
    event = make_event(process, registration_opens_at=later)
    with pytest.raises(RegistrationClosed, match=later.strftime("%Y-%m-%d")):
        services.register(event, actor=make_user())
    assert not Registration.objects.exists()


def test_approval_first_then_a_place_or_the_waiting_list(process):
    event = make_event(process, requires_approval=True, capacity=1)
    a, b = people(2)
    ra, _ = services.register(event, actor=a)
    rb, _ = services.register(event, actor=b)
    assert (ra.state, rb.state) == ("pending", "pending")
    assert services.decide_registration(ra, actor=None, approve=True).state == "confirmed"
    assert services.decide_registration(rb, actor=None, approve=True).state == "waiting"


def test_accredited_events_admit_only_members_of_accredited_organisations(process):
    event = make_event(process, audience="accredited")
    member, outsider = people(2)
    organisation = make_organisation(member)
    with pytest.raises(NotAdmitted):
        services.register(event, actor=member)
    make_application(process, organisation, state="accredited")
    registration, _ = services.register(event, actor=member)
    assert registration.organisation == organisation
    with pytest.raises(NotAdmitted):
        services.register(event, actor=outsider)


def test_only_accredited_organisations_request_the_floor(process):
    event = make_event(process, kind="formal_session", capacity=None)
    item = services.add_agenda_item(event, actor=None, number="3", title="General debate")
    person = make_user()
    organisation = make_organisation(person)
    with pytest.raises(NotAccredited):
        services.request_floor(
            item, actor=person, organisation_id=None, spokesperson="A", topic="B"
        )
    make_application(process, organisation, state="accredited")
    request = services.request_floor(
        item, actor=person, organisation_id=None, spokesperson="A", topic="B"
    )
    with pytest.raises(WrongState, match="already asked"):
        services.request_floor(
            item, actor=person, organisation_id=None, spokesperson="C", topic="D"
        )
    assert services.mark_given(request, actor=None).state == "given"


def test_an_unknown_time_zone_is_a_clear_error(process):
    from events.calendar import UnknownTimeZone

    with pytest.raises(UnknownTimeZone, match="Europe/Vienna"):
        make_event(process, time_zone="Mars/Olympus")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_hundred_at_once_for_fifty_places_never_overbook():
    from django.db import connections

    from tests.builders import make_process

    process = make_process(slug="concurrency")
    event = make_event(process, capacity=50, organisation_cap=0)
    crowd = people(200, "crowd")
    barrier = threading.Barrier(20)
    errors = []

    def worker(chunk):
        try:
            barrier.wait()
            for person in chunk:
                services.register(event, actor=person)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(crowd[i::20],)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    states = list(event.registrations.values_list("state", flat=True))
    assert states.count("confirmed") == 50 and states.count("waiting") == 150
