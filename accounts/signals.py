"""Reactions to allauth: audit entries for what it changes, and the preferred language at login."""

from typing import Any

from allauth.account.signals import (
    email_confirmed,
    password_changed,
    password_reset,
    user_logged_in,
    user_signed_up,
)
from django.dispatch import receiver

from core import audit
from core.language import remember_language


@receiver(user_signed_up)
def _signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("accounts.user.signed_up", actor=user, obj=user)


@receiver(email_confirmed)
def _email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    audit.record("accounts.email.confirmed", actor=email_address.user, obj=email_address.user)


@receiver(password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("accounts.password.changed", actor=user, obj=user)


@receiver(password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("accounts.password.reset", actor=user, obj=user)


@receiver(user_logged_in)
def _apply_preferred_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    response = kwargs.get("response")
    if response is not None and user.language:
        remember_language(response, user.language)
