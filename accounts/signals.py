"""Reactions to allauth: audit entries for what it changes, and the preferred language at login.

allauth changes accounts through its own views, not our services, so its signals are the only
place to record those changes: the exception to "signals only to decouple apps"."""

from typing import Any

from allauth.account.signals import (
    email_added,
    email_changed,
    email_confirmed,
    email_removed,
    password_changed,
    password_reset,
    password_set,
    user_logged_in,
    user_signed_up,
)
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import ngettext

from core import audit
from core.language import remember_language

from .services import revoke_all_api_tokens


@receiver(user_signed_up)
def _signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("accounts.user.signed_up", actor=user, obj=user)


@receiver(email_confirmed)
def _email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    audit.record("accounts.email.confirmed", actor=email_address.user, obj=email_address.user)


def _new_password(request: Any, user: Any, action: str) -> None:
    # Whoever learnt the old password may have made a token with it: none outlives it.
    audit.record(action, actor=user, obj=user)
    count = revoke_all_api_tokens(user, actor=user, because=action)
    # Saving the new password has usually revoked them already (accounts/validators.py).
    count += getattr(user, "_tokens_revoked_by_new_password", 0)
    user._tokens_revoked_by_new_password = 0
    if count and request is not None:
        messages.warning(
            request,
            ngettext(
                "Your password changed, so your %(count)d API token was revoked. "
                "Create a new one for any script that still needs it.",
                "Your password changed, so your %(count)d API tokens were revoked. "
                "Create new ones for any script that still needs them.",
                count,
            )
            % {"count": count},
        )


@receiver(password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _new_password(request, user, "accounts.password.changed")


@receiver(password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _new_password(request, user, "accounts.password.reset")


@receiver(password_set)
def _password_set(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _new_password(request, user, "accounts.password.set")


@receiver(email_added)
def _email_added(sender: Any, request: Any, user: Any, email_address: Any, **kwargs: Any) -> None:
    audit.record("accounts.email.added", actor=user, obj=user)


@receiver(email_removed)
def _email_removed(sender: Any, request: Any, user: Any, email_address: Any, **kwargs: Any) -> None:
    audit.record("accounts.email.removed", actor=user, obj=user)


@receiver(email_changed)
def _email_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The primary address is the login: changing it is a change of identity worth recording.
    audit.record("accounts.email.primary_changed", actor=user, obj=user)


@receiver(user_logged_in)
def _apply_preferred_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    response = kwargs.get("response")
    if response is not None and user.language:
        remember_language(response, user.language)
