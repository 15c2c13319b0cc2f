import pytest

from events import services
from events.models import Event, Registration
from tests.builders import make_application, make_event, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_the_public_list_shows_upcoming_events_first(client, process):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now() - timedelta(days=30)
    make_event(
        process,
        slug="old",
        title="Old one",
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        registration_opens_at=None,
    )
    make_event(process, slug="soon", title="Coming soon")
    html = client.get("/events/").content.decode()
    assert html.index("Coming soon") < html.index("Old one")
    assert "Coming soon" not in client.get("/events/?kind=workshop").content.decode()


def test_a_draft_event_is_seen_only_by_its_process_secretariat(
    client, login, process, process_secretariat, other_secretariat
):
    make_event(process, status="draft")
    assert client.get("/events/side-event/").status_code == 404
    assert login(other_secretariat).get("/events/side-event/").status_code == 404
    assert login(process_secretariat).get("/events/side-event/").status_code == 200


def test_times_are_shown_in_the_venues_zone_and_utc(client, process):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    start = datetime(2030, 5, 13, 13, 10, tzinfo=ZoneInfo("Europe/Vienna"))
    make_event(process, starts_at=start, ends_at=start.replace(hour=14), registration_opens_at=None)
    html = client.get("/events/side-event/").content.decode()
    assert "13:10" in html and "Europe/Vienna" in html and "2030-05-13 11:10" in html


