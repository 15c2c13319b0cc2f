"""Who may see and do what in the registry: one definition, for lists, pages and endpoints alike.

In the manner of NetBox's `restrict(user, action)`: for a user, each action on a model is a
condition (a `Q`). Lists filter by it (`Application.objects.restrict(user, "view")`); the
permission on one object (permissions.py) tests the very same condition on that object in memory
(`allows`), so that a list never shows what its detail refuses, and checking one object costs no
query.

This module imports no model of its own app (models.py imports it): it reaches other models
through `self.model` and the relations' names.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from accounts.choices import Role
from accounts.selectors import grants_of, member_state_of
from core.caches import user_memo
from core.choices import PUBLIC_PROCESS_STATUSES
from core.roles import is_platform_secretariat, staff_process_ids

from .choices import DEFAULT_OBJECTION_TRANSPARENCY, MemberRole, ObjectionTransparency
from .choices import ApplicationState as S

# Member States read the dossiers of circulated applications, and what followed.
CIRCULATED_ONWARD = (S.CIRCULATED, S.OBJECTED, S.ACCREDITED, S.NOT_ACCREDITED)
NOTHING = Q(pk__in=[])


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def roles_in_organisations(user: Any) -> dict[int, str]:
    """{organisation id: role} of the user's memberships, loaded once per user object."""
    if not _signed_in(user):
        return {}
    return user_memo(
        user,
        "stakeholders.memberships",
        lambda: dict(user.memberships.values_list("organisation_id", "role")),
    )


def organisation_ids(user: Any, *, admin: bool = False) -> list[int]:
    """The organisations the user belongs to (administers, with `admin`)."""
    roles = roles_in_organisations(user)
    return sorted(pk for pk, role in roles.items() if not admin or role == MemberRole.ADMIN)


def _runs(user: Any) -> set[int] | None:
    """The processes the user is secretariat of; None for every process."""
    return staff_process_ids(user) if _signed_in(user) else set()


def _delegate_processes(user: Any) -> set[int] | None:
    """The processes the user is a delegate in; None for every process."""
    ids: set[int] = set()
    for grant in grants_of(user) if _signed_in(user) else []:
        if grant.role == Role.DELEGATE:
            if grant.process_id is None:
                return None
            ids.add(grant.process_id)
    return ids


def _among(lookup: str, ids: Iterable[int] | None) -> Q:
    """`lookup__in=ids`, where None means "any"."""
    return Q() if ids is None else Q(**{f"{lookup}__in": sorted(ids)})


# Organisations -----------------------------------------------------------------------------------

ORGANISATION_ACTIONS = ("view", "apply", "manage")


def organisation_condition(user: Any, action: str = "view") -> Q:
    """`view`: every organisation is listed (some only by region: protection.py); `apply`: one's
    own; `manage`: the ones one administers, all of them for the platform's secretariat."""
    if action not in ORGANISATION_ACTIONS:
        raise ValueError(f"Unknown action {action!r} on organisations.")
    if action == "view":
        return Q()
    if action == "manage" and _signed_in(user) and is_platform_secretariat(user):
        return Q()
    return Q(pk__in=organisation_ids(user, admin=action == "manage"))


# Applications ------------------------------------------------------------------------------------

APPLICATION_ACTIONS = ("view", "edit", "review", "object")


def _public_process(prefix: str) -> Q:
    return Q(**{f"{prefix}process__status__in": PUBLIC_PROCESS_STATUSES})


def _dossier(prefix: str) -> Q:
    """A circulated application (or what followed) in a public process: what States read."""
    return _public_process(prefix) & Q(
        **{f"{prefix}state__in": CIRCULATED_ONWARD, f"{prefix}deadline__isnull": False}
    )


def application_condition(user: Any, action: str = "view", prefix: str = "") -> Q:
    """`view`: the process's secretariat, the applicant's people (in a process they may see) and
    Member State delegates (dossiers of circulated applications); `edit`: the applicant's people;
    `review`: the process's secretariat; `object`: delegates in that process, on a dossier.
    `prefix` reaches applications from another model (`"application__"`)."""
    if action not in APPLICATION_ACTIONS:
        raise ValueError(f"Unknown action {action!r} on applications.")
    if action == "object":
        if not member_state_of(user):
            return NOTHING
        return _among(f"{prefix}process_id", _delegate_processes(user)) & _dossier(prefix)
    runs = _runs(user)
    staff = _among(f"{prefix}process_id", runs)
    own = Q(**{f"{prefix}organisation_id__in": organisation_ids(user)})
    if action == "edit":
        return own if runs is None else own & (_public_process(prefix) | staff)
    if runs is None:
        return Q()
    if action == "review":
        return staff
    view = staff | (own & _public_process(prefix))
    return view | _dossier(prefix) if member_state_of(user) else view


# Objections --------------------------------------------------------------------------------------

OBJECTION_ACTIONS = ("view", "withdraw")


