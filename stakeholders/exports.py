"""Rows for the directory and accredited-list exports: exactly what the viewer may see.

No column carries a person's name or gender; an organisation shown only by region keeps only
its kind, region and accreditations.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from .models import Application, Organisation
from .protection import display_name, is_anonymised

DIRECTORY_HEADER = [
    "id",
    "name",
    "acronym",
    "kind",
    "ecosoc_status",
    "country",
    "region",
    "website",
    "thematic_areas",
    "accredited_to",
]
ACCREDITED_HEADER = [
    "organisation_id",
    "name",
    "kind",
    "country",
    "region",
    "ecosoc_status",
    "track",
    "accredited_on",
]


def directory_rows(organisations: Iterable[Organisation], viewer: Any) -> Iterator[list[Any]]:
    for o in organisations:
        hidden = is_anonymised(o, viewer)
        accredited = sorted(a.process.slug for a in getattr(o, "accreditations", []))
        yield [
            o.public_id,
            display_name(o, viewer),
            "" if hidden else o.acronym,
            o.kind,
            "" if hidden else o.ecosoc_status,
            "" if hidden else str(o.country),
            o.region,
            "" if hidden else o.website,
            "" if hidden else "; ".join(a.slug for a in o.thematic_areas.all()),
            "; ".join(accredited),
        ]


def accredited_rows(applications: Iterable[Application], viewer: Any) -> Iterator[list[Any]]:
    for a in applications:
        o = a.organisation
        hidden = is_anonymised(o, viewer)
        yield [
            o.public_id,
            display_name(o, viewer),
            o.kind,
            "" if hidden else str(o.country),
            o.region,
            "" if hidden else o.ecosoc_status,
            "" if hidden else a.track,
            a.decided_at.date().isoformat() if a.decided_at else "",
        ]
