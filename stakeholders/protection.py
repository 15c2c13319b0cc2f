"""Protection for people at risk: the one place that decides whose names a viewer may see.

A person marked at risk, and every person of an organisation marked at risk, is named only to
the platform's secretariat, to the secretariat of a process the organisation applied to, and
to the organisation's own administrators. An organisation that chose to appear publicly only by
region is named only to them, and, in the dossiers of its applications, to the Member States
that read them (the non-objection procedure names applicants to States); to everyone else it is
"an organisation based in <region>".
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import is_platform_secretariat, staff_process_ids
from core.caches import user_memo

from .choices import Region
from .models import Application, Membership, Organisation
from .querysets import organisation_ids

# The words that follow "An organisation based in".
REGION_PLACES: dict[str, Any] = {
    Region.AFRICAN: gettext_lazy("Africa"),
    Region.ASIA_PACIFIC: gettext_lazy("Asia and the Pacific"),
    Region.EASTERN_EUROPEAN: gettext_lazy("Eastern Europe"),
    Region.LATIN_AMERICAN_CARIBBEAN: gettext_lazy("Latin America and the Caribbean"),
    Region.WESTERN_EUROPEAN_OTHERS: gettext_lazy("Western Europe or another State of that group"),
}


ANONYMISED_DUPLICATE = gettext_lazy(
    "An organisation with this name is already registered in this country. "
    "Contact the secretariat if you represent it."
)


def _runs_a_process_of(viewer: Any, organisation: Organisation) -> bool:
    """Secretariat of a process the organisation applied to (every process: platform-wide)."""
    ids = staff_process_ids(viewer)
    if ids is None:
        return True
    if not ids:
        return False
    applicants = user_memo(
        viewer,
        "stakeholders.applicant_organisations",
        lambda: set(
            Application.objects.filter(process_id__in=ids).values_list("organisation_id", flat=True)
        ),
    )
    return organisation.pk in applicants


def administers(viewer: Any, organisation: Organisation) -> bool:
    return organisation.pk in organisation_ids(viewer, admin=True)


def sees_everything(viewer: Any, organisation: Organisation | None = None) -> bool:
    """True for the platform's secretariat; about one organisation, also for the secretariat of
    a process it applied to and for its own administrators."""
    if is_platform_secretariat(viewer):
        return True
    if organisation is None:
        return False
    return administers(viewer, organisation) or _runs_a_process_of(viewer, organisation)


def _region_label(region: str) -> str:
    place = REGION_PLACES.get(region) or _("a place outside the UN regional groups")
    return _("An organisation based in %(place)s") % {"place": place}


def region_labels() -> list[str]:
    """Every way an organisation shown only by region may be called (to search on them)."""
    return [_region_label(region) for region in [*REGION_PLACES, ""]]


def display_name(organisation: Organisation, viewer: Any) -> str:
    """The organisation's name, or "an organisation based in <region>" where it asked for that."""
    if not organisation.public_as_region or sees_everything(viewer, organisation):
        return organisation.name
    return _region_label(organisation.region)


def is_anonymised(organisation: Organisation, viewer: Any) -> bool:
    return organisation.public_as_region and not sees_everything(viewer, organisation)


def person_is_hidden(person: Any, organisation: Organisation | None, viewer: Any) -> bool:
    if sees_everything(viewer, organisation):
        return False
    return bool(person.at_risk or (organisation is not None and organisation.at_risk))


def visible_memberships(organisation: Organisation, viewer: Any) -> list[Membership]:
    """The organisation's people whose names the viewer may see."""
    # .all() so that a prefetch of memberships__user (list pages) is used, not a query per row.
    members = sorted(organisation.memberships.all(), key=lambda m: m.user.display_name)
    return [m for m in members if not person_is_hidden(m.user, organisation, viewer)]


def person_label(person: Any, organisation: Organisation | None, viewer: Any) -> str:
    """A person's name, or a neutral label where the person is protected."""
    if person is None:
        return ""
    if person_is_hidden(person, organisation, viewer):
        return _("A representative (name withheld)")
    return person.display_name or _("A representative")


def audit_person_labels(ids: list[str], viewer: Any) -> dict[str, str]:
    """People's names on the audit page, as this rule names them anywhere else: each person's
    own name to them; every name to the platform's secretariat; to others, the names of people
    they could read on some organisation's page or dossier (a person at risk, or of an
    organisation at risk, stays "user #<id>" unless the viewer sees everything about one of their
    organisations)."""
    wanted = [i for i in ids if i.isdigit()]
    if not wanted or not getattr(viewer, "is_authenticated", False):
        return {}
    people = get_user_model().objects.filter(pk__in=wanted)
    if is_platform_secretariat(viewer):  # who sees every name needs no memberships
        return {str(p.pk): p.display_name or p.email for p in people}
    people = people.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    )
    return {
        str(person.pk): person.display_name or person.email
        for person in people
        if person.pk == viewer.pk or _named_somewhere(person, viewer)
    }


def _named_somewhere(person: Any, viewer: Any) -> bool:
    organisations = [m.organisation for m in person.memberships.all()]
    if not organisations:
        return not person_is_hidden(person, None, viewer)
    return any(not person_is_hidden(person, o, viewer) for o in organisations)
