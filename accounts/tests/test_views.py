import re

import pytest
from django.urls import reverse

from accounts.models import ApiToken, RoleGrant, User
from core.models import AuditEntry
from tests.builders import PASSWORD, make_token, make_user

# Sign-up, verification, login, lock-out, reset ---------------------------------------------------


@pytest.mark.django_db
def test_sign_up_requires_verifying_the_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.password.startswith("md5$")  # the fixture's fast hasher; argon2 in production
    assert len(mailoutbox) == 1
    link = re.search(
        r"http://testserver(/accounts/confirm-email/[^\s]+/)", mailoutbox[0].body
    ).group(1)
    # Not logged in before confirming.
    assert client.get(reverse("accounts:profile")).status_code == 302
    client.post(link)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.user.signed_up").exists()
    assert AuditEntry.objects.filter(action="accounts.email.confirmed").exists()


@pytest.mark.django_db
def test_sign_up_with_a_weak_password_is_explained(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "weak@example.org",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert not User.objects.filter(email="weak@example.org").exists()


@pytest.mark.django_db
def test_login_with_email_and_password(client, stakeholder):
    response = client.post(
        reverse("account_login"), {"login": stakeholder.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_logging_in_switches_to_the_preferred_language(client, stakeholder):
    stakeholder.language = "es"
    stakeholder.save()
    client.post(reverse("account_login"), {"login": stakeholder.email, "password": PASSWORD})
    assert 'lang="es"' in client.get(reverse("accounts:profile")).text


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out(client, stakeholder, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": stakeholder.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": stakeholder.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert client.get(reverse("accounts:profile")).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_link(
    client, stakeholder, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": stakeholder.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


# Profile and tokens ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_profile_shows_roles_and_saves_details(login, delegate):
    client = login(delegate)
    page = client.get(reverse("accounts:profile"))
    assert "United States of America" in page.text
    response = client.post(reverse("accounts:profile"), {"display_name": "Ana", "language": "fr"})
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert (delegate.display_name, delegate.language) == ("Ana", "fr")


@pytest.mark.django_db
def test_profile_refuses_an_unknown_language(login, delegate):
    response = login(delegate).post(
        reverse("accounts:profile"), {"display_name": "A", "language": "xx"}
    )
    assert response.status_code == 400
    delegate.refresh_from_db()
    assert delegate.language == ""


@pytest.mark.django_db
def test_a_new_token_is_shown_once(login, stakeholder):
    client = login(stakeholder)
    response = client.post(reverse("accounts:create_token"), {"name": "my script"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'value="(cst_[^"]+)"', response.text).group(1)
    assert ApiToken.objects.get(user=stakeholder).digest != raw
    assert raw not in client.get(reverse("accounts:profile")).text
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db
def test_a_token_needs_a_name(login, stakeholder):
    response = login(stakeholder).post(reverse("accounts:create_token"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoking_ones_own_token(login, stakeholder):
    make_token(stakeholder)
    token = ApiToken.objects.get(user=stakeholder)
    response = login(stakeholder).post(reverse("accounts:revoke_token", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_nobody_revokes_someone_elses_token(login, stakeholder, delegate):
    make_token(stakeholder)
    token = ApiToken.objects.get(user=stakeholder)
    assert (
        login(delegate).post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
    )
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_anonymous_cannot_create_or_revoke_tokens(client, stakeholder):
    make_token(stakeholder)
    token = ApiToken.objects.get(user=stakeholder)
    assert client.post(reverse("accounts:create_token"), {"name": "x"}).status_code == 302
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 302
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None


# Roles in a process ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_role_page_needs_login(client, process):
    assert client.get(reverse("accounts:process_roles", args=[process.slug])).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["stakeholder", "delegate", "other_secretariat"])
def test_role_page_is_closed_to_others(request, login, process, who):
    client = login(request.getfixturevalue(who))
    url = reverse("accounts:process_roles", args=[process.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "rep@example.org", "role": "secretariat"}).status_code == 403


@pytest.mark.django_db
def test_process_staff_grant_and_revoke_roles(login, process, process_secretariat):
    person = make_user("helper@example.org")
    client = login(process_secretariat)
    url = reverse("accounts:process_roles", args=[process.slug])
    response = client.post(
        url, {"email": "HELPER@example.org", "role": "moderator", "member_state": ""}
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=person)
    assert (grant.role, grant.process) == ("moderator", process)
    response = client.post(reverse("accounts:revoke_process_role", args=[process.slug, grant.pk]))
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(user=person).exists()


@pytest.mark.django_db
def test_granting_to_an_unknown_email_is_explained(login, process, process_secretariat):
    response = login(process_secretariat).post(
        reverse("accounts:process_roles", args=[process.slug]),
        {"email": "nobody@example.org", "role": "moderator"},
    )
    assert response.status_code == 400
    assert "No account uses this e-mail address" in response.text


@pytest.mark.django_db
def test_process_staff_cannot_make_someone_a_delegate(login, process, process_secretariat):
    make_user("d2@example.org")
    response = login(process_secretariat).post(
        reverse("accounts:process_roles", args=[process.slug]),
        {"email": "d2@example.org", "role": "delegate", "member_state": "FR"},
    )
    assert response.status_code == 400
    assert not RoleGrant.objects.filter(user__email="d2@example.org").exists()


@pytest.mark.django_db
def test_staff_cannot_revoke_a_grant_of_another_process(
    login, process, other_process, process_secretariat, other_secretariat
):
    grant = RoleGrant.objects.get(user=other_secretariat)
    response = login(process_secretariat).post(
        reverse("accounts:revoke_process_role", args=[process.slug, grant.pk])
    )
    assert response.status_code == 404
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


@pytest.mark.django_db
def test_people_declare_gender_and_protect_themselves(login, stakeholder):
    from core.models import AuditEntry

    response = login(stakeholder).post(
        reverse("accounts:profile"),
        {"display_name": "Ana", "language": "", "gender": "woman", "at_risk": "on"},
    )
    assert response.status_code == 302
    stakeholder.refresh_from_db()
    assert (stakeholder.gender, stakeholder.at_risk) == ("woman", True)
    entry = AuditEntry.objects.filter(action="accounts.profile.updated").latest("seq")
    assert "woman" not in str(entry.data)


# A new password ends the tokens ------------------------------------------------------------------

NEW_PASSWORD = "a completely new passphrase 7"


def _active_tokens(user):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


@pytest.mark.django_db
def test_changing_the_password_revokes_every_token_and_says_so(client, stakeholder):
    make_token(stakeholder, "laptop")
    make_token(stakeholder, "server")
    client.post(reverse("account_login"), {"login": stakeholder.email, "password": PASSWORD})
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert not _active_tokens(stakeholder).exists()
    assert "2 API tokens were revoked" in response.text
    entry = AuditEntry.objects.get(action="accounts.token.revoked_all")
    assert entry.actor_id == stakeholder.pk
    assert entry.data == {
        "token_ids": sorted(ApiToken.objects.filter(user=stakeholder).values_list("pk", flat=True)),
        "because": "accounts.password.saved",
    }
    assert AuditEntry.objects.filter(action="accounts.password.changed").exists()
    # The session goes on; the old tokens are refused.
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_resetting_the_password_revokes_every_token(
    client, stakeholder, mailoutbox, django_capture_on_commit_callbacks
):
    make_token(stakeholder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": stakeholder.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    stakeholder.refresh_from_db()
    assert stakeholder.check_password(NEW_PASSWORD)
    assert not _active_tokens(stakeholder).exists()
    assert "1 API token was revoked" in response.text
    assert AuditEntry.objects.filter(action="accounts.token.revoked_all").count() == 1
    assert AuditEntry.objects.filter(action="accounts.password.reset").exists()


@pytest.mark.django_db
def test_a_password_change_with_no_tokens_says_nothing_about_them(client, stakeholder):
    client.post(reverse("account_login"), {"login": stakeholder.email, "password": PASSWORD})
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "revoked" not in response.text
    assert not AuditEntry.objects.filter(action="accounts.token.revoked_all").exists()


# Logins leave no trail ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_successful_login_leaves_no_access_log_and_clears_failures(client, stakeholder):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    client.post(reverse("account_login"), {"login": stakeholder.email, "password": "wrong"})
    assert AccessAttempt.objects.count() == 1  # counted, for the lock-out
    response = client.post(
        reverse("account_login"), {"login": stakeholder.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not AccessAttempt.objects.exists()
