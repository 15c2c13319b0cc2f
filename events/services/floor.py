"""The floor at formal sessions: agenda items, requests for the floor, the speakers list."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.permissions import check_perm
from stakeholders.selectors import accredited_organisations_of

from ..choices import FloorState
from ..exceptions import NotAccredited, WrongState
from ..models import AgendaItem, Event, FloorRequest
from ..permissions import RUN_FLOOR, WITHDRAW_FLOOR_REQUEST
from ..selectors import speakers_list
from .registration import organisation_lookup


def add_agenda_item(
    event: Event, *, actor: Any, number: str, title: str, time_limit: int = 180
) -> AgendaItem:
    """Add an item to a formal session's agenda."""
    item = AgendaItem(event=event, number=number, title=title, time_limit=time_limit)
    item.full_clean()
    with transaction.atomic():
        item.save()
        audit.record("events.agenda_item.added", actor=actor, obj=event, process=event.process)
    return item


def request_floor(
    item: AgendaItem,
    *,
    actor: Any,
    organisation_id: int | str | None,
    spokesperson: str,
    topic: str,
    gender: str = "",
) -> FloorRequest:
    """An accredited organisation (by its id, or its public id) asks to speak under an agenda
    item, once."""
    organisation = _speaking_for(actor, item, organisation_id)
    request = FloorRequest(
        agenda_item=item,
        organisation=organisation,
        spokesperson=spokesperson,
        topic=topic,
        gender=gender,
        requested_by=actor,
    )
    request.full_clean(exclude=["requested_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
            audit.record(
                "events.floor.requested", actor=actor, obj=request, process=item.event.process
            )
    except IntegrityError:
        raise WrongState(
            _("%(organisation)s has already asked for the floor under this item.")
            % {"organisation": organisation.name}
        ) from None
    return request


def _speaking_for(actor: Any, item: AgendaItem, organisation_id: int | str | None) -> Any:
    """The organisation named (the first, if none is), among the actor's accredited ones."""
    accredited = accredited_organisations_of(actor, item.event.process)
    if organisation_id:
        accredited = accredited.filter(**organisation_lookup(organisation_id))
    organisation = accredited.first()
    if organisation is None:
        raise NotAccredited()
    return organisation


def withdraw_floor_request(request: FloorRequest, *, actor: Any) -> FloorRequest:
    """The organisation's representatives (or those who run the event) withdraw its request
    before it is heard."""
    check_perm(actor, WITHDRAW_FLOOR_REQUEST, request)
    with transaction.atomic():
        FloorRequest.objects.select_for_update().filter(pk=request.pk).first()
        request.refresh_from_db(fields=["state"])
        if request.state != FloorState.REQUESTED:
            raise WrongState(_("This request can no longer be withdrawn."))
        request.state = FloorState.WITHDRAWN
        request.save(update_fields=["state"])
        audit.record(
            "events.floor.withdrawn",
            actor=actor,
            obj=request,
            process=request.agenda_item.event.process,
        )
    return request


def reorder_floor(item: AgendaItem, order: list[int], *, actor: Any) -> AgendaItem:
    """Set the speakers' order by hand (request ids); unknown ids are ignored."""
    with transaction.atomic():
        AgendaItem.objects.select_for_update().filter(pk=item.pk).first()
        _save_order(item, order, actor)
    return item


def move_floor_request(request: FloorRequest, *, actor: Any, up: bool) -> AgendaItem:
    """Move a request one place up or down the speakers list, for those who run the event."""
    check_perm(actor, RUN_FLOOR, request)
    item = request.agenda_item
    with transaction.atomic():
        AgendaItem.objects.select_for_update().filter(pk=item.pk).first()
        item.refresh_from_db(fields=["order"])
        order = [line.request.pk for line in speakers_list(item)]
        if request.pk not in order:
            raise WrongState(_("This request is not on the speakers list."))
        index = order.index(request.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
        _save_order(item, order, actor)
    return item


def _save_order(item: AgendaItem, order: list[int], actor: Any) -> None:
    known = set(
        item.floor_requests.exclude(state=FloorState.WITHDRAWN).values_list("pk", flat=True)
    )
    item.order = [pk for pk in dict.fromkeys(order) if pk in known]
    item.save(update_fields=["order"])
    audit.record("events.floor.reordered", actor=actor, obj=item.event, process=item.event.process)


def mark_given(request: FloorRequest, *, actor: Any) -> FloorRequest:
    """The chair marks a statement as given."""
    if request.state != FloorState.REQUESTED:
        raise WrongState(_("This statement is not waiting to be given."))
    request.state, request.given_at = FloorState.GIVEN, timezone.now()
    with transaction.atomic():
        request.save(update_fields=["state", "given_at"])
        audit.record(
            "events.floor.given",
            actor=actor,
            obj=request,
            process=request.agenda_item.event.process,
        )
    return request


def publish_speakers_list(item: AgendaItem, *, actor: Any, published: bool = True) -> AgendaItem:
    """Publish (or take back) an agenda item's speakers list."""
    item.published = published
    with transaction.atomic():
        item.save(update_fields=["published"])
        audit.record(
            "events.floor.published" if published else "events.floor.unpublished",
            actor=actor,
            obj=item.event,
            process=item.event.process,
        )
    return item