def _transparency_is(*values: str) -> Q:
    field = "application__process__accreditation_settings"
    shown = Q(**{f"{field}__objection_transparency__in": values})
    if DEFAULT_OBJECTION_TRANSPARENCY in values:
        # A process that never changed its settings runs with the default.
        shown |= Q(**{f"{field}__isnull": True})
    return shown


def _published() -> Q:
    return Q(withdrawn_at__isnull=True) & _transparency_is(ObjectionTransparency.PUBLIC)


def objection_condition(user: Any, action: str = "view") -> Q:
    """`view`: all for the process's secretariat; a delegate its own State's; standing ones to
    the applicant where the process tells applicants, and to everyone where it publishes them.
    `withdraw`: one's own State's, on an application one may object to."""
    if action not in OBJECTION_ACTIONS:
        raise ValueError(f"Unknown action {action!r} on objections.")
    own_state = Q(member_state=member_state_of(user)) if member_state_of(user) else NOTHING
    if action == "withdraw":
        return own_state & application_condition(user, "object", "application__")
    runs = _runs(user)
    if runs is None:
        return Q()
    standing = Q(withdrawn_at__isnull=True)
    applicant = Q(application__organisation_id__in=organisation_ids(user))
    told = _transparency_is(ObjectionTransparency.APPLICANT, ObjectionTransparency.PUBLIC)
    return (
        _among("application__process_id", runs)
        | (own_state & application_condition(user, "view", "application__"))
        | (_published() & _public_process("application__"))
        | (standing & told & applicant & _public_process("application__"))
    )


# One object, in memory ---------------------------------------------------------------------------


# Querysets ---------------------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "OrganisationQuerySet":
        """The organisations the user may `action`: the one rule of who sees what."""
        return self.filter(organisation_condition(user, action))

    def _related(self, name: str) -> Any:
        return self.model._meta.get_field(name).related_model

    def accredited_to(self, processes: Any) -> "OrganisationQuerySet":
        """Accredited to one of these processes (a queryset the caller scoped to the viewer)."""
        applications = self._related("applications").objects
        return self.filter(
            Exists(
                applications.filter(
                    organisation=OuterRef("pk"), process__in=processes, state=S.ACCREDITED
                )
            )
        )

    def search(self, text: str, *, include_protected: bool) -> "OrganisationQuerySet":
        """Match names and acronyms, and the names of people the viewer may see."""
        text = text.strip()
        if not text:
            return self
        own = Q(name__icontains=text) | Q(acronym__icontains=text)
        # One uncorrelated subquery for the people, rather than one per organisation.
        people = self._related("memberships").objects.filter(user__display_name__icontains=text)
        if not include_protected:
            # Organisations shown only by region cannot be found by name, and protected people
            # cannot be found at all.
            own &= Q(public_as_region=False)
            people = people.filter(
                user__at_risk=False,
                organisation__at_risk=False,
                organisation__public_as_region=False,
            )
        return self.filter(own | Q(pk__in=people.values("organisation_id")))

    def directory(
        self, filters: dict[str, Any], *, include_protected: bool, processes: Any
    ) -> "OrganisationQuerySet":
        """Filters that never repeat a row (subqueries, not joins), so no DISTINCT is needed."""
        qs = self
        for field in ("kind", "region"):
            if filters.get(field):
                qs = qs.filter(**{field: filters[field]})
        # Country, status and areas are not shown for organisations that appear only by
        # region, so filtering on them must not find those organisations either.
        hidden = Q() if include_protected else Q(public_as_region=False)
        for field in ("ecosoc_status", "country"):
            if filters.get(field):
                qs = qs.filter(hidden, **{field: filters[field]})
        if filters.get("area"):
            tagged = self.model.thematic_areas.through.objects.filter(
                thematicarea__slug=filters["area"]
            )
            qs = qs.filter(hidden, pk__in=tagged.values("organisation_id"))
        if filters.get("accredited_to"):
            qs = qs.accredited_to(processes.filter(slug=filters["accredited_to"]))
        if filters.get("q"):
            qs = qs.search(filters["q"], include_protected=include_protected)
        return qs


class ApplicationQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "ApplicationQuerySet":
        """The applications the user may `action`: the one rule of who sees what."""
        return self.filter(application_condition(user, action))

    def open(self) -> "ApplicationQuerySet":
        return self.exclude(state__in=[S.WITHDRAWN, S.NOT_ACCREDITED])

    def accredited(self) -> "ApplicationQuerySet":
        return self.filter(state=S.ACCREDITED)


class DocumentQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "DocumentQuerySet":
        """A supporting document goes with its application: whoever may read one reads both."""
        if action != "view":
            raise ValueError(f"Unknown action {action!r} on documents.")
        return self.filter(application_condition(user, "view", "application__"))


class ObjectionQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "ObjectionQuerySet":
        """The objections the user may `action`: the one rule of who learns of which."""
        return self.filter(objection_condition(user, action))

    def published(self) -> "ObjectionQuerySet":
        """Standing objections where the process publishes them (naming the State)."""
        return self.filter(_published())
