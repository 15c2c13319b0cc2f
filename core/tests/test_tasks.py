import pytest
from django.db import connection

from core.models import AuditEntry
from core.tasks import enqueue_on_commit, verify_audit_chain
from tests.builders import make_process


@pytest.mark.django_db
def test_verify_task_reports_an_intact_chain():
    make_process(slug="one")
    entry = AuditEntry.objects.get()
    assert verify_audit_chain.delay().get() == {
        "checked": 1,
        "broken_seq": None,
        "anchor": f"1:{entry.hash}",
    }


@pytest.mark.django_db
def test_verify_task_reports_a_deleted_head(caplog):
    make_process(slug="one")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_audithead")
    assert verify_audit_chain.delay().get()["broken_seq"] == 2
    assert "the head of the log is missing" in caplog.text


@pytest.mark.django_db
def test_verify_task_reports_tampering(caplog):
    make_process(slug="one")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'x'")
    assert verify_audit_chain.delay().get()["broken_seq"] == 1
    assert "audit chain broken at entry 1" in caplog.text


@pytest.mark.django_db
def test_tasks_are_queued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    make_process(slug="one")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(verify_audit_chain)
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_does_not_break_sign_up(client, settings, caplog):
    settings.EMAIL_BACKEND = "core.tests.failing_mail.Backend"
    from accounts.models import User

    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "correct horse battery 9",
            "password2": "correct horse battery 9",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.org").exists()
    assert "could not be queued or failed inline" in caplog.text


def test_every_task_on_the_beat_schedule_is_a_registered_task():
    from django.conf import settings

    from config import celery_app

    celery_app.loader.import_default_modules()
    missing = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in celery_app.tasks
    ]
    assert missing == []
    assert "consultations.tasks.discard_unclaimed_files" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
