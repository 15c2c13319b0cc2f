"""Who is voting: the participant row of a request, found without storing who it is.

In a confidential deliberation a participant is the signed-in account. In an anonymous one it
is a random token held by the participant (a cookie, or `participant_token` in the API): the
database keeps only its digest. A signed-in person's first anonymous participation also writes
a Joined row (a keyed hash of deliberation and person under PARTICIPATION_KEY, random id, no
time) in a transaction of its own, so that they join once; nothing links the two rows.
"""

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from .exceptions import AlreadyJoined, SignInRequired
from .models import Deliberation, Joined, Participant

COOKIE_PREFIX = "consulta_p_"


def cookie_name(deliberation: Deliberation) -> str:
    return f"{COOKIE_PREFIX}{deliberation.pk}"


def token_digest(token: str) -> str:
    return hashlib.sha256(f"participant:{token}".encode()).hexdigest()


def joined_digest(deliberation: Deliberation, user: Any) -> str:
    key = settings.PARTICIPATION_KEY.encode()
    return hmac.new(key, f"joined:{deliberation.pk}:{user.pk}".encode(), "sha256").hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def find_participant(deliberation: Deliberation, user: Any, token: str = "") -> Participant | None:
    """The request's participant, if it has one already."""
    if not deliberation.is_anonymous:
        if not getattr(user, "is_authenticated", False):
            return None
        return Participant.objects.filter(deliberation=deliberation, user=user).first()
    if not token:
        return None
    return Participant.objects.filter(
        deliberation=deliberation, token_digest=token_digest(token[:200])
    ).first()


def has_joined(deliberation: Deliberation, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not deliberation.is_anonymous:
        return Participant.objects.filter(deliberation=deliberation, user=user).exists()
    digest = joined_digest(deliberation, user)
    return Joined.objects.filter(deliberation=deliberation, digest=digest).exists()


def join(
    deliberation: Deliberation, user: Any, *, declared: dict[str, str] | None = None
) -> tuple[Participant, str]:
    """A new participant for this request: (participant, token); the token is "" when the
    participant is the account (confidential deliberations)."""
    signed_in = getattr(user, "is_authenticated", False)
    declared = declared or {}
    if not deliberation.is_anonymous:
        if not signed_in:
            raise SignInRequired()
        participant, _created = Participant.objects.get_or_create(
            deliberation=deliberation, user=user, defaults=declared
        )
        return participant, ""
    if signed_in:
        try:
            with transaction.atomic():
                Joined.objects.create(
                    deliberation=deliberation, digest=joined_digest(deliberation, user)
                )
        except IntegrityError:
            raise AlreadyJoined() from None
    token = new_token()
    with transaction.atomic():
        participant = Participant.objects.create(
            deliberation=deliberation, token_digest=token_digest(token), **declared
        )
    return participant, token
