import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import ApiToken, RoleGrant
from accounts.services import authenticate_token


@pytest.mark.django_db
def test_create_token_prints_a_working_token_once(capsys, stakeholder):
    call_command("create_token", stakeholder.email)
    raw = capsys.readouterr().out.strip()
    assert authenticate_token(raw) == stakeholder
    assert ApiToken.objects.filter(user=stakeholder).count() == 1


@pytest.mark.django_db
def test_create_token_for_an_unknown_email_fails_clearly():
    with pytest.raises(CommandError, match="No account uses"):
        call_command("create_token", "nobody@example.org")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_grant_role_bootstraps_a_secretariat(stakeholder, process):
    call_command("grant_role", stakeholder.email, "secretariat", "--process", process.slug)
    assert RoleGrant.objects.filter(user=stakeholder, role="secretariat", process=process).exists()
    with pytest.raises(CommandError, match="already holds"):
        call_command("grant_role", stakeholder.email, "secretariat", "--process", process.slug)
    with pytest.raises(CommandError, match="No process"):
        call_command("grant_role", stakeholder.email, "moderator", "--process", "nope")


@pytest.mark.django_db
def test_changepassword_revokes_the_accounts_tokens(monkeypatch, stakeholder):
    from django.contrib.auth.management.commands import changepassword

    from tests.builders import make_token

    make_token(stakeholder)
    monkeypatch.setattr(
        changepassword.getpass, "getpass", lambda *a, **k: "a fresh long passphrase 7"
    )
    call_command("changepassword", stakeholder.get_username())
    assert not ApiToken.objects.filter(user=stakeholder, revoked_at__isnull=True).exists()
