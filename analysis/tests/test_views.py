import csv
import io

import pytest
from django.test import Client

from analysis.models import Participant, Vote
from analysis.participation import cookie_name
from tests.builders import make_deliberation, make_process, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliberation():
    return make_deliberation(make_process())


def test_voting_works_without_javascript_and_keeps_the_participant(deliberation):
    client = Client()
    page = client.get(f"/deliberations/{deliberation.slug}/")
    assert 'name="vote" value="agree"' in page.content.decode()
    answer = client.post(
        f"/deliberations/{deliberation.slug}/vote/", {"statement": 0, "vote": "agree"}
    )
    assert answer.status_code == 302
    assert cookie_name(deliberation) in answer.cookies
    client.post(f"/deliberations/{deliberation.slug}/vote/", {"statement": 1, "vote": "pass"})
    assert Participant.objects.count() == 1
    assert sorted(Vote.objects.values_list("value", flat=True)) == [0, 1]
    page = client.get(f"/deliberations/{deliberation.slug}/").content.decode()
    assert "Small businesses need free incident response." in page  # the next one


@pytest.mark.parametrize(
    "data",
    [{"statement": 0, "vote": "maybe"}, {"statement": "x"}, {"statement": 99, "vote": "agree"}],
)
def test_bad_votes_come_back_with_a_message_and_store_nothing(deliberation, data):
    client = Client()
    answer = client.post(f"/deliberations/{deliberation.slug}/vote/", data, follow=True)
    assert answer.status_code == 200
    assert not Vote.objects.exists()


def test_the_opinion_map_and_the_export(deliberation, django_capture_on_commit_callbacks):
    import random

    rng = random.Random(3)
    for n in range(24):
        client = Client()
        for number in range(3):
            side = "agree" if n % 2 else "disagree"
            vote = side if number < 2 else rng.choice(["agree", "disagree", "pass"])
            client.post(
                f"/deliberations/{deliberation.slug}/vote/", {"statement": number, "vote": vote}
            )
    with django_capture_on_commit_callbacks(execute=True):  # the task, inline
        Client().get(f"/deliberations/{deliberation.slug}/map/")
    page = Client().get(f"/deliberations/{deliberation.slug}/map/").content.decode()
    assert "<svg" in page and "<table>" in page and "Group A" in page
    staff = make_user("staff@example.org", role="secretariat")
    client = Client()
    client.force_login(staff)
    body = client.get(f"/deliberations/{deliberation.slug}/export/participants-votes.csv")
    rows = list(csv.reader(io.StringIO(body.content.decode())))
    assert rows[0][:6] == [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
    ]
    assert rows[0][6:] == ["0", "1", "2"]
    assert len(rows) == 25 and {r[1] for r in rows[1:]} >= {"0", "1"}
    votes = client.get(f"/deliberations/{deliberation.slug}/export/votes.csv").content.decode()
    assert votes.splitlines()[0] == "timestamp,datetime,comment-id,voter-id,vote"
    assert len(votes.splitlines()) == 1 + 72


def test_api_votes_are_idempotent_and_refusals_share_the_error_shape(deliberation):
    person = make_user("api.voter@example.org")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {make_token(person)}")
    url = f"/api/v1/deliberations/{deliberation.slug}/votes"
    first = client.post(url, {"statement": 0, "vote": "agree"}, content_type="application/json")
    assert first.status_code == 201
    token = first.json()["participant_token"]
    again = client.post(
        url,
        {"statement": 0, "vote": "agree", "participant_token": token},
        content_type="application/json",
    )
    assert again.status_code == 200 and again.json()["changed"] is False
    lost = client.post(url, {"statement": 1, "vote": "agree"}, content_type="application/json")
    assert lost.status_code == 409 and "detail" in lost.json()
    bad = client.post(url, {"statement": 0, "vote": "yes"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "vote"
    missing = client.post(
        url,
        {"statement": 42, "vote": "agree", "participant_token": token},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert Vote.objects.count() == 1
