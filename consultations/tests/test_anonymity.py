"""The attacker's view of an anonymous consultation: someone holding the whole database (and, on
SQLite, its files) and every key tries to tie each anonymous response to the person who sent it.

Twenty signed-in people answer in a known order, half through the API with a token, half through
the page. The attacker knows who each participation row is (the worst case: it holds the
participation key too) and tries every join the README's threat model names: by time against
tokens, sessions and audit entries, and by the order of rows (ids, SQLite's rowid, PostgreSQL's
ctid and xmin) between participations and responses. A join "works" if it names the right person
for many responses; by chance it names about one of twenty.
"""

import hmac
import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection
from django.test import Client

from accounts.models import ApiToken
from consultations import counting, services, submission
from consultations.exceptions import DraftsNotKept
from consultations.models import Draft, Participation, Response
from core.models import AuditEntry
from tests.builders import GOOD_ANSWERS, make_consultation, make_token, make_user

PEOPLE = 20
# Chance alone names the right person for one response in twenty on average; five or more
# happens by chance about once in a thousand runs... of a wholly random order. The landed code
# let every join name all twenty.
CHANCE = 5

pytestmark = pytest.mark.django_db(transaction=True)


def _answer(consultation, person, number, token=None):
    answers = {**GOOD_ANSWERS, "comment": f"answer number {number}"}
    if token is not None:
        reply = Client().post(
            f"/api/v1/consultations/{consultation.slug}/responses",
            data=json.dumps({"instance_id": str(uuid.uuid4()), "answers": answers}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert reply.status_code == 201, reply.content
        return
    browser = Client()
    browser.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    page = {
        "_state": "{}",
        "_page": "0",
        "_action": "submit",
        "sector": answers["sector"],
        "staff": str(answers["staff"]),
        "topics": answers["topics"],
        "project.count": "1",
        "project[1].project_name": answers["project"][0]["project_name"],
        "comment": answers["comment"],
    }
    reply = browser.post(f"/consultations/{consultation.slug}/", page)
    assert reply.status_code == 200 and b"receipt-code" in reply.content


@pytest.fixture
def answered(process):
    """The consultation, and who sent which response (known to the test, not the attacker)."""
    consultation = make_consultation(process, identity="anonymous", slug="quiet-survey")
    people = [make_user(f"person{n:02d}@example.org") for n in range(PEOPLE)]
    tokens = {p.pk: make_token(p) for p in people[::2]}
    # A draft left from before drafts stopped being kept in anonymous consultations.
    Draft.objects.create(
        consultation=consultation, respondent=people[1], answers={"comment": "DRAFT-SECRET-1"}
    )
    audit_before = AuditEntry.objects.count()
    for number, person in enumerate(people):
        _answer(consultation, person, number, tokens.get(person.pk))
    # What the scheduler does every minute (README, "Threat model").
    counting.count_responses(consultation)
    truth = {}
    for response in Response.objects.filter(consultation=consultation):
        number = int(response.answers["comment"].rsplit(" ", 1)[1])
        truth[response.pk] = people[number].pk
    return consultation, people, truth, audit_before


def _digest(consultation, user_pk):
    key = settings.PARTICIPATION_KEY.encode()
    return hmac.new(key, f"answered:{consultation.pk}:{user_pk}".encode(), "sha256").hexdigest()


def _orders(table, pk="id"):
    """Every order of the table's rows an attacker can read: by key, by rowid (SQLite), by
    physical position and by writing transaction (PostgreSQL)."""
    columns = {"key": pk}
    if connection.vendor == "sqlite":
        columns["rowid"] = "rowid"
    else:
        columns["ctid"] = "ctid"
        columns["xmin"] = "xmin::text::bigint"
    orders = {}
    for name, column in columns.items():
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk} FROM {table} ORDER BY {column}")  # noqa: S608
                orders[name] = [row[0] for row in cursor.fetchall()]
        except DatabaseError:  # noqa: S112  (a table without a rowid has no such order to give)
            continue
    return orders


def _hits(guess, truth):
    return sum(1 for response, person in guess.items() if truth.get(response) == person)


def test_the_order_of_participations_does_not_give_the_order_of_responses(answered):
    consultation, people, truth, _ = answered
    by_digest = {_digest(consultation, p.pk): p.pk for p in people}
    participation_orders = _orders(Participation._meta.db_table)
    response_orders = _orders(Response._meta.db_table)
    digests = dict(Participation.objects.values_list("id", "digest"))
    best = 0
    for p_name, p_order in participation_orders.items():
        who = [by_digest[digests[uuid.UUID(str(pk))]] for pk in p_order]
        for r_name, r_order in response_orders.items():
            for direction in (1, -1):
                guess = dict(zip(r_order, who[::direction], strict=True))
                hits = _hits(guess, truth)
                best = max(best, hits)
                assert hits < CHANCE, (p_name, r_name, direction, hits)
    assert best < CHANCE


def test_no_time_stored_with_a_response_matches_a_person(answered):
    consultation, people, truth, audit_before = answered
    responses = list(Response.objects.filter(consultation=consultation))
    for response in responses:
        moment = response.submitted_at
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    # Tokens: the attacker pairs each response with the token used closest to it.
    used = list(ApiToken.objects.values_list("user_id", "last_used_at"))
    assert all(at is not None for _, at in used)
    guess = {r.pk: min(used, key=lambda u: abs(u[1] - r.submitted_at))[0] for r in responses}
    assert _hits(guess, truth) < CHANCE
    assert len({at for _, at in used}) == 1  # one day, no time of day
    # Sessions: none was written while the answers came in.
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    written = [s.expire_date - age for s in Session.objects.all()]
    assert all(abs(w - r.submitted_at) > timedelta(seconds=1) for w in written for r in responses)
    # Audit: answering an anonymous consultation writes no entry at all.
    assert AuditEntry.objects.count() == audit_before


def test_drafts_are_not_kept_and_nothing_names_the_respondent(answered):
    consultation, people, truth, _ = answered
    assert not Draft.objects.filter(consultation=consultation).exists()
    assert set(Response.objects.values_list("respondent", "organisation").distinct()) == {
        (None, None)
    }
    with pytest.raises(DraftsNotKept):
        services.save_draft(consultation, actor=make_user("late@example.org"), answers={})


SCRIPT = """
import json, uuid
from pathlib import Path
from django.conf import settings
from consultations import submission
from consultations.models import Draft
from tests.builders import GOOD_ANSWERS, make_consultation, make_process, make_user
process = make_process(slug="file-test", status="active")
consultation = make_consultation(process, identity="anonymous", slug="file-survey")
person = make_user("walker@example.org")
Draft.objects.create(consultation=consultation, respondent=person,
                     answers={"comment": "DRAFT-IN-THE-FILE"})
submission.submit_response(consultation, actor=person, instance_id=uuid.uuid4(),
                         answers={**GOOD_ANSWERS, "comment": "ANSWER-IN-THE-FILE"}, language="en")
print(json.dumps({"db": str(settings.DATABASES["default"]["NAME"])}))
"""


def test_the_sqlite_files_keep_no_deleted_draft_and_no_write_order(tmp_path):
    """The files themselves: after an anonymous answer the write-ahead log is empty, and the
    deleted draft is gone from the database file (secure_delete)."""
    if connection.vendor != "sqlite":
        pytest.skip("the files of an SQLite database")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    env.update({"CONSULTA_DEMO": "1", "CONSULTA_VAR_DIR": str(tmp_path)})

    def consulta(*args):
        return subprocess.run(
            [sys.executable, "-c", "from config.manage import main; main()", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout

    consulta("migrate", "--no-input")
    out = consulta("shell", "-c", SCRIPT)
    database = Path(json.loads(out.strip().splitlines()[-1])["db"])
    wal = database.with_name(database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    content = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"DRAFT-IN-THE-FILE" not in content
    assert b"ANSWER-IN-THE-FILE" in content  # the response itself is there, as it should be
    # The participation table is stored by its random key, not in the order rows came.
    schema = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sqlite3; print(sqlite3.connect({str(database)!r})"
            ".execute(\"SELECT sql FROM sqlite_master WHERE name='consultations_participation'\")"
            ".fetchone()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "WITHOUT ROWID" in schema


def test_a_receipt_code_never_travels_in_an_address(client, process):
    consultation = make_consultation(process, identity="anonymous", slug="quiet-survey")
    response = submission.submit_response(
        consultation,
        actor=make_user("someone@example.org"),
        instance_id=uuid.uuid4(),
        answers=GOOD_ANSWERS,
        language="en",
    )[0]
    url = f"/consultations/{consultation.slug}/receipt/"
    received = "A response with this receipt code was received"
    # A GET with a code looks nothing up.
    assert received not in client.get(f"{url}?code={response.reference}").content.decode()
    found = client.post(url, {"code": response.reference})
    assert found.status_code == 200
    assert received in found.content.decode()
    assert client.post(url, {"code": "AAAA-BBBB-CCCC"}).status_code == 404


def test_a_random_id_already_taken_is_drawn_again(process, monkeypatch):
    consultation = make_consultation(process, identity="anonymous", slug="quiet-survey")
    first = submission.submit_response(
        consultation,
        actor=make_user("a@example.org"),
        instance_id=uuid.uuid4(),
        answers=GOOD_ANSWERS,
        language="en",
    )[0]
    draws = iter([first.pk, 12345])
    monkeypatch.setattr(submission, "_unordered_id", lambda: next(draws))
    second = submission.submit_response(
        consultation,
        actor=make_user("b@example.org"),
        instance_id=uuid.uuid4(),
        answers=GOOD_ANSWERS,
        language="en",
    )[0]
    assert second.pk == 12345 and Response.objects.count() == 2
    assert 0 < first.pk < 2**53  # exact in a spreadsheet and in JavaScript
