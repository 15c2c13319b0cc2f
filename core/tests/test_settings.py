"""Settings come from the environment: production refuses to start without a key, and passes
Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run_consulta(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "CONSULTA_DEMO",
            "DEBUG",
            "SECRET_KEY",
            "PARTICIPATION_KEY",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", "from config.manage import main; main()", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_stops_with_a_clear_message(tmp_path):
    result = run_consulta("check", env={"CONSULTA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = run_consulta(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": "x7-" + "k" * 60 + "-production-grade-secret",
            "PARTICIPATION_KEY": "p9-" + "q" * 60 + "-kept-apart",
            "ALLOWED_HOSTS": "consulta.example.org",
            "CONSULTA_VAR_DIR": str(tmp_path),
            "EMAIL_URL": "smtp+tls://consulta:secret@smtp.example.org:587",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_checklist_warns_when_mail_would_go_to_the_log(tmp_path):
    env = {
        "SECRET_KEY": "x7-" + "k" * 60 + "-production-grade-secret",
        "PARTICIPATION_KEY": "p9-" + "q" * 60 + "-kept-apart",
        "ALLOWED_HOSTS": "consulta.example.org",
        "CONSULTA_VAR_DIR": str(tmp_path),
    }
    result = run_consulta("check", "--deploy", env=env)
    assert "consulta.W001" in result.stdout + result.stderr


def test_production_without_a_participation_key_stops_with_a_clear_message(tmp_path):
    env = {"SECRET_KEY": "x7-" + "k" * 60 + "-production-grade-secret"}
    result = run_consulta("check", env={**env, "CONSULTA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "PARTICIPATION_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_a_sqlite_file_database_opens_in_wal_mode_with_immediate_transactions(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(config, alias="wal-check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            # Deleted rows (drafts) are overwritten, not left readable in free pages.
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_tasks_run_inline_without_a_broker():
    assert settings.CELERY_BROKER_URL == "memory://localhost/"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
