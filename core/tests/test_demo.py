import re
import unicodedata

import pytest
from django.core.management import call_command

from accounts.models import RoleGrant, User
from core.audit import find_first_broken
from core.models import Process

DEMO_EMAILS = {
    "secretariat@demo.consulta.org",
    "delegate.us@demo.consulta.org",
    "delegate.do@demo.consulta.org",
    "rep.accessnow@demo.consulta.org",
    "moderator@demo.consulta.org",
}


@pytest.mark.django_db
def test_demo_loads_the_world_and_can_run_twice(capsys):
    call_command("demo", password="pw-for-tests-1")
    call_command("demo", password="pw-for-tests-2")
    assert set(User.objects.values_list("email", flat=True)) >= DEMO_EMAILS
    assert set(Process.objects.values_list("slug", flat=True)) == {
        "ahc-cybercrime",
        "ccpcj-33",
        "cosp-cybercrime",
    }
    assert Process.objects.get(slug="cosp-cybercrime").predecessor.slug == "ahc-cybercrime"
    assert RoleGrant.objects.count() == 5
    from stakeholders.models import Application, Organisation

    assert Organisation.objects.count() == 40
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {
        "draft",
        "submitted",
        "returned",
        "under_review",
        "circulated",
        "objected",
        "accredited",
        "not_accredited",
        "withdrawn",
    }
    assert Organisation.objects.filter(at_risk=True, public_as_region=True).exists()
    assert set(Organisation.objects.values_list("region", flat=True)) >= {
        "african",
        "asia_pacific",
        "eastern_european",
        "grulac",
        "weog",
    }
    assert RoleGrant.objects.get(user__email="delegate.do@demo.consulta.org").member_state == "DO"
    assert User.objects.get(email="moderator@demo.consulta.org").check_password("pw-for-tests-2")
    assert find_first_broken()[1] is None


@pytest.fixture
def demo(db):
    call_command("demo", password="pw-for-tests-1")


def test_a_second_run_gives_every_demo_account_the_new_password(demo):
    call_command("demo", password="pw-for-tests-2")
    accounts = User.objects.filter(email__endswith="@demo.consulta.org")
    assert accounts.count() > 80  # roles, representatives, participants
    assert all(user.check_password("pw-for-tests-2") for user in accounts)


def test_a_second_run_with_the_same_password_changes_nothing(demo):
    from core.models import AuditEntry

    before = AuditEntry.objects.count()
    call_command("demo", password="pw-for-tests-1")
    assert AuditEntry.objects.count() == before


def test_demo_people_have_names_and_addresses_made_from_them(demo):
    people = User.objects.filter(email__endswith="@demo.consulta.org").exclude(
        email__in=DEMO_EMAILS
    )
    for user in people:
        assert not re.search(r"^(Participant|Stakeholder|Delegate) \d+$", user.display_name)
        assert not re.match(r"(participant|delegate)\d+@", user.email)
    generated = people.exclude(email__startswith="rep.")
    assert generated.count() >= 70
    for user in generated:
        plain = unicodedata.normalize("NFKD", user.display_name).encode("ascii", "ignore")
        given, *_middle, family = plain.decode().lower().replace("'", "").split()
        local = user.email.split("@")[0]
        assert local.startswith(given) and local.endswith(family), user.email


def test_the_committees_accreditations_fit_its_lifetime(demo):
    from stakeholders.models import Application

    decided = Application.objects.filter(process__slug="ahc-cybercrime", state="accredited")
    assert decided.count() >= 8
    for application in decided:
        assert 2021 <= application.decided_at.year <= 2024
        if application.deadline is not None:
            assert application.decided_at.date() > application.deadline
    # What is still under way belongs to the process that is active.
    pending = Application.objects.exclude(state__in=["accredited", "not_accredited", "withdrawn"])
    assert set(pending.values_list("process__slug", flat=True)) == {"cosp-cybercrime"}


def test_consultations_are_dated_as_they_say(demo):
    from consultations.models import Consultation, Response

    needs = Consultation.objects.get(slug="capacity-needs-2024")
    assert needs.opens_at.year == needs.closes_at.year == 2024
    assert needs.responses.filter(submitted_at__year=2024).count() == needs.responses.count()
    assert not Consultation.objects.filter(status="open", process__status="concluded").exists()
    texts = " ".join(str(answers) for answers in Response.objects.values_list("answers", flat=True))
    assert "HYPERLINK" not in texts and "respondent" not in texts


def test_events_have_topics_and_one_ahead_has_places_for_a_newcomer(demo, client):
    from django.utils import timezone

    from events.models import Event
    from tests.builders import make_user

    assert not Event.objects.filter(topics__isnull=True).exists()
    ahead = [
        e
        for e in Event.objects.filter(starts_at__gt=timezone.now())
        if e.capacity is None or e.registrations.filter(state="confirmed").count() < e.capacity
    ]
    assert ahead
    newcomer = make_user("newcomer@example.org")
    from events import services

    registration, created = services.register(ahead[0], actor=newcomer)
    assert created and registration.state == "confirmed"


@pytest.mark.django_db
def test_demo_prints_a_random_password_when_none_is_given(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    password = re.search(r"password: (\S+)", out).group(1)
    assert len(password) >= 12
    assert User.objects.get(email="secretariat@demo.consulta.org").check_password(password)


@pytest.mark.django_db
def test_demo_refuses_a_production_site_unless_forced(settings):
    from django.core.management.base import CommandError

    settings.DEMO = False
    with pytest.raises(CommandError, match="production"):
        call_command("demo")
    assert not User.objects.exists()
