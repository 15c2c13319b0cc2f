"""Organisations, their people, invitations and the thematic vocabulary."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import queue_email
from core import audit
from core.caches import forget_user_memos
from core.permissions import has_perm

from ..choices import EcosocStatus, MemberRole
from ..exceptions import DuplicateOrganisation, InvalidInvitation, StakeholdersError
from ..models import Invitation, Membership, Organisation, ThematicArea
from ..permissions import LIFT_PROTECTION
from ..protection import is_anonymised
from ..regions import region_of

ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "ecosoc_status",
    "ecosoc_verified_at",
    "country",
    "website",
    "description",
    "at_risk",
    "public_as_region",
)
INVITATION_DAYS = 14


def _find_duplicate(
    name: str, country: str, *, viewer: Any, exclude_pk: int | None = None
) -> Organisation | None:
    """A registered organisation of this name and country that the viewer may see by name.

    One shown only by region to this viewer is passed over: refusing the name would confirm a
    guess of it, so a right guess goes on as a new name would (the secretariat, who sees both,
    is shown the possible duplicate at review: selectors.possible_duplicates)."""
    existing = Organisation.objects.annotate(lname=Lower("name")).filter(
        lname=name.strip().lower(), country=country
    )
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    return next((o for o in existing.order_by("pk") if not is_anonymised(o, viewer)), None)


def _save(organisation: Organisation, areas: Any, *, actor: Any, check_name: bool = True) -> None:
    organisation.name = organisation.name.strip()
    organisation.region = region_of(str(organisation.country))
    if organisation.ecosoc_status == EcosocStatus.NONE:
        organisation.ecosoc_verified_at = None
    name, country = organisation.name, str(organisation.country)
    if check_name:
        duplicate = _find_duplicate(name, country, viewer=actor, exclude_pk=organisation.pk)
        if duplicate is not None:
            raise DuplicateOrganisation(duplicate)
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # A concurrent twin won the race; any other integrity error is a bug to surface.
        twin = _find_duplicate(name, country, viewer=actor, exclude_pk=organisation.pk)
        if twin is None:
            raise
        raise DuplicateOrganisation(twin) from None
    if areas is not None:
        organisation.thematic_areas.set(areas)


def create_organisation(*, actor: Any, thematic_areas: Any = None, **fields: Any) -> Organisation:
    """Register an organisation; the person who registers it becomes its administrator."""
    with transaction.atomic():
        organisation = Organisation(**fields)
        _save(organisation, thematic_areas, actor=actor)
        if getattr(actor, "is_authenticated", False):
            Membership.objects.create(organisation=organisation, user=actor, role=MemberRole.ADMIN)
        audit.record(
            "stakeholders.organisation.created",
            actor=actor,
            obj=organisation,
            data={
                "name": organisation.name,
                "country": str(organisation.country),
                "kind": organisation.kind,
            },
        )
    forget_user_memos(actor)  # now one of its administrators
    return organisation


def update_organisation(
    organisation: Organisation, *, actor: Any, thematic_areas: Any = None, **changes: Any
) -> Organisation:
    """Change an organisation's profile; the audit entry lists the fields that changed."""
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = {f: str(getattr(organisation, f)) for f in changes}
        for field, value in changes.items():
            setattr(organisation, field, value)
        if "ecosoc_verified_at" not in changes and _changed(organisation, before, VERIFIED_FACTS):
            # What the secretariat verified has changed: the verification no longer holds.
            organisation.ecosoc_verified_at = None
        # Only a new name, country or public appearance is checked against the others: a
        # twin registered since must not lock an organisation out of its own profile.
        renamed = _changed(organisation, before, ("name", "country", "public_as_region"), fold=True)
        _save(organisation, thematic_areas, actor=actor, check_name=renamed)
        changed = sorted(f for f in changes if str(getattr(organisation, f)) != before[f])
        if changed or thematic_areas is not None:
            audit.record(
                "stakeholders.organisation.updated",
                actor=actor,
                obj=organisation,
                data={"fields": changed},
            )
    return organisation


VERIFIED_FACTS = ("ecosoc_status", "name", "country")


