import pytest

from accounts.choices import Role
from accounts.exceptions import InvalidRoleGrant
from accounts.models import ApiToken, RoleGrant
from accounts.selectors import has_role, is_process_staff, staff_process_ids
from accounts.services import (
    authenticate_token,
    create_api_token,
    grant_role,
    revoke_api_token,
    revoke_role,
)
from core.models import AuditEntry
from tests.builders import make_user


@pytest.mark.django_db
def test_tokens_are_stored_hashed_and_shown_once(stakeholder):
    token, raw = create_api_token(stakeholder, actor=stakeholder, name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("cst_")
    assert raw not in (stored.digest, stored.prefix, stored.name)
    assert stored.prefix == raw[:12]
    assert authenticate_token(raw) == stakeholder


@pytest.mark.django_db
def test_a_revoked_or_unknown_token_authenticates_nobody(stakeholder):
    token, raw = create_api_token(stakeholder, actor=stakeholder, name="script")
    revoke_api_token(token, actor=stakeholder)
    assert authenticate_token(raw) is None
    assert authenticate_token("cst_not-a-real-token") is None
    assert authenticate_token("") is None
    assert AuditEntry.objects.filter(action="accounts.token.revoked").count() == 1


@pytest.mark.django_db
def test_a_deactivated_account_cannot_use_its_token(stakeholder):
    _token, raw = create_api_token(stakeholder, actor=stakeholder, name="script")
    stakeholder.is_active = False
    stakeholder.save()
    assert authenticate_token(raw) is None


@pytest.mark.django_db
def test_roles_are_granted_per_process(process, other_process):
    user = make_user("staff@example.org")
    grant_role(user, actor=None, role=Role.SECRETARIAT, process=process)
    user = type(user).objects.get(pk=user.pk)  # fresh object, no cached grants
    assert is_process_staff(user, process)
    assert not is_process_staff(user, other_process)
    assert staff_process_ids(user) == {process.pk}


@pytest.mark.django_db
def test_a_platform_wide_role_covers_every_process(process, other_process, platform_secretariat):
    assert is_process_staff(platform_secretariat, process)
    assert is_process_staff(platform_secretariat, other_process)
    assert staff_process_ids(platform_secretariat) is None


@pytest.mark.django_db
def test_a_delegate_must_name_a_valid_member_state():
    user = make_user("d@example.org")
    with pytest.raises(InvalidRoleGrant):
        grant_role(user, actor=None, role=Role.DELEGATE)
    with pytest.raises(InvalidRoleGrant):
        grant_role(user, actor=None, role=Role.DELEGATE, member_state="XX")
    with pytest.raises(InvalidRoleGrant):
        grant_role(user, actor=None, role=Role.STAKEHOLDER, member_state="US")
    assert not RoleGrant.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_delegates_and_stakeholders_are_not_granted_per_process(process):
    user = make_user("x@example.org")
    with pytest.raises(InvalidRoleGrant, match="whole platform"):
        grant_role(user, actor=None, role=Role.DELEGATE, process=process, member_state="FR")
    with pytest.raises(InvalidRoleGrant, match="whole platform"):
        grant_role(user, actor=None, role=Role.STAKEHOLDER, process=process)


@pytest.mark.django_db
def test_granting_the_same_role_twice_is_refused_cleanly(process):
    user = make_user("s@example.org", role=Role.SECRETARIAT, process=process)
    with pytest.raises(InvalidRoleGrant, match="already holds"):
        grant_role(user, actor=None, role=Role.SECRETARIAT, process=process)
    assert RoleGrant.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_grant_and_revoke_are_audited(process, platform_secretariat):
    user = make_user("m@example.org")
    grant = grant_role(user, actor=platform_secretariat, role=Role.MODERATOR, process=process)
    revoke_role(grant, actor=platform_secretariat)
    actions = list(
        AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert "accounts.role.granted" in actions and "accounts.role.revoked" in actions
    assert not has_role(type(user).objects.get(pk=user.pk), Role.MODERATOR, process)


def test_the_configured_password_hasher_is_argon2():
    import config.settings

    assert config.settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_setting_a_password_revokes_the_accounts_tokens():
    from accounts.services import set_password
    from tests.builders import make_token

    person = make_user("tokens@example.org")
    other = make_user("other@example.org")
    make_token(person)
    make_token(other)
    set_password(person, actor=None, password="another long passphrase 3")
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert ApiToken.objects.filter(user=other, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="accounts.token.revoked_all")
    assert entry.data["because"] == "accounts.password.saved"


@pytest.mark.django_db
def test_a_password_saved_any_other_way_revokes_the_tokens_too():
    from tests.builders import make_token

    person = make_user("orm@example.org")
    make_token(person)
    person.set_password("a passphrase set from the shell 9")
    person.save()
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    # Saving the account without a new password keeps new tokens.
    make_token(person)
    person.first_name = "Renamed"
    person.save()
    assert ApiToken.objects.filter(user=person, revoked_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_token_use_is_kept_to_the_day_and_written_once_a_day(
    stakeholder, django_assert_num_queries
):
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    from tests.builders import make_token

    raw = make_token(stakeholder)
    assert authenticate_token(raw) == stakeholder
    used = ApiToken.objects.get(user=stakeholder).last_used_at
    today = timezone.now().astimezone(UTC).date()
    # Midnight UTC: no time of day to match against an anonymous answer given in that request.
    assert used == datetime(today.year, today.month, today.day, tzinfo=UTC)
    with django_assert_num_queries(1):  # the lookup only: the day is already stored
        assert authenticate_token(raw) == stakeholder
    ApiToken.objects.filter(user=stakeholder).update(last_used_at=used - timedelta(days=3))
    authenticate_token(raw)
    assert ApiToken.objects.get(user=stakeholder).last_used_at == used


@pytest.mark.django_db
def test_the_profile_shows_the_day_a_token_was_last_used(login, stakeholder):
    from datetime import UTC, datetime

    from tests.builders import make_token

    make_token(stakeholder)
    ApiToken.objects.update(last_used_at=datetime(2026, 3, 4, 15, 16, tzinfo=UTC))
    page = login(stakeholder).get("/accounts/profile/").text
    assert "2026-03-04" in page and "15:16" not in page
