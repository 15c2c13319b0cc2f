"""A record's content as one dictionary: what a version stores, what a contribution or a
change proposes, checked here against the rules (the registry's organisations, the vocabulary
of areas, the articles the contributor may read), compared field by field, and written to the
record when published."""

import re
import unicodedata
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from stakeholders.choices import Region
from stakeholders.models import Organisation, ThematicArea
from stakeholders.regions import region_of

from .choices import ActorRole, Language, Licence, Mechanism, RecordType, Sector
from .exceptions import InvalidRecord
from .models import FIRST_YEAR, EvidenceDocument, Record, RecordActor

# Every field of the content, in the order they are shown and compared.
FIELDS = (
    "record_type",
    "title",
    "summary",
    "sector",
    "mechanism",
    "countries",
    "regions",
    "started_in",
    "ended_in",
    "outcomes",
    "actors",
    "areas",
    "articles",
    "links",
    "documents",
    "licence",
    "language",
)
CHOICES = {
    "record_type": RecordType,
    "sector": Sector,
    "mechanism": Mechanism,
    "licence": Licence,
    "language": Language,
}
MAX_TEXT = 20_000
MAX_ACTORS = 30
MAX_LINKS = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.found[field].append(message)

    def raise_any(self) -> None:
        if self.found:
            raise InvalidRecord(dict(self.found))


def _text(data: dict[str, Any], field: str, errors: _Errors, *, required: bool, limit: int) -> str:
    value = data.get(field)
    value = "" if value is None else value
    if not isinstance(value, str):
        errors.add(field, _("Give text."))
        return ""
    if "\x00" in value:
        errors.add(field, _("The text contains a NUL character, which is not allowed."))
        return ""
    value = _CONTROL.sub("", value).strip()
    if required and not value:
        errors.add(field, _("This field is required."))
    if len(value) > limit:
        errors.add(
            field,
            _("At most %(limit)s characters (this has %(n)s).") % {"limit": limit, "n": len(value)},
        )
    return value


def _line(data: dict[str, Any], field: str, errors: _Errors, *, limit: int) -> str:
    raw = data.get(field)
    if isinstance(raw, str) and any(unicodedata.category(c) == "Cc" for c in raw):
        errors.add(field, _("Use one line of ordinary text: no line breaks or control characters."))
        return ""
    return _text(data, field, errors, required=True, limit=limit)


def _choice(data: dict[str, Any], field: str, errors: _Errors) -> str:
    value = data.get(field)
    allowed = CHOICES[field]
    if value in (None, "") and field in ("licence", "language"):
        return str(allowed.values[0])
    if value not in allowed.values:
        errors.add(field, _("Choose one of: %(values)s.") % {"values": ", ".join(allowed.values)})
        return ""
    return str(value)


def _year(data: dict[str, Any], field: str, errors: _Errors) -> int | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    last = timezone.now().year + 5
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdecimal():
        errors.add(field, _("Give a year, such as 2021."))
        return None
    year = int(value)
    if not FIRST_YEAR <= year <= last:
        errors.add(
            field,
            _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last},
        )
        return None
    return year