def _changed(
    organisation: Organisation, before: dict[str, str], fields: Any, *, fold: bool = False
) -> bool:
    """Whether any of these fields (among those being changed) differs from before."""

    def norm(value: str) -> str:
        return value.strip().lower() if fold else value

    return any(
        norm(str(getattr(organisation, f))) != norm(before[f]) for f in fields if f in before
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(
    organisation: Organisation, *, actor: Any, email: str, role: str, accept_url: Any
) -> Invitation:
    """E-mail an invitation to join the organisation. `accept_url(token)` builds the link."""
    token = secrets.token_urlsafe(32)
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise StakeholdersError(_("%(email)s is already a member.") % {"email": email})
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            digest=_digest(token),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        audit.record(
            "stakeholders.member.invited",
            actor=actor,
            obj=organisation,
            data={"invitation_id": invitation.pk, "role": role},
        )
        queue_email(to=[email], **_invitation_email(organisation, accept_url(token)))
    return invitation


def _invitation_email(organisation: Organisation, url: str) -> dict[str, str]:
    subject = _("Invitation to join %(organisation)s on Consulta") % {
        "organisation": organisation.name
    }
    body = _(
        "You are invited to represent %(organisation)s on Consulta.\n\n"
        "Accept the invitation within %(days)s days, after logging in or signing up "
        "with this e-mail address:\n%(url)s\n"
    ) % {"organisation": organisation.name, "days": INVITATION_DAYS, "url": url}
    return {"subject": subject, "body": body}


def accept_invitation(token: str, *, actor: Any) -> Membership:
    """Join the organisation that sent the invitation, as the signed-in person."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .filter(digest=_digest(token))
            .first()
        )
        if invitation is None or invitation.accepted_at is not None:
            raise InvalidInvitation(_("This invitation is not valid or was already used."))
        if invitation.expires_at < timezone.now():
            raise InvalidInvitation(_("This invitation has expired; ask for a new one."))
        if invitation.email.lower() != actor.email.lower():
            raise InvalidInvitation(
                _("This invitation was sent to another e-mail address. Log in with that address.")
            )
        membership, _created = Membership.objects.get_or_create(
            organisation=invitation.organisation, user=actor, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit.record(
            "stakeholders.member.joined",
            actor=actor,
            obj=invitation.organisation,
            data={"role": membership.role},
        )
    forget_user_memos(actor)
    return membership


def remove_member(membership: Membership, *, actor: Any) -> None:
    """Remove a person from an organisation; its last administrator cannot be removed."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        admins = organisation.memberships.filter(role=MemberRole.ADMIN)
        if membership.role == MemberRole.ADMIN and admins.count() == 1:
            raise StakeholdersError(_("An organisation needs at least one administrator."))
        membership.delete()
        audit.record(
            "stakeholders.member.removed",
            actor=actor,
            obj=organisation,
            data={"user_id": membership.user_id},
        )
    forget_user_memos(actor)
    if Membership.user.is_cached(membership):
        forget_user_memos(membership.user)


def set_person_at_risk(person: Any, *, actor: Any, at_risk: bool) -> Any:
    """Mark a person at risk (anyone who manages them may); only the person themselves or the
    platform's secretariat may lift it."""
    if not at_risk and person.at_risk and not has_perm(actor, LIFT_PROTECTION, person):
        raise StakeholdersError(_("Only the person, or the secretariat, can lift this protection."))
    with transaction.atomic():
        person.at_risk = at_risk
        person.save(update_fields=["at_risk"])
        audit.record(
            "stakeholders.person.protection_changed",
            actor=actor,
            obj=person,
            data={"at_risk": at_risk},
        )
    return person


def create_thematic_area(*, actor: Any, slug: str, name: str) -> ThematicArea:
    """Add a term to the vocabulary."""
    with transaction.atomic():
        area = ThematicArea(slug=slug, name=name.strip())
        area.full_clean()
        area.save()
        audit.record("stakeholders.area.created", actor=actor, obj=area, data={"slug": slug})
    return area


def update_thematic_area(
    area: ThematicArea, *, actor: Any, name: str, is_active: bool
) -> ThematicArea:
    """Rename a term or stop offering it (organisations keep it)."""
    with transaction.atomic():
        area.name, area.is_active = name.strip(), is_active
        area.full_clean()
        area.save()
        audit.record(
            "stakeholders.area.updated",
            actor=actor,
            obj=area,
            data={"name": area.name, "is_active": is_active},
        )
    return area
