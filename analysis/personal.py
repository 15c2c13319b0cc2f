"""What deliberations hold about a person where they took part signed in (non-anonymous
deliberations): the statements they wrote and their votes."""

import secrets
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Deliberation, DeliberationInvitee, Joined, Participant, Statement, Vote
from .participation import joined_digest, token_digest

TITLE = _("Deliberations")
LABELS = {
    "deliberations": _("Deliberations you joined"),
    "statements": _("Statements you wrote"),
    "votes": _("Your votes"),
    "anonymous_deliberations_joined": _(
        "Anonymous deliberations you joined (your votes are not linked to you)"
    ),
    "invitations": _("Invitations"),
}


def _joined_anonymously(user: Any) -> list[Deliberation]:
    """Anonymous deliberations the person joined: kept as a keyed hash, apart from the votes."""
    wanted = {joined_digest(d, user): d for d in Deliberation.objects.order_by("pk")}
    found = Joined.objects.filter(digest__in=list(wanted)).values_list("digest", flat=True)
    return [wanted[d] for d in found]


def export(user: Any) -> dict[str, Any]:
    """Deliberations joined, with the statements written and votes cast there."""
    joined = Participant.objects.filter(user=user).select_related("deliberation").order_by("pk")
    statements = Statement.objects.filter(author__user=user).select_related("deliberation")
    votes = Vote.objects.filter(participant__user=user).select_related("statement__deliberation")
    invitations = DeliberationInvitee.objects.filter(email__iexact=user.email)
    return {
        "deliberations": [
            {"deliberation": p.deliberation.title, "slug": p.deliberation.slug} for p in joined
        ],
        "statements": [
            {"deliberation": s.deliberation.slug, "number": s.number, "text": s.text}
            for s in statements.order_by("pk")
        ],
        "votes": [
            {
                "deliberation": v.statement.deliberation.slug,
                "statement": v.statement.number,
                "vote": v.value,
            }
            for v in votes.order_by("pk")
        ],
        "anonymous_deliberations_joined": [
            {"deliberation": d.title, "slug": d.slug} for d in _joined_anonymously(user)
        ],
        "invitations": [i.deliberation.slug for i in invitations.select_related("deliberation")],
    }


def erase(user: Any) -> dict[str, int]:
    """Votes and statements stay in the opinion groups they shaped, under a participant that
    no longer names anyone (a digest of a token nobody holds); invitations go."""
    unlinked = 0
    for participant in Participant.objects.filter(user=user):
        participant.user = None
        participant.token_digest = token_digest(secrets.token_urlsafe(32))
        participant.save(update_fields=["user", "token_digest"])
        unlinked += 1
    # Not counted in what is returned (the erasure's audit entry): it would say how many
    # anonymous deliberations the person joined.
    joined = [joined_digest(d, user) for d in _joined_anonymously(user)]
    Joined.objects.filter(digest__in=joined).delete()
    return {
        "participants_unlinked": unlinked,
        "invitations": DeliberationInvitee.objects.filter(email__iexact=user.email).delete()[0],
    }