def _strings(data: dict[str, Any], field: str, errors: _Errors) -> list[str]:
    value = data.get(field) or []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.add(field, _("Give a list."))
        return []
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _countries(data: dict[str, Any], errors: _Errors) -> list[str]:
    codes = [c.upper() for c in _strings(data, "countries", errors)]
    unknown = [c for c in codes if not country_names.name(c)]
    if unknown:
        errors.add(
            "countries", _("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown[:5])}
        )
    return sorted(c for c in codes if c not in unknown)


def _regions(data: dict[str, Any], countries: list[str], errors: _Errors) -> list[str]:
    chosen = _strings(data, "regions", errors)
    unknown = [r for r in chosen if r not in Region.values]
    if unknown:
        errors.add(
            "regions",
            _("Unknown regional groups: %(values)s.") % {"values": ", ".join(unknown[:5])},
        )
    derived = {region_of(c) for c in countries} - {""}
    return sorted((set(chosen) - set(unknown)) | derived)


def _actors(data: dict[str, Any], errors: _Errors) -> list[dict[str, str]]:
    value = data.get("actors") or []
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        errors.add("actors", _("Give a list of organisations and their roles."))
        return []
    actors: list[dict[str, str]] = []
    for item in value:
        pair = {
            "organisation": str(item.get("organisation") or ""),
            "role": str(item.get("role") or ""),
        }
        if pair["role"] not in ActorRole.values:
            errors.add(
                "actors",
                _("Choose a role for each organisation: %(values)s.")
                % {"values": ", ".join(ActorRole.values)},
            )
        elif pair not in actors:
            actors.append(pair)
    known = set(
        Organisation.objects.filter(public_id__in=[a["organisation"] for a in actors]).values_list(
            "public_id", flat=True
        )
    )
    missing = [a["organisation"] for a in actors if a["organisation"] not in known]
    if missing:
        errors.add(
            "actors",
            _("No organisation of the registry has the id %(ids)s.")
            % {"ids": ", ".join(missing[:5])},
        )
    if not actors and not missing:
        errors.add("actors", _("Name at least one organisation of the registry and its role."))
    if len(actors) > MAX_ACTORS:
        errors.add("actors", _("At most %(n)s organisations.") % {"n": MAX_ACTORS})
    return actors


def _areas(data: dict[str, Any], errors: _Errors, record: Record | None) -> list[str]:
    slugs = _strings(data, "areas", errors)
    offered = set(
        ThematicArea.objects.filter(slug__in=slugs, is_active=True).values_list("slug", flat=True)
    )
    if record is not None and record.pk:
        offered |= set(record.thematic_areas.filter(slug__in=slugs).values_list("slug", flat=True))
    unknown = [s for s in slugs if s not in offered]
    if unknown:
        errors.add(
            "areas",
            _("These are not thematic areas offered: %(slugs)s.")
            % {"slugs": ", ".join(unknown[:5])},
        )
    return sorted(s for s in slugs if s in offered)


def _articles(data: dict[str, Any], errors: _Errors, viewer: Any) -> list[int]:
    from core.permissions import has_perm
    from drafts.models import Element
    from drafts.permissions import VIEW as VIEW_TEXT

    value = data.get("articles") or []
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        errors.add("articles", _("Give a list of article ids."))
        return []
    found = Element.objects.filter(pk__in=value, kind="article").select_related(
        "revision__text__process"
    )
    readable = {e.pk for e in found if has_perm(viewer, VIEW_TEXT, e.revision)}
    if set(value) - readable:
        errors.add(
            "articles", _("Some of these are not articles of a negotiating text you can read.")
        )
    return sorted(readable & set(value))


def _links(data: dict[str, Any], errors: _Errors) -> list[dict[str, str]]:
    value = data.get("links") or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors.add("links", _("Give a list of links, each with a url and a label."))
        return []
    check = URLValidator(schemes=["http", "https"])
    links: list[dict[str, str]] = []
    for item in value:
        url, label = str(item.get("url") or "").strip(), str(item.get("label") or "").strip()
        try:
            check(url)
        except ValidationError:
            errors.add(
                "links", _("“%(url)s” is not a web address (http or https).") % {"url": url[:80]}
            )
            continue
        if len(url) > 500 or len(label) > 200 or _CONTROL.search(label) or "\n" in label:
            errors.add(
                "links", _("Keep each address under 500 characters and each label to one line.")
            )
            continue
        links.append({"url": url, "label": label or url})
    if len(links) > MAX_LINKS:
        errors.add("links", _("At most %(n)s links.") % {"n": MAX_LINKS})
    return links


def _documents(data: dict[str, Any], errors: _Errors, record: Record | None) -> list[str]:
    ids = _strings(data, "documents", errors)
    if not ids:
        return []
    own = set()
    if record is not None and record.pk:
        own = set(record.documents.filter(public_id__in=ids).values_list("public_id", flat=True))
    if set(ids) - own:
        errors.add("documents", _("Some of these documents are not this record's."))
    return [i for i in ids if i in own]


def clean_content(
    data: dict[str, Any], *, viewer: Any, record: Record | None = None
) -> dict[str, Any]:
    """The content checked against every rule and put in its one form; InvalidRecord lists
    what is wrong, field by field."""
    errors = _Errors()
    content: dict[str, Any] = {field: _choice(data, field, errors) for field in CHOICES}
    content["title"] = _line(data, "title", errors, limit=250)
    content["summary"] = _text(data, "summary", errors, required=True, limit=MAX_TEXT)
    content["outcomes"] = _text(data, "outcomes", errors, required=False, limit=MAX_TEXT)
    content["countries"] = _countries(data, errors)
    content["regions"] = _regions(data, content["countries"], errors)
    content["started_in"] = _year(data, "started_in", errors)
    content["ended_in"] = _year(data, "ended_in", errors)
    if (
        content["started_in"]
        and content["ended_in"]
        and content["ended_in"] < content["started_in"]
    ):
        errors.add("ended_in", _("The end comes before the start."))
    content["actors"] = _actors(data, errors)
    content["areas"] = _areas(data, errors, record)
    content["articles"] = _articles(data, errors, viewer)
    content["links"] = _links(data, errors)
    content["documents"] = _documents(data, errors, record)
    errors.raise_any()
    return {field: content[field] for field in FIELDS}


def content_of(record: Record) -> dict[str, Any]:
    """The record's content as it stands, in the form `clean_content` gives."""
    return {
        "record_type": record.record_type,
        "title": record.title,
        "summary": record.summary,
        "sector": record.sector,
        "mechanism": record.mechanism,
        "countries": sorted(str(c) for c in record.countries),
        "regions": sorted(record.regions),
        "started_in": record.started_in,
        "ended_in": record.ended_in,
        "outcomes": record.outcomes,
        "actors": [
            {"organisation": a.organisation.public_id, "role": a.role}
            for a in record.actors.select_related("organisation").order_by("position", "id")
        ],
        "areas": sorted(record.thematic_areas.values_list("slug", flat=True)),
        "articles": sorted(record.articles.values_list("pk", flat=True)),
        "links": list(record.links),
        "documents": list(
            record.documents.filter(shown=True)
            .order_by("uploaded_at", "id")
            .values_list("public_id", flat=True)
        ),
        "licence": record.licence,
        "language": record.language,
    }


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [field for field in FIELDS if before.get(field) != after.get(field)]


SCALARS = (
    "record_type",
    "title",
    "summary",
    "sector",
    "mechanism",
    "regions",
    "started_in",
    "ended_in",
    "outcomes",
    "links",
    "licence",
    "language",
)


def apply_content(record: Record, content: dict[str, Any]) -> None:
    """Write the content to the record and its relations (the record is saved first)."""
    from drafts.models import Element

    for field in SCALARS:
        setattr(record, field, content[field])
    record.countries = content["countries"]
    record.save()
    record.thematic_areas.set(ThematicArea.objects.filter(slug__in=content["areas"]))
    record.articles.set(Element.objects.filter(pk__in=content["articles"]))
    organisations = dict(
        Organisation.objects.filter(
            public_id__in=[a["organisation"] for a in content["actors"]]
        ).values_list("public_id", "pk")
    )
    record.actors.all().delete()
    RecordActor.objects.bulk_create(
        [
            RecordActor(
                record=record,
                organisation_id=organisations[a["organisation"]],
                role=a["role"],
                position=n,
            )
            for n, a in enumerate(content["actors"])
        ]
    )
    shown = set(content["documents"])
    for document in EvidenceDocument.objects.filter(record=record):
        if document.shown != (document.public_id in shown):
            document.shown = document.public_id in shown
            document.save(update_fields=["shown"])
