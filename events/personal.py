"""What events hold about a person: registrations (with their answers), the floor requests they
made for their organisation, and invitations sent to their address."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ACTIVE_STATES
from .models import FloorRequest, Invitee, Registration

TITLE = _("Events")
LABELS = {
    "registrations": _("Registrations"),
    "floor_requests": _("Requests for the floor"),
    "invitations": _("Invitations"),
}


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(user: Any) -> dict[str, Any]:
    """Registrations, floor requests made, invitations received."""
    registrations = Registration.objects.filter(user=user).select_related("event", "organisation")
    requests = FloorRequest.objects.filter(requested_by=user).select_related(
        "agenda_item__event", "organisation"
    )
    invitations = Invitee.objects.filter(email__iexact=user.email).select_related("event")
    return {
        "registrations": [
            {
                "event": r.event.title,
                "event_slug": r.event.slug,
                "organisation": r.organisation.name if r.organisation else None,
                "state": r.state,
                "listed_among_participants": r.consent,
                "answers": r.answers,
                "registered": _when(r.created_at),
                "checked_in": _when(r.checked_in_at),
            }
            for r in registrations.order_by("pk")
        ],
        "floor_requests": [
            {
                "event": f.agenda_item.event.title,
                "agenda_item": str(f.agenda_item),
                "organisation": f.organisation.name,
                "spokesperson": f.spokesperson,
                "gender": f.gender,
                "topic": f.topic,
                "state": f.state,
                "requested": _when(f.requested_at),
                "given": _when(f.given_at),
            }
            for f in requests.order_by("pk")
        ],
        "invitations": [
            {"event": i.event.title, "event_slug": i.event.slug} for i in invitations.order_by("pk")
        ],
    }


def erase(user: Any) -> dict[str, int]:
    """Places held at events still to come are given up first (the waiting list moves up);
    then registrations go with the account. Floor requests stay the organisation's, without
    the person's name where they named themselves as spokesperson."""
    from .services import cancel_registration

    upcoming = Registration.objects.filter(
        user=user, state__in=ACTIVE_STATES, event__ends_at__gt=timezone.now()
    )
    for registration in upcoming:
        cancel_registration(registration, actor=user)
    requests = FloorRequest.objects.filter(requested_by=user)
    named = Q(spokesperson__iexact=user.display_name) if user.display_name else Q(pk__in=[])
    return {
        "registrations_cancelled": len(upcoming),
        "registrations": Registration.objects.filter(user=user).delete()[0],
        "floor_requests_name_removed": requests.filter(named).update(spokesperson="", gender=""),
        "floor_requests_unlinked": requests.update(requested_by=None),
        "invitations": Invitee.objects.filter(email__iexact=user.email).delete()[0],
    }


def retain(process: Any, now: datetime) -> int:
    """Past the process's period after it closed, registrations to its events go."""
    closed = getattr(process, "closed_at", None)
    if closed is None or now < closed + timedelta(days=process.retain_registrations_days):
        return 0
    return Registration.objects.filter(event__process=process).delete()[0]
