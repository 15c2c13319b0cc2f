"""Nothing lost through a database restart (issue 11): responses keep arriving, each retried
with its instance_id until acknowledged, while a private PostgreSQL cluster is stopped and
started again under gunicorn; afterwards every acknowledged response is stored exactly once
and the tallies agree with the stored responses. The figures are in bench/restart.py.

It runs the same on SQLite and PostgreSQL suites: the cluster is its own, never the machine's.
"""

import os
import shutil

import pytest

from tests import restart

SENDS = 150


@pytest.fixture(scope="module")
def outcome() -> restart.Outcome:
    if restart.server_binaries() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.getuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root, and runuser (to run PostgreSQL as postgres) is missing")
    return restart.run(SENDS, threads=4, mode="fast", down_s=1.0, give_up_s=45, durable=False)


def test_the_restart_was_seen_by_the_client(outcome):
    # Without this the other tests would pass on a run where nothing was restarted.
    assert outcome.sends_that_saw_the_outage >= 1
    assert outcome.failures


def test_every_response_is_acknowledged_once_the_database_is_back(outcome):
    assert outcome.given_up == 0, outcome.statuses


def test_every_acknowledged_response_is_stored_exactly_once(outcome):
    assert outcome.lost == []
    assert outcome.duplicates == 0
    assert outcome.stored == len(outcome.acknowledged) == SENDS
    assert outcome.stored_unacknowledged == 0


def test_the_tallies_agree_with_the_stored_responses(outcome):
    assert outcome.tallies_agree() == []
    assert outcome.check["tallies"]["="] == outcome.stored


def test_the_outage_is_answered_with_a_503_in_the_api_error_shape(outcome):
    # 0 is a connection dropped or refused (gunicorn had nothing to answer with); any answer
    # given must tell the client to send again, in the one error shape, and log no traceback.
    answered = [a for a in outcome.failures if a.status]
    assert {a.status for a in answered} <= {503}, outcome.statuses
    assert all(a.error_shaped for a in answered)
    assert "Traceback" not in outcome.server_log
