"""Writes about accounts: profiles, role grants and API tokens."""

import hashlib
import secrets
from datetime import UTC, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.caches import forget_user_memos
from core.member_states import MEMBER_STATES

from .choices import PROCESS_ROLES, Role
from .exceptions import AccountNotErasable, AccountsError, InvalidRoleGrant, WrongPassword
from .models import ApiToken, RoleGrant, User

TOKEN_PREFIX = "cst_"  # noqa: S105  (a marker, not a secret)


def token_digest(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (unlike passwords).
    return hashlib.sha256(raw.encode()).hexdigest()


PROFILE_FIELDS = ("display_name", "language", "gender", "at_risk")


def update_profile(user: User, *, actor: Any, **values: Any) -> User:
    """Change one's own name, language, self-declared gender and protection."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    with transaction.atomic():
        changed = sorted(f for f, v in values.items() if getattr(user, f) != v)
        for field, value in values.items():
            setattr(user, field, value)
        user.full_clean(exclude=["password"])
        user.save(update_fields=list(values))
        if changed:
            # Field names only: gender and protection are not copied into the log.
            audit.record(
                "accounts.profile.updated", actor=actor, obj=user, data={"fields": changed}
            )
    return user


def _validate_grant(role: str, process: Any, member_state: str) -> None:
    if role not in Role.values:
        raise InvalidRoleGrant(_("Unknown role."))
    if process is not None and role not in PROCESS_ROLES:
        # Delegates and stakeholder representatives are not staff of a process: who represents
        # a Member State is for the platform's secretariat to record, once.
        raise InvalidRoleGrant(
            _("This role is granted for the whole platform, not for one process.")
        )
    if role == Role.DELEGATE and member_state not in MEMBER_STATES:
        raise InvalidRoleGrant(_("A Member State delegate must be linked to a Member State."))
    if role != Role.DELEGATE and member_state:
        raise InvalidRoleGrant(_("Only a Member State delegate is linked to a Member State."))


def grant_role(
    user: User, *, actor: Any, role: str, process: Any = None, member_state: str = ""
) -> RoleGrant:
    """Give the user a role, for one process or (with no process) platform-wide."""
    _validate_grant(role, process, member_state)
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user, role=role, process=process, member_state=member_state
            )
            audit.record(
                "accounts.role.granted",
                actor=actor,
                obj=user,
                process=process,
                data={
                    "role": role,
                    "process": getattr(process, "slug", None),
                    "member_state": member_state,
                },
            )
        forget_user_memos(user)
    except IntegrityError:
        raise InvalidRoleGrant(
            _("%(user)s already holds this role here.") % {"user": user.email}
        ) from None
    return grant


def revoke_role(grant: RoleGrant, *, actor: Any) -> None:
    """Take a role away."""
    with transaction.atomic():
        data = {
            "role": grant.role,
            "process": getattr(grant.process, "slug", None),
            "member_state": grant.member_state,
        }
        user, process = grant.user, grant.process
        grant.delete()
        audit.record("accounts.role.revoked", actor=actor, obj=user, process=process, data=data)
    forget_user_memos(user)


def create_api_token(user: User, *, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the plain token is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip() or _("API token"),
            prefix=raw[:12],
            digest=token_digest(raw),
        )
        audit.record(
            "accounts.token.created",
            actor=actor,
            obj=user,
            data={"token_id": token.pk},
            personal={"name": token.name},
        )
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke a token; requests that present it are refused from now on."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                "accounts.token.revoked",
                actor=actor,
                obj=token.user,
                data={"token_id": token.pk},
                personal={"name": token.name},
            )
    return token


def authenticate_token(raw: str) -> User | None:
    """The active user behind a token, or None. Not audited: reading is not a state change."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    today = _today_utc()
    if token.last_used_at != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=today)
    return token.user


def _today_utc() -> datetime:
    # The day only, written once a day: a precise time, written in the same request as an
    # anonymous answer, would let whoever reads the database pair the two.
    return datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)


def create_account(
    email: str, *, actor: Any, password: str, display_name: str = "", verified: bool = False
) -> User:
    """Create an account (for invitations and the demo); sign-up itself goes through allauth."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = User.objects.create_user(email, password, display_name=display_name)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
        audit.record("accounts.user.created", actor=actor, obj=user, data={"verified": verified})
    return user


def set_password(user: User, *, actor: Any, password: str) -> User:
    """Set a new password for the account; its API tokens are revoked with the old one."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record("accounts.password.set", actor=actor, obj=user)
        revoke_all_api_tokens(user, actor=actor, because="accounts.password.set")
    return user


def revoke_all_api_tokens(user: User, *, actor: Any, because: str) -> int:
    """Revoke every active token of the account (its password changed); returns how many."""
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        ids = sorted(active.values_list("pk", flat=True))
        if ids:
            ApiToken.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
            audit.record(
                "accounts.token.revoked_all",
                actor=actor,
                obj=user,
                data={"token_ids": ids, "because": because},
            )
    return len(ids)


def queue_email(*, to: list[str], subject: str, body: str) -> None:
    """Send an e-mail from a background task once the current transaction commits."""
    from django.conf import settings

    from core.tasks import enqueue_on_commit

    from .tasks import send_email

    recipients = sorted({address for address in to if address})
    if recipients:
        enqueue_on_commit(
            send_email,
            {
                "subject": subject,
                "body": body,
                "from_email": settings.DEFAULT_FROM_EMAIL,
                "to": recipients,
                "html": "",
            },
        )


def check_erasable(user: User) -> None:
    """Raise AccountNotErasable with what to do first, if deleting the account would leave
    something without anyone to run it (see core.personal: each app says)."""
    from core.personal import refusals

    reasons = refusals(user)
    if reasons:
        raise AccountNotErasable(reasons)


def erase_account(user: User, *, actor: Any, password: str) -> dict[str, Any]:
    """The person deletes their account, confirming with their password.

    Each app removes what it holds about them or, where it is the record of a process (an
    organisation's application, a published submission), keeps it unlinked from the person;
    the personal values in audit entries about them are blanked (their digests stay, so the
    chain verifies); their tokens are revoked; then the account row goes. The erasure is
    audited under the account's number only."""
    from core.personal import erase_all

    if actor is None or actor.pk != user.pk:
        raise AccountsError(_("Only the person can delete their own account."))
    if not password or not user.check_password(password):
        raise WrongPassword(_("The password is not correct. Nothing was deleted."))
    with transaction.atomic():
        check_erasable(user)  # in the transaction: the organisations it reads are locked
        revoke_all_api_tokens(user, actor=actor, because="accounts.user.erased")
        done = erase_all(user)
        user_id = user.pk
        blanked = audit.forget_person(user_id)
        audit.record(
            "accounts.user.erased",
            actor=actor,
            obj=user,
            data={"erased": done, "audit_entries_blanked": blanked},
        )
        _forget_login_attempts(user.email)
        user.delete()
    forget_user_memos(user)
    return {"user_id": user_id, "erased": done, "audit_entries_blanked": blanked}


def _forget_login_attempts(email: str) -> None:
    # django-axes keeps failed logins by the address typed.
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=email.lower()).delete()