class TestRegistrationPages:
    def test_registering_says_when_the_event_is_full(self, login, process, stakeholder):
        event = make_event(process, capacity=1)
        services.register(event, actor=make_user("first@example.org"))
        response = login(stakeholder).post(
            "/events/side-event/register/", {"consent": "on"}, follow=True
        )
        assert "waiting list" in response.content.decode()
        assert event.registrations.get(user=stakeholder).state == "waiting"

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, process):
        make_event(process)
        response = client.post("/events/side-event/register/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not Registration.objects.exists()

    def test_registration_outside_the_window_is_refused_with_the_dates(
        self, login, process, stakeholder
    ):
        from datetime import timedelta

        from django.utils import timezone

        make_event(process, registration_opens_at=timezone.now() + timedelta(days=2))
        response = login(stakeholder).post("/events/side-event/register/", {})
        assert response.status_code == 400
        assert "Registration is open from" in response.content.decode()

    def test_someone_else_cannot_cancel_my_registration(self, login, process, stakeholder):
        event = make_event(process)
        mine, _ = services.register(event, actor=stakeholder)
        other = make_user("other@example.org")
        assert login(other).post(f"/registrations/{mine.pk}/cancel/").status_code == 404
        mine.refresh_from_db()
        assert mine.state == "confirmed"

    def test_the_qr_code_is_only_for_its_holder(self, login, process, stakeholder):
        event = make_event(process)
        mine, _ = services.register(event, actor=stakeholder)
        response = login(stakeholder).get(f"/registrations/{mine.pk}/qr.svg")
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert (
            login(make_user("x@example.org")).get(f"/registrations/{mine.pk}/qr.svg").status_code
            == 404
        )


class TestParticipantList:
    def setup_event(self, process, mode):
        event = make_event(process, participant_list=mode)
        shy, open_, risky = (
            make_user("shy@example.org"),
            make_user("open@example.org"),
            make_user("risk@example.org"),
        )
        for user, name in ((shy, "Shy Person"), (open_, "Open Person"), (risky, "Risky Person")):
            user.display_name = name
            user.save()
        risky.at_risk = True
        risky.save()
        services.register(event, actor=shy, consent=False)
        services.register(event, actor=open_, consent=True)
        services.register(event, actor=risky, consent=True)
        return event

    def test_by_default_only_those_who_consent_are_listed_and_never_people_at_risk(
        self, client, process
    ):
        self.setup_event(process, "consent")
        html = client.get("/events/side-event/").content.decode()
        assert "Open Person" in html and "Shy Person" not in html and "Risky Person" not in html

    def test_everyone_still_leaves_out_people_at_risk(self, client, process):
        self.setup_event(process, "everyone")
        html = client.get("/events/side-event/").content.decode()
        assert "Shy Person" in html and "Risky Person" not in html

    def test_hidden_lists_no_one(self, client, process):
        self.setup_event(process, "hidden")
        assert "Open Person" not in client.get("/events/side-event/").content.decode()


class TestRunningAnEvent:
    @pytest.mark.parametrize("who", ["anonymous", "stakeholder", "other_secretariat"])
    def test_only_its_organisers_and_secretariat_run_it(self, client, login, process, request, who):
        make_event(process)
        if who != "anonymous":
            login(request.getfixturevalue(who))
        assert client.get("/events/side-event/manage/").status_code in (302, 403)

    def test_an_organisers_admin_runs_it(self, login, process):
        admin = make_user("organiser@example.org")
        organisation = make_organisation(admin)
        event = make_event(process)
        services.add_organiser(event, organisation, actor=None)
        assert login(admin).get("/events/side-event/manage/").status_code == 200

    def test_check_in_by_search_and_by_qr(self, login, process, process_secretariat, stakeholder):
        event = make_event(process)
        registration, _ = services.register(event, actor=stakeholder)
        client = login(process_secretariat)
        html = client.get("/events/side-event/manage/", {"q": "rep@"}).content.decode()
        assert "rep@example.org" in html
        client.post(f"/registrations/{registration.pk}/check_in/")
        registration.refresh_from_db()
        assert registration.checked_in_at is not None
        other, _ = services.register(event, actor=make_user("qr@example.org"))
        page = client.get(f"/events/side-event/check-in/{other.token}/")
        assert "qr@example.org" in page.content.decode()
        client.post(f"/events/side-event/check-in/{other.token}/")
        other.refresh_from_db()
        assert other.checked_in_at is not None

    def test_a_participant_cannot_check_themselves_in(self, login, process, stakeholder):
        event = make_event(process)
        registration, _ = services.register(event, actor=stakeholder)
        client = login(stakeholder)
        assert client.post(f"/events/side-event/check-in/{registration.token}/").status_code == 403
        assert client.post(f"/registrations/{registration.pk}/check_in/").status_code == 403

    def test_the_outcome_is_published_with_links(self, client, login, process, process_secretariat):
        make_event(process)
        login(process_secretariat).post(
            "/events/side-event/outcome/",
            {
                "key_messages": "Partnerships **work**.",
                "recommendations": "",
                "links": "Report https://example.org/r.pdf",
            },
        )
        client.logout()
        html = client.get("/events/side-event/").content.decode()
        assert "<strong>work</strong>" in html and 'href="https://example.org/r.pdf"' in html

    def test_a_bad_time_zone_is_refused_on_the_form(self, login, process, process_secretariat):
        data = {
            "title": "T",
            "slug": "t",
            "kind": "workshop",
            "time_zone": "Nowhere/City",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T12:00",
            "audience": "public",
            "organisation_cap": "2",
            "participant_list": "consent",
        }
        response = login(process_secretariat).post(f"/processes/{process.slug}/events/new/", data)
        assert response.status_code == 400
        assert "is not a time zone" in response.content.decode()
        assert not Event.objects.exists()

    def test_the_secretariat_creates_an_event_in_the_venues_time(
        self, login, process, process_secretariat
    ):
        data = {
            "title": "Workshop",
            "slug": "ws",
            "kind": "workshop",
            "time_zone": "Asia/Bangkok",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T12:00",
            "audience": "public",
            "organisation_cap": "2",
            "participant_list": "consent",
            "capacity": "30",
        }
        response = login(process_secretariat).post(f"/processes/{process.slug}/events/new/", data)
        assert response.status_code == 302
        event = Event.objects.get(slug="ws")
        assert event.starts_at.isoformat() == "2030-01-01T03:00:00+00:00"


class TestTheFloor:
    def setup_item(self, process):
        event = make_event(process, kind="formal_session", capacity=None)
        item = services.add_agenda_item(event, actor=None, number="4", title="Draft convention")
        requests = []
        for number, (kind, country) in enumerate(
            [("ngo", "KE"), ("ngo", "BR"), ("academia", "FR")]
        ):
            person = make_user(f"speaker{number}@example.org")
            organisation = make_organisation(
                person, name=f"Org {number}", kind=kind, country=country
            )
            make_application(process, organisation, state="accredited")
            requests.append(
                services.request_floor(
                    item,
                    actor=person,
                    organisation_id=None,
                    spokesperson=f"Person {number}",
                    topic="Safeguards",
                )
            )
        return item, requests

    def test_a_non_accredited_organisation_is_refused_with_the_reason(self, login, process):
        item, _ = self.setup_item(process)
        person = make_user("unaccredited@example.org")
        make_organisation(person, name="Nope", country="US")
        html = login(person).get(f"/agenda-items/{item.pk}/").content.decode()
        assert "Only organisations accredited to this process may ask for the floor" in html

    def test_the_secretariat_sees_why_each_comes_next_and_reorders(
        self, login, process, process_secretariat
    ):
        item, requests = self.setup_item(process)
        client = login(process_secretariat)
        html = client.get(f"/agenda-items/{item.pk}/").content.decode()
        # Academia has not spoken after the first NGO: it comes second, and says why.
        assert html.index("Org 0") < html.index("Org 2") < html.index("Org 1")
        assert "Its constituency has not spoken yet." in html
        client.post(f"/agenda-items/{item.pk}/action/", {"action": "up", "request": requests[1].pk})
        html = client.get(f"/agenda-items/{item.pk}/").content.decode()
        assert html.index("Org 1") < html.index("Org 2")

    def test_the_list_is_public_only_once_published(
        self, client, login, process, process_secretariat
    ):
        item, _ = self.setup_item(process)
        assert "Org 0" not in client.get(f"/agenda-items/{item.pk}/").content.decode()
        login(process_secretariat).post(f"/agenda-items/{item.pk}/action/", {"action": "publish"})
        client.logout()
        assert "Org 0" in client.get(f"/agenda-items/{item.pk}/").content.decode()

    def test_the_chair_marks_statements_given_and_others_cannot(
        self, login, process, process_secretariat, stakeholder
    ):
        item, requests = self.setup_item(process)
        assert (
            login(stakeholder)
            .post(
                f"/agenda-items/{item.pk}/action/", {"action": "given", "request": requests[0].pk}
            )
            .status_code
            == 403
        )
        client = login(process_secretariat)
        html = client.get(f"/agenda-items/{item.pk}/chair/").content.decode()
        assert "Org 0" in html and 'data-seconds="180"' in html
        client.post(
            f"/agenda-items/{item.pk}/action/",
            {
                "action": "given",
                "request": requests[0].pk,
                "next": f"/agenda-items/{item.pk}/chair/",
            },
        )
        requests[0].refresh_from_db()
        assert requests[0].state == "given"
        assert login(stakeholder).get(f"/agenda-items/{item.pk}/chair/").status_code == 403


def test_an_organisation_admin_swaps_a_place_from_the_event_page(login, process):
    admin = make_user("org.admin@example.org")
    organisation = make_organisation(admin)
    event = make_event(process, organisation_cap=1)
    rep1, rep2 = make_user("rep1@example.org"), make_user("rep2@example.org")
    for rep in (rep1, rep2):
        organisation.memberships.create(user=rep)
    holder, _ = services.register(event, actor=rep1, organisation_id=organisation.pk)
    waiting, _ = services.register(event, actor=rep2, organisation_id=organisation.pk)
    client = login(admin)
    assert "Rotation" in client.get("/events/side-event/").content.decode()
    client.post("/events/side-event/swap/", {"holder": holder.pk, "to": waiting.pk})
    waiting.refresh_from_db()
    assert waiting.state == "confirmed"
    outsider = make_user("outsider@example.org")
    response = login(outsider).post(
        "/events/side-event/swap/", {"holder": waiting.pk, "to": holder.pk}
    )
    assert response.status_code == 403


def test_an_invited_event_admits_only_the_list(login, process, process_secretariat):
    event = make_event(process, audience="invited")
    services.set_invitees(event, ["guest@example.org"], actor=None)
    stranger = make_user("stranger@example.org")
    assert login(stranger).post("/events/side-event/register/").status_code == 403
    guest = make_user("guest@example.org")
    login(guest).post("/events/side-event/register/")
    assert event.registrations.get().user == guest


def test_public_representation_hides_small_groups_and_what_would_give_them_away(client, process):
    from events.models import Event
    from events.selectors import representation

    event = make_event(process, capacity=None)
    for number in range(9):
        person = make_user(f"g{number}@example.org")
        person.gender = "woman" if number < 6 else "man"
        person.save()
        services.register(event, actor=person)
    figures = representation(Event.objects.filter(pk=event.pk), public=True)
    gender = figures["participants"]["gender"]["cells"]
    # 3 men read "<5"; 6 women would give them away (9 - 6 = 3), so they are hidden too.
    assert gender == {"woman": "…", "man": "<5"}
    assert representation(Event.objects.filter(pk=event.pk), public=False)["participants"][
        "gender"
    ]["cells"] == {"woman": 6, "man": 3}


def test_cancelling_never_redirects_off_the_site(login, process, stakeholder):
    event = make_event(process)
    mine, _ = services.register(event, actor=stakeholder)
    response = login(stakeholder).post(
        f"/registrations/{mine.pk}/cancel/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/events/side-event/"


def test_an_organisers_admin_does_not_read_protected_names(login, process):
    admin = make_user("organiser@example.org")
    organiser = make_organisation(admin)
    event = make_event(process)
    services.add_organiser(event, organiser, actor=None)
    risky = make_user("risky@example.org")
    risky.display_name, risky.at_risk = "Risky Person", True
    risky.save()
    services.register(event, actor=risky)
    client = login(admin)
    html = client.get("/events/side-event/manage/").content.decode()
    assert "Risky Person" not in html and "risky@example.org" not in html
    assert "name withheld" in html
    # Searching for the name does not confirm that the person registered.
    assert (
        "name withheld"
        not in client.get("/events/side-event/manage/", {"q": "Risky"}).content.decode()
    )
    # Only the secretariat chooses who organises.
    assert 'name="organisers"' not in client.get("/events/side-event/edit/").content.decode()


def test_a_cancelled_event_takes_no_registrations(login, process, stakeholder):
    make_event(process, status="cancelled")
    response = login(stakeholder).post("/events/side-event/register/", {})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_a_larger_room_goes_to_those_waiting(process):
    event = make_event(process, capacity=1)
    first, second = make_user("a@example.org"), make_user("b@example.org")
    services.register(event, actor=first)
    waiting, _ = services.register(event, actor=second)
    assert waiting.state == "waiting"
    services.update_event(event, actor=None, capacity=2)
    waiting.refresh_from_db()
    assert waiting.state == "confirmed"


def test_given_statements_keep_their_place_and_withdrawn_ones_cannot_move(
    login, process, process_secretariat
):
    event = make_event(process, kind="formal_session", capacity=None)
    item = services.add_agenda_item(event, actor=None, number="1", title="Opening")
    requests = []
    for number, kind in enumerate(["ngo", "ngo", "academia"]):
        person = make_user(f"s{number}@example.org")
        organisation = make_organisation(person, name=f"Org {number}", kind=kind, country="KE")
        make_application(process, organisation, state="accredited")
        requests.append(
            services.request_floor(
                item, actor=person, organisation_id=None, spokesperson="X", topic="Y"
            )
        )
    services.mark_given(requests[1], actor=None)
    from events.selectors import speakers_list

    assert speakers_list(item)[0].request == requests[1]
    services.withdraw_floor_request(requests[2], actor=process_secretariat)
    response = login(process_secretariat).post(
        f"/agenda-items/{item.pk}/action/", {"action": "up", "request": requests[2].pk}
    )
    assert response.status_code == 404


def test_targets_across_a_process_are_set_by_its_secretariat(
    client, login, process, process_secretariat, stakeholder
):
    event = make_event(process)
    for number in range(6):
        person = make_user(f"t{number}@example.org")
        person.gender = "woman"
        person.save()
        services.register(event, actor=person)
    url = f"/processes/{process.slug}/events/targets/"
    assert login(stakeholder).post(url, {"targets": "gender woman 50"}).status_code == 403
    login(process_secretariat).post(url, {"targets": "gender woman 50"})
    client.logout()
    html = client.get(f"/processes/{process.slug}/events/").content.decode()
    assert "<td>50%</td>" in html  # the target beside the figure


def test_series_targets_refuse_a_malformed_line(login, process, process_secretariat):
    series = services.create_series(process, actor=None, slug="s", title="Sessions")
    response = login(process_secretariat).post(
        "/series/s/targets/", {"targets": "colour blue 10"}, follow=True
    )
    assert "is not “dimension group percent”" in response.content.decode()
    series.refresh_from_db()
    assert series.targets == {}


class TestWhatTheEventPageSays:
    """The event page tells each visitor what they can do, and why not."""

    def _past(self, process, **overrides):
        from datetime import timedelta

        from django.utils import timezone

        start = timezone.now() - timedelta(days=30)
        fields = {"starts_at": start, "ends_at": start + timedelta(hours=2)}
        return make_event(process, registration_opens_at=None, **{**fields, **overrides})

    def test_a_past_event_offers_no_registration_and_says_why(self, login, process, stakeholder):
        self._past(process)
        html = login(stakeholder).get("/events/side-event/").content.decode()
        assert "registration is closed" in html
        assert 'action="/events/side-event/register/"' not in html

    def test_a_full_event_offers_the_waiting_list_and_the_place_in_it(
        self, login, process, stakeholder
    ):
        event = make_event(process, capacity=1)
        services.register(event, actor=make_user("first@example.org"))
        services.register(event, actor=make_user("second@example.org"))
        page = login(stakeholder).get("/events/side-event/").content.decode()
        assert "Join the waiting list" in page and ">Register<" not in page
        services.register(event, actor=stakeholder)
        page = login(stakeholder).get("/events/side-event/").content.decode()
        assert "You are number 2 on the waiting list" in page

    def test_languages_read_as_names(self, client, process):
        make_event(process, languages=["en", "fr", "zh"])
        html = client.get("/events/side-event/").content.decode()
        assert "English, French, Chinese" in html

    def test_an_ended_session_takes_no_request_for_the_floor(self, login, process):
        event = self._past(process, kind="formal_session", capacity=None)
        item = services.add_agenda_item(event, actor=None, number="1", title="Opening")
        person = make_user("focal@example.org")
        organisation = make_organisation(person, name="Voice")
        make_application(process, organisation, state="accredited")
        html = login(person).get(f"/agenda-items/{item.pk}/").content.decode()
        assert "the floor can no longer be requested" in html
        assert 'name="topic"' not in html

    def test_participants_are_listed_in_the_order_readers_expect(self, client, process):
        event = make_event(process, participant_list="everyone")
        for name in ("Armen Sargsyan", "Zainab Bello", "Aïcha Benali", "Émile Dubois"):
            user = make_user(f"{name.split()[1].lower()}@example.org")
            user.display_name = name
            user.save(update_fields=["display_name"])
            services.register(event, actor=user, consent=True)
        html = client.get("/events/side-event/").content.decode()
        names = ["Aïcha Benali", "Armen Sargsyan", "Émile Dubois", "Zainab Bello"]
        assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)

    def test_speakers_are_left_out_of_the_figures_when_there_are_none(self, client, process):
        event = make_event(process)
        services.register(event, actor=make_user("first@example.org"))
        html = client.get("/events/side-event/").content.decode()
        assert 'id="fig-participants"' in html and 'id="fig-speakers"' not in html

    def test_targets_drawn_as_lines_have_a_legend(self, login, process, process_secretariat):
        event = make_event(process)
        services.set_targets(event, {"gender": {"woman": 50}}, actor=None)
        person = make_user("first@example.org")
        person.gender = "woman"
        person.save(update_fields=["gender"])
        services.register(event, actor=person)
        html = login(process_secretariat).get("/events/side-event/").content.decode()
        assert 'class="chart-target"' in html and 'class="chart-legend"' in html

    def test_charts_are_mirrored_right_to_left(self, client, process):
        event = make_event(process)
        services.register(event, actor=make_user("first@example.org"))
        client.cookies["django_language"] = "ar"
        html = client.get("/events/side-event/").content.decode()
        assert "translate(360 0) scale(-1 1)" in html
