import pytest
from django.contrib.auth.models import AnonymousUser

from analysis import services
from analysis.exceptions import (
    AlreadyJoined,
    InvalidStatement,
    InvalidVote,
    NotInAudience,
    NotOpen,
    SignInRequired,
    StatementNotVotable,
    UnknownStatement,
)
from analysis.models import Joined, Participant, Statement, Vote
from analysis.participation import token_digest
from tests.access import audited
from tests.builders import make_deliberation, make_process, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def process():
    return make_process()


@pytest.fixture
def deliberation(process):
    return make_deliberation(process)


def vote(deliberation, actor=None, number=0, value=1, token=""):
    return services.cast_vote(
        deliberation,
        actor=actor or AnonymousUser(),
        statement_number=number,
        value=value,
        token=token,
    )


def test_creating_a_deliberation_is_audited_and_seeds_are_accepted(process):
    with audited("analysis.deliberation.created"):
        deliberation = make_deliberation(process, slug="other", status="draft")
    assert list(deliberation.statements.values_list("number", "status")) == [
        (0, "accepted"),
        (1, "accepted"),
        (2, "accepted"),
    ]


def test_the_same_vote_twice_changes_nothing_and_another_replaces_it(deliberation):
    first, changed, token = vote(deliberation)
    assert changed and token
    again, changed_again, same_token = vote(deliberation, token=token)
    assert (again.pk, changed_again, same_token) == (first.pk, False, token)
    _vote, changed, _token = vote(deliberation, token=token, value=-1)
    assert changed
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]


def test_an_anonymous_deliberation_stores_no_link_to_the_person(deliberation):
    person = make_user("voter@example.org")
    _vote, _changed, token = vote(deliberation, actor=person)
    participant = Participant.objects.get()
    assert participant.user_id is None
    assert participant.token_digest == token_digest(token)
    joined = Joined.objects.get()
    # Nothing in either row points at the other, nor at the account.
    assert {f.name for f in Joined._meta.concrete_fields} == {"id", "deliberation", "digest"}
    assert joined.digest != participant.token_digest
    assert Vote.objects.get().modified.hour == 0  # to the day


def test_a_person_joins_an_anonymous_deliberation_once(deliberation):
    person = make_user("voter@example.org")
    vote(deliberation, actor=person)
    with pytest.raises(AlreadyJoined):
        vote(deliberation, actor=person, number=1)
    assert Vote.objects.count() == 1


def test_a_confidential_deliberation_keeps_the_account(process):
    deliberation = make_deliberation(process, slug="conf", identity="confidential")
    person = make_user("voter@example.org")
    vote(deliberation, actor=person)
    vote(deliberation, actor=person, number=1)
    assert Participant.objects.get().user == person
    with pytest.raises(SignInRequired):
        vote(deliberation)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"value": 2}, InvalidVote),
        ({"value": True}, InvalidVote),
        ({"number": 99}, UnknownStatement),
    ],
)
def test_bad_votes_are_refused_and_nothing_is_stored(deliberation, kwargs, error):
    with pytest.raises(error):
        vote(deliberation, **kwargs)
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_votes_on_a_closed_deliberation_are_refused(process):
    deliberation = make_deliberation(process, slug="closed", status="closed")
    with pytest.raises(NotOpen):
        vote(deliberation)
    assert not Participant.objects.exists()


def test_votes_on_a_moderated_out_or_pending_statement_are_refused(deliberation):
    staff = make_user("staff@example.org", role="secretariat")
    statement = deliberation.statements.get(number=1)
    services.moderate_statement(statement, actor=staff, status="rejected")
    written, token = services.submit_statement(
        deliberation, actor=AnonymousUser(), text="New idea here."
    )
    for number in (1, written.number):
        with pytest.raises(StatementNotVotable):
            vote(deliberation, number=number, token=token)
    assert not Vote.objects.exists()


def test_an_invited_deliberation_refuses_others(process):
    deliberation = make_deliberation(process, slug="inv", audience="invited")
    with pytest.raises(NotInAudience):
        vote(deliberation, actor=make_user("stranger@example.org"))
    deliberation.invitees.create(email="friend@example.org")
    vote(deliberation, actor=make_user("friend@example.org"))


def test_statements_wait_for_moderation_and_duplicates_are_refused(deliberation):
    statement, _token = services.submit_statement(
        deliberation, actor=AnonymousUser(), text="  Victims   need one place to report. "
    )
    assert (statement.number, statement.status, statement.text) == (
        3,
        "pending",
        "Victims need one place to report.",
    )
    with pytest.raises(InvalidStatement):
        services.submit_statement(deliberation, actor=AnonymousUser(), text="x" * 501)
    with pytest.raises(Exception, match="already"):
        services.submit_statement(
            deliberation, actor=AnonymousUser(), text="partnerships need independent oversight."
        )
    assert Statement.objects.count() == 4


def test_the_opinion_map_is_computed_from_the_votes(
    deliberation, django_capture_on_commit_callbacks
):
    import random

    rng = random.Random(1)
    for n in range(30):
        token = ""
        for number in range(3):
            side = 1 if n % 2 else -1
            value = side if number < 2 else rng.choice([1, -1])
            _v, _c, token = vote(deliberation, number=number, value=value, token=token)
    with django_capture_on_commit_callbacks(execute=True):
        found = services.request_opinion_map(deliberation)
    found.refresh_from_db()
    assert found.is_current
    assert found.result["k"] >= 2
    assert sum(g["size"] for g in found.result["groups"]) == found.result["in_conversation"] == 30
    vote(deliberation, number=0, value=1)
    found.refresh_from_db()
    assert not found.is_current
