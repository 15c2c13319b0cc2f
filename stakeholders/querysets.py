from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q


class OrganisationQuerySet(models.QuerySet):
    def accredited_to(self, processes: Any) -> "OrganisationQuerySet":
        """Accredited to one of these processes (a queryset the caller scoped to the viewer)."""
        from .models import Application

        return self.filter(
            Exists(
                Application.objects.filter(
                    organisation=OuterRef("pk"), process__in=processes, state="accredited"
                )
            )
        )

    def search(self, text: str, *, include_protected: bool) -> "OrganisationQuerySet":
        """Match names and acronyms, and the names of people the viewer may see."""
        from .models import Membership

        text = text.strip()
        if not text:
            return self
        own = Q(name__icontains=text) | Q(acronym__icontains=text)
        # One uncorrelated subquery for the people, rather than one per organisation.
        people = Membership.objects.filter(user__display_name__icontains=text)
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
    def open(self) -> "ApplicationQuerySet":
        return self.exclude(state__in=["withdrawn", "not_accredited"])

    def accredited(self) -> "ApplicationQuerySet":
        return self.filter(state="accredited")
