"""The accreditation page offers to apply only to those who may: people of an organisation."""

import pytest

from tests.builders import make_organisation, make_user

pytestmark = pytest.mark.django_db

APPLY = "/applications/new/"


def page(client, process):
    return client.get(f"/processes/{process.slug}/accreditation/").content.decode()


def test_a_member_of_an_organisation_is_offered_to_apply(login, process):
    member = make_user("member@example.org")
    make_organisation(member, name="Open Net Watch")
    make_organisation(member, name="Second Watch", country="GH")
    html = page(login(member), process)
    assert html.count(f"/processes/{process.slug}{APPLY}") == 1


@pytest.mark.parametrize("who", ["process_secretariat", "delegate", "stakeholder"])
def test_those_who_cannot_apply_are_not_offered_to(login, process, who, request):
    html = page(login(request.getfixturevalue(who)), process)
    assert APPLY not in html


def test_visitors_are_not_offered_to_apply(client, process):
    assert APPLY not in page(client, process)
