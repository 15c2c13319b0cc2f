"""What the registry holds about a person: memberships, the applications they wrote, the
invitations sent to them and the objections they lodged for their State."""

from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import MemberRole
from .models import Application, Invitation, Membership, Objection

TITLE = gettext_lazy("Organisations and accreditation")
LABELS = {
    "memberships": gettext_lazy("Memberships"),
    "applications_written": gettext_lazy("Applications you wrote"),
    "invitations_received": gettext_lazy("Invitations you received"),
    "objections_lodged": gettext_lazy("Objections you lodged"),
}


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(user: Any) -> dict[str, Any]:
    """Memberships, applications written, invitations received, objections lodged."""
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    applications = Application.objects.filter(created_by=user).select_related(
        "organisation", "process"
    )
    invitations = Invitation.objects.filter(email__iexact=user.email).select_related("organisation")
    objections = Objection.objects.filter(raised_by=user).select_related(
        "application__organisation", "application__process"
    )
    return {
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_id": m.organisation.public_id,
                "role": m.role,
                "joined": _when(m.created_at),
            }
            for m in memberships.order_by("pk")
        ],
        "applications_written": [_application(a) for a in applications.order_by("pk")],
        "invitations_received": [
            {
                "organisation": i.organisation.name,
                "role": i.role,
                "sent": _when(i.created_at),
                "accepted": _when(i.accepted_at),
            }
            for i in invitations.order_by("pk")
        ],
        "objections_lodged": [
            {
                "id": o.public_id,
                "member_state": o.member_state,
                "organisation": o.application.organisation.name,
                "process": o.application.process.slug,
                "basis": o.basis,
                "disclose": o.disclose,
                "lodged": _when(o.created_at),
                "withdrawn": _when(o.withdrawn_at),
            }
            for o in objections.order_by("pk")
        ],
    }


def _application(a: Application) -> dict[str, Any]:
    return {
        "organisation": a.organisation.name,
        "process": a.process.slug,
        "track": a.track,
        "state": a.state,
        "statement": a.statement,
        "created": _when(a.created_at),
        "submitted": _when(a.submitted_at),
        "decided": _when(a.decided_at),
    }


def _orphaned_by(user: Any) -> list[Any]:
    """Organisations the person is the last administrator of while others remain in them."""
    from .models import Organisation

    administered = Membership.objects.filter(user=user, role=MemberRole.ADMIN)
    if transaction.get_connection().in_atomic_block:
        # Inside the erasure: lock the organisations first, as removing a member does, so that
        # two administrators deleting their accounts at once cannot both be "not the last".
        list(
            Organisation.objects.select_for_update()
            .filter(pk__in=administered.values("organisation_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return list(
        # By id: filtering on the memberships themselves would make the counts count only those.
        Organisation.objects.filter(pk__in=administered.values("organisation_id"))
        .annotate(
            admins=Count("memberships", filter=Q(memberships__role=MemberRole.ADMIN)),
            members=Count("memberships"),
        )
        .filter(admins=1, members__gt=1)
        .order_by("name")
    )


def refuse(user: Any) -> list[str]:
    """The last administrator of an organisation with other members hands it over first."""
    return [
        _(
            "You are the last administrator of %(organisation)s. Make another of its members an "
            "administrator, or remove them, before you delete your account."
        )
        % {"organisation": organisation.name}
        for organisation in _orphaned_by(user)
    ]


def erase(user: Any) -> dict[str, int]:
    """Memberships go; applications and objections stay with the organisation or State,
    unlinked from the person (their `created_by`/`raised_by` is set to empty with the row)."""
    return {
        "memberships": Membership.objects.filter(user=user).delete()[0],
        "invitations": Invitation.objects.filter(email__iexact=user.email).delete()[0],
        "applications_unlinked": Application.objects.filter(created_by=user).update(
            created_by=None
        ),
        "objections_unlinked": Objection.objects.filter(raised_by=user).update(raised_by=None),
        "invitations_unlinked": Invitation.objects.filter(invited_by=user).update(invited_by=None),
    }
