"""Registration, cancellation and promotion from the waiting list by two people in two
browsers, a speakers list run from the chair's view, and an organiser's administrator finding
the draft they prepare; axe-core checks every page."""

import re

import pytest
from playwright.sync_api import expect

from events import services
from tests.builders import (
    PASSWORD,
    make_application,
    make_event,
    make_organisation,
    make_process,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/profile/"))
    return page


def state(page):
    return page.locator("[data-registration-state]").get_attribute("data-registration-state")


def test_register_cancel_and_the_waiting_list_moves_up(
    browser, live_server, assert_accessible, tmp_path
):
    process = make_process(slug="cosp", name="Conference")
    make_event(
        process, capacity=1, questions=[{"name": "q1", "label": "Your interest", "required": True}]
    )
    first = make_user("first@example.org")
    second = make_user("second@example.org")
    one = signed_in(browser, live_server, first.email)
    one.goto("/events/side-event/")
    assert_accessible(one)
    one.click("button:has-text('Register')")
    assert one.locator(".error-summary").is_visible()  # the required question
    one.fill("#id_answer_q1", "Partnerships")
    one.check("#id_consent")
    one.click("button:has-text('Register')")
    assert state(one) == "confirmed"
    assert one.locator("img.qr").is_visible()
    two = signed_in(browser, live_server, second.email)
    two.goto("/events/side-event/")
    two.fill("#id_answer_q1", "Evidence")
    two.click("button:has-text('Join the waiting list')")  # the one place is taken
    assert state(two) == "waiting"
    assert "waiting list" in two.locator(".messages").inner_text()
    assert "number 1 on the waiting list" in two.locator("[data-registration-state]").inner_text()
    assert_accessible(two)
    one.click("button:has-text('Cancel my registration')")
    two.reload()
    assert state(two) == "confirmed"  # promoted
    two.screenshot(path=str(tmp_path / "promoted.png"), full_page=True)
    assert_accessible(two)


def test_a_speakers_list_from_request_to_the_chairs_view(browser, live_server, assert_accessible):
    process = make_process(slug="ahc", name="Ad Hoc Committee")
    event = make_event(process, kind="formal_session", capacity=None)
    item = services.add_agenda_item(event, actor=None, number="4", title="Draft convention")
    staff = make_user("chair@example.org", role="secretariat", process=process)
    speakers = []
    for number, (kind, country) in enumerate([("ngo", "KE"), ("private", "US")]):
        person = make_user(f"focal{number}@example.org")
        organisation = make_organisation(person, name=f"Voice {number}", kind=kind, country=country)
        make_application(process, organisation, state="accredited")
        speakers.append(person)
    asker = signed_in(browser, live_server, speakers[0].email)
    asker.goto(f"/agenda-items/{item.pk}/")
    asker.fill("#id_spokesperson", "Amina Diallo")
    asker.fill("#id_topic", "Safeguards for procedural powers")
    asker.click("button:has-text('Ask for the floor')")
    assert "recorded" in asker.locator(".messages").inner_text()
    assert_accessible(asker)
    services.request_floor(
        item, actor=speakers[1], organisation_id=None, spokesperson="Bob Lee", topic="Data access"
    )
    chair = signed_in(browser, live_server, staff.email)
    chair.goto(f"/agenda-items/{item.pk}/")
    assert chair.locator(".speakers-list li").count() == 2
    assert_accessible(chair)
    chair.click("text=Chair's view")
    assert "Voice 0" in chair.locator(".chair-now").inner_text()
    chair.click("[data-countdown-start]")
    expect(chair.locator(".countdown-value")).not_to_have_text("3:00", timeout=5000)
    assert_accessible(chair)
    chair.click("button:has-text('Statement given')")
    assert "Voice 1" in chair.locator(".chair-now").inner_text()
    chair.click("button:has-text('Statement given')")
    assert "Every statement" in chair.locator("main").inner_text()


def test_an_organisers_admin_prepares_their_draft_event(browser, live_server, assert_accessible):
    process = make_process(slug="cosp", name="Conference")
    admin = make_user("organiser@example.org")
    organisation = make_organisation(admin, name="Organising Network", country="FR")
    event = make_event(process, status="draft", title="A side event in preparation")
    services.add_organiser(event, organisation, actor=None)
    page = signed_in(browser, live_server, admin.email)
    page.goto("/events/")
    page.click("text=A side event in preparation")
    page.wait_for_url(re.compile(r"/events/side-event/$"))
    assert_accessible(page)
    page.click("text=Run this event")
    page.wait_for_url(re.compile(r"/events/side-event/manage/$"))
    assert_accessible(page)
