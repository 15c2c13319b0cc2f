"""Test set-up shared by every app: demo-mode settings, fast hashing, and people in each role."""

import pytest

from tests import builders


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Argon2 is deliberately slow; the suite checks the configured hasher separately.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    from core.caches import clear_process_caches

    cache.clear()
    # Forms, consultations and page versions remembered by an earlier test's database.
    clear_process_caches()


@pytest.fixture
def process(db):
    return builders.make_process(slug="ahc-test", status="active")


@pytest.fixture
def other_process(db):
    return builders.make_process(slug="other-test", name="Another process", status="active")


@pytest.fixture
def draft_process(db):
    return builders.make_process(slug="draft-test", name="A draft process", status="draft")


@pytest.fixture
def platform_secretariat(db):
    return builders.make_user("secretariat@example.org", role="secretariat")


@pytest.fixture
def process_secretariat(process):
    return builders.make_user("staff@example.org", role="secretariat", process=process)


@pytest.fixture
def other_secretariat(other_process):
    return builders.make_user("other.staff@example.org", role="secretariat", process=other_process)


@pytest.fixture
def delegate(db):
    return builders.make_user("delegate@example.org", role="delegate", member_state="US")


@pytest.fixture
def stakeholder(db):
    return builders.make_user("rep@example.org", role="stakeholder")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
