"""Setting events up: series, events with their invited lists and organisers, speakers, the
outcome and the representation targets."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from core import audit
from core.models import Process
from core.services import replace_invitees

from ..calendar import venue_zone
from ..choices import OrganiserRole
from ..models import Event, EventOrganiser, Series, Speaker
from .registration import notify, promote_waiting

EVENT_FIELDS = (
    "kind",
    "title",
    "summary",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "online_url",
    "languages",
    "status",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "requires_approval",
    "audience",
    "organisation_cap",
    "participant_list",
    "questions",
    "series",
)


def create_series(
    process: Process, *, actor: Any, slug: str, title: str, description: str = ""
) -> Series:
    """Create a series of events in a process."""
    series = Series(process=process, slug=slug, title=title, description=description)
    series.full_clean()
    with transaction.atomic():
        series.save()
        audit.record("events.series.created", actor=actor, obj=series, process=process)
    return series


def create_event(
    process: Process,
    *,
    actor: Any,
    slug: str,
    topics: Any = (),
    invitees: list[str] | None = None,
    organisers: Any = None,
    co_sponsors: Any = (),
    **fields: Any,
) -> Event:
    """Create an event, with its invited list and organisers where given, in one transaction:
    a refusal on the way leaves nothing. The venue's time zone must be a real one."""
    venue_zone(fields.get("time_zone", "UTC"))
    event = Event(process=process, slug=slug)
    _apply_fields(event, fields)
    with transaction.atomic():
        event.save()
        event.topics.set(topics)
        audit.record("events.event.created", actor=actor, obj=event, process=process)
        _set_people(event, actor, invitees, organisers, co_sponsors)
    return event


def update_event(
    event: Event,
    *,
    actor: Any,
    topics: Any = None,
    invitees: list[str] | None = None,
    organisers: Any = None,
    co_sponsors: Any = (),
    **fields: Any,
) -> Event:
    """Change an event's settings (and its invited list and organisers where given), in one
    transaction; a larger room or share per organisation goes to those waiting."""
    if "time_zone" in fields:
        venue_zone(fields["time_zone"])
    _apply_fields(event, fields)
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        event.save()
        if topics is not None:
            event.topics.set(topics)
        audit.record("events.event.changed", actor=actor, obj=event, process=event.process)
        _set_people(event, actor, invitees, organisers, co_sponsors)
        promoted = promote_waiting(event)
    for registration in promoted:
        notify(registration, promoted=True)
    return event


def _apply_fields(event: Event, fields: dict[str, Any]) -> None:
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    event.full_clean()


def _set_people(
    event: Event, actor: Any, invitees: list[str] | None, organisers: Any, co_sponsors: Any
) -> None:
    """Within the caller's transaction: None leaves a list as it is."""
    if invitees is not None:
        set_invitees(event, invitees, actor=actor)
    if organisers is not None:
        set_organisers(event, actor=actor, organisers=organisers, co_sponsors=co_sponsors)


def set_invitees(event: Event, emails: list[str], *, actor: Any) -> int:
    """Replace the invited list (used when the audience is an invited list)."""
    return replace_invitees(event, emails, actor=actor, action="events.invitees.changed")


def set_organisers(event: Event, *, actor: Any, organisers: Any, co_sponsors: Any) -> None:
    """Replace the event's organisers and co-sponsors (an organisation is one or the other)."""
    wanted = {o.pk: OrganiserRole.CO_SPONSOR for o in co_sponsors}
    wanted.update({o.pk: OrganiserRole.ORGANISER for o in organisers})
    with transaction.atomic():
        event.organisers.exclude(organisation_id__in=wanted).delete()
        for organisation_id, role in wanted.items():
            EventOrganiser.objects.update_or_create(
                event=event, organisation_id=organisation_id, defaults={"role": role}
            )
        audit.record(
            "events.organisers.changed",
            actor=actor,
            obj=event,
            process=event.process,
            data={"organisers": sorted(wanted)},
        )


def add_organiser(
    event: Event, organisation: Any, *, actor: Any, role: str = OrganiserRole.ORGANISER
) -> EventOrganiser:
    """Name an organisation as organiser or co-sponsor."""
    with transaction.atomic():
        found, _created = EventOrganiser.objects.update_or_create(
            event=event, organisation=organisation, defaults={"role": role}
        )
        audit.record(
            "events.organiser.added",
            actor=actor,
            obj=event,
            process=event.process,
            data={"organisation": organisation.pk, "role": role},
        )
    return found


def add_speaker(
    event: Event,
    *,
    actor: Any,
    name: str,
    role: str,
    affiliation: str = "",
    organisation: Any = None,
    gender: str = "",
) -> Speaker:
    """Add a speaker (a person, with affiliation and role) to the programme."""
    speaker = Speaker(
        event=event,
        name=name,
        role=role,
        affiliation=affiliation,
        organisation=organisation,
        gender=gender,
        position=event.speakers.count(),
    )
    speaker.full_clean()
    with transaction.atomic():
        speaker.save()
        audit.record("events.speaker.added", actor=actor, obj=event, process=event.process)
    return speaker


def remove_speaker(speaker: Speaker, *, actor: Any) -> None:
    """Take a speaker off the programme."""
    with transaction.atomic():
        event = speaker.event
        speaker.delete()
        audit.record("events.speaker.removed", actor=actor, obj=event, process=event.process)


# Outcome and targets ------------------------------------------------------------------------------


def publish_outcome(
    event: Event,
    *,
    actor: Any,
    key_messages: str,
    recommendations: str,
    links: list[dict[str, str]],
) -> Event:
    """Publish what came out of the event: key messages, recommendations, documents."""
    event.key_messages, event.recommendations = key_messages, recommendations
    event.outcome_links = links
    event.outcome_published_at = event.outcome_published_at or timezone.now()
    with transaction.atomic():
        event.save(
            update_fields=[
                "key_messages",
                "recommendations",
                "outcome_links",
                "outcome_published_at",
                "updated_at",
            ]
        )
        audit.record("events.outcome.published", actor=actor, obj=event, process=event.process)
    return event


def set_scope_targets(
    scope: Process | Series, targets: dict[str, dict[str, int]], *, actor: Any
) -> None:
    """The shares (in %) aimed for across a process's events, or a series's."""
    from ..models import ProcessTargets

    with transaction.atomic():
        if isinstance(scope, Series):
            scope.targets = targets
            scope.save(update_fields=["targets", "updated_at"])
            process = scope.process
        else:
            ProcessTargets.objects.update_or_create(process=scope, defaults={"targets": targets})
            process = scope
        audit.record("events.targets.changed", actor=actor, obj=scope, process=process)


def set_targets(event: Event, targets: dict[str, dict[str, int]], *, actor: Any) -> Event:
    """The shares (in %) the secretariat aims for, by kind, region and gender."""
    event.targets = targets
    with transaction.atomic():
        event.save(update_fields=["targets", "updated_at"])
        audit.record("events.targets.changed", actor=actor, obj=event, process=event.process)
    return event
