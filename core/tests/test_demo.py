import re

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
