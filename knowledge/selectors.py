"""Reads of the knowledge base, always through the viewer's scope (`restrict`), with the joins
that keep list pages at a fixed number of queries."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _l
from django_countries import countries as country_names

from core.permissions import has_perm
from stakeholders.choices import Region
from stakeholders.models import Organisation, ThematicArea
from stakeholders.protection import display_name, is_anonymised

from .choices import FACETS, ActorRole, RecordState, RecordType, Sector, VersionState
from .models import EvidenceDocument, Record, RecordActor, RecordFacet, RecordVersion
from .permissions import CHANGE, MODERATE
from .search import Query, backend, id_list, parse_query, plain

SNIPPET_CHARS = 240


def _with_relations(records: QuerySet[Record]) -> QuerySet[Record]:
    return records.select_related("process").prefetch_related(
        Prefetch("actors", queryset=RecordActor.objects.select_related("organisation")),
        "thematic_areas",
    )


def _for_hits(records: QuerySet[Record]) -> QuerySet[Record]:
    # A hit shows its process, never its actors or areas: those are read on the record's page.
    return records.select_related("process")


def record_for(viewer: Any, public_id: str) -> Record:
    """A record the viewer may read, or Http404 (its existence is not revealed)."""
    return get_object_or_404(
        _with_relations(Record.objects.restrict(viewer, "view")).select_related("organisation"),
        public_id=public_id,
    )


# Search ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    record: Record
    title: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Search:
    """A search of the published records as one viewer may see them: `records` in their order
    (to paginate), `matching` the same, unordered (to count by facet)."""

    viewer: Any
    query: Query | None
    filters: dict[str, str]
    records: Any = field(repr=False)
    matching: QuerySet[Record] = field(repr=False)

    def hits(self, page: list[Record]) -> list[Hit]:
        """The page's records with their highlighted title and snippet."""
        found = backend().snippets([r.pk for r in page], self.query) if self.query else {}
        return [_hit(record, found.get(record.pk)) for record in page]

    @property
    def count_is_lower_bound(self) -> bool:
        """Whether more records are found than counted: a search with words counts its matches
        up to search.WINDOW (`records.count()`), and the facets among those newest ones."""
        return bool(getattr(self.records, "count_is_lower_bound", False))

    def facets(self) -> dict[str, list[FacetValue]]:
        """Each facet's values among the records found, with how many records hold each (with
        words, among the newest search.WINDOW found: all of them unless `count_is_lower_bound`)."""
        found: Any = self.matching.order_by().values("pk")
        if self.query is not None:
            found = id_list(self.records.window())
        rows = (
            RecordFacet.objects.filter(record_id__in=found)
            .values_list("facet", "value")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for facet, value, n in rows:
            counts.setdefault(facet, {})[value] = n
        labels = _facet_labels(set(counts["area"]) | {self.filters.get("area", "")})
        return {
            name: sorted(
                (
                    FacetValue(v, labels[name].get(v, v), n, self.filters.get(name) == v)
                    for v, n in counts[name].items()
                ),
                key=lambda f: (-f.count, f.label.casefold()),
            )
            for name in FACETS
        }


def _hit(record: Record, marked: tuple[SafeString, SafeString] | None) -> Hit:
    if marked is not None:
        return Hit(record, marked[0], marked[1])
    text = plain(record.summary)
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return Hit(record, escape(record.title), escape(text))


def _facet_labels(areas: set[str]) -> dict[str, dict[str, str]]:
    return {
        "type": {k: str(v) for k, v in RecordType.choices},
        "sector": {k: str(v) for k, v in Sector.choices},
        "region": {k: str(v) for k, v in Region.choices},
        "area": dict(ThematicArea.objects.filter(slug__in=areas).values_list("slug", "name")),
    }


FILTERS = ("type", "region", "sector", "area", "language", "process")


def search(
    viewer: Any, *, text: str = "", filters: dict[str, str] | None = None, language: str = "en"
) -> Search:
    """Published records the viewer may see that match the words (ranked, best first) and the
    filters (newest first without words). InvalidSearch for words that cannot be searched."""
    filters = {k: v for k, v in (filters or {}).items() if k in FILTERS and v}
    query = parse_query(text, filters.get("language") or language)
    records = Record.objects.restrict(viewer, "view").filter(state=RecordState.PUBLISHED)
    for name, column in (("type", "record_type"), ("sector", "sector"), ("language", "language")):
        if name in filters:
            records = records.filter(**{column: filters[name]})
    if "process" in filters:
        records = records.filter(process__slug=filters["process"])
    for name in ("region", "area"):
        if name in filters:
            tagged = RecordFacet.objects.filter(facet=name, value=filters[name])
            records = records.filter(pk__in=tagged.values("record_id"))
    if query is None:
        ordered = _for_hits(records).order_by("-published_at", "pk")
        return Search(viewer, None, filters, ordered, records)
    facets = [(name, filters[name]) for name in FACETS if name in filters]
    ranked = backend().match(records, query, _for_hits, facets)
    return Search(viewer, query, filters, ranked, ranked.matching)


# A record's page ---------------------------------------------------------------------------------


def actors_of(record: Record, viewer: Any) -> list[dict[str, Any]]:
    """Who took part, as the viewer may read them (the registry's protection rule)."""
    roles = dict(ActorRole.choices)
    return [
        {
            "name": display_name(a.organisation, viewer),
            "anonymised": is_anonymised(a.organisation, viewer),
            "organisation": a.organisation,
            "role": roles.get(a.role, a.role),
            "kind": a.organisation.get_kind_display(),
        }
        for a in record.actors.all()
    ]


def countries_of(record: Record) -> list[str]:
    return [str(country_names.name(str(c))) for c in record.countries]


def regions_of(record: Record) -> list[str]:
    labels = dict(Region.choices)
    return [str(labels.get(r, r)) for r in record.regions]


def articles_of(record: Record, viewer: Any) -> list[dict[str, Any]]:
    """The articles the record is linked to, of the texts the viewer may read."""
    from drafts.permissions import VIEW as VIEW_TEXT

    rows = []
    elements = record.articles.select_related("revision__text__process").prefetch_related("texts")
    for element in elements:
        revision = element.revision
        if not has_perm(viewer, VIEW_TEXT, revision):
            continue
        texts = {t.language: t for t in element.texts.all()}
        wording = texts.get(revision.language) or next(iter(texts.values()), None)
        label = " ".join(x for x in (wording.num, wording.heading) if x) if wording else element.eid
        rows.append(
            {
                "label": label or element.eid,
                "text": revision.text.title,
                "revision": revision,
                "url": f"/texts/{revision.text.slug}/revisions/{revision.number}/#{element.eid}",
            }
        )
    return rows


def article_choices(viewer: Any, process: Any = None) -> list[tuple[int, str]]:
    """Articles the viewer may link a record to: those of the latest revision of each text it
    may read (of the process, or of every process it may see)."""
    from core.selectors import processes_visible_to
    from drafts import selectors as drafts

    processes = [process] if process is not None else list(processes_visible_to(viewer))
    choices: list[tuple[int, str]] = []
    for found in processes:
        for text in drafts.texts_in(found, viewer):
            revisions = drafts.revisions_of(text)
            if not revisions:
                continue
            for item in drafts.articles(drafts.tree(revisions[-1])):
                label = " ".join(x for x in (item.num, item.heading) if x) or item.eid
                choices.append((item.element.pk, f"{text.title} — {label}"))
    return choices


def documents_of(
    record: Record, viewer: Any, version: RecordVersion | None = None
) -> list[EvidenceDocument]:
    """The PDFs shown with the record; with a version, those it lists (for its moderators and
    contributor, before it is published)."""
    if version is None:
        return list(record.documents.filter(shown=True))
    return list(record.documents.filter(public_id__in=version.content.get("documents", [])))


def document_for(record: Record, viewer: Any, public_id: str) -> EvidenceDocument:
    """One of the record's PDFs: shown ones for whoever reads the record, the others for its
    contributor and moderators."""
    documents = record.documents.all()
    if not has_perm(viewer, CHANGE, record):
        documents = documents.filter(shown=True)
    return get_object_or_404(documents, public_id=public_id)


def pending_version(record: Record) -> RecordVersion | None:
    return record.versions.filter(state=VersionState.PENDING).select_related("created_by").first()


def versions_of(record: Record, viewer: Any) -> QuerySet[RecordVersion]:
    """The versions the viewer may read: the published ones, and all of them for the
    contributor and the record's moderators."""
    return (
        RecordVersion.objects.restrict(viewer, "view")
        .filter(record=record)
        .select_related("created_by", "moderated_by")
        .order_by("-number")
    )


def version_for(viewer: Any, public_id: str, number: int) -> RecordVersion:
    return get_object_or_404(
        RecordVersion.objects.restrict(viewer, "view").select_related(
            "record__process", "record__organisation", "created_by"
        ),
        record__public_id=public_id,
        number=number,
    )


# Queues ------------------------------------------------------------------------------------------


def moderation_queue(viewer: Any) -> QuerySet[RecordVersion]:
    """The versions awaiting moderation in the processes the viewer moderates, oldest first."""
    return (
        RecordVersion.objects.restrict(viewer, "moderate")
        .filter(state=VersionState.PENDING)
        .select_related("record__process", "record__organisation", "created_by")
        .order_by("created_at", "pk")
    )


def contributions_of(viewer: Any) -> QuerySet[Record]:
    """The viewer's own records, in every state."""
    if not getattr(viewer, "is_authenticated", False):
        return Record.objects.none()
    return (
        Record.objects.restrict(viewer, "view")
        .filter(contributed_by=viewer)
        .select_related("process")
        .order_by("-updated_at")
    )


def may_moderate(record: Record, viewer: Any) -> bool:
    return has_perm(viewer, MODERATE, record)


def audit_labels(ids: list[str], viewer: Any) -> dict[str, str]:
    """Records' titles on the audit page, for those the viewer may read."""
    wanted = [i for i in ids if i.isdigit()]
    found = Record.objects.restrict(viewer, "view").filter(pk__in=wanted)
    return {str(pk): title for pk, title in found.values_list("pk", "title")}


# A version's content, to read ------------------------------------------------------------------

FIELD_LABELS = {
    "record_type": _l("Type"),
    "title": _l("Title"),
    "summary": _l("Summary"),
    "sector": _l("Sector"),
    "mechanism": _l("Mechanism"),
    "countries": _l("Countries"),
    "regions": _l("UN regional groups"),
    "started_in": _l("Started in"),
    "ended_in": _l("Ended in"),
    "outcomes": _l("Outcomes"),
    "actors": _l("Organisations and their roles"),
    "areas": _l("Thematic areas"),
    "articles": _l("Articles of the negotiating text"),
    "links": _l("Evidence: links"),
    "documents": _l("Evidence: PDFs"),
    "licence": _l("Licence"),
    "language": _l("Language"),
}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def describe(content: dict[str, Any], viewer: Any, record: Record) -> dict[str, str]:
    """Each field of a version's content as text to read (names as the viewer may read them)."""
    from drafts.models import Element

    from .choices import Language, Licence, Mechanism

    choices: dict[str, dict[str, Any]] = {
        "record_type": dict(RecordType.choices),
        "sector": dict(Sector.choices),
        "mechanism": dict(Mechanism.choices),
        "licence": dict(Licence.choices),
        "language": dict(Language.choices),
    }
    out = {
        name: str(choices[name].get(str(content.get(name)), content.get(name) or ""))
        for name in choices
    }
    for name in ("title", "summary", "outcomes"):
        out[name] = content.get(name) or ""
    for name in ("started_in", "ended_in"):
        out[name] = str(content.get(name) or "—")
    out["countries"] = ", ".join(str(country_names.name(c)) for c in content.get("countries", []))
    regions = dict(Region.choices)
    out["regions"] = ", ".join(str(regions.get(r, r)) for r in content.get("regions", []))
    organisations = {
        o.public_id: o
        for o in Organisation.objects.filter(
            public_id__in=[a["organisation"] for a in content.get("actors", [])]
        )
    }
    roles = dict(ActorRole.choices)
    out["actors"] = "; ".join(
        "{} ({})".format(
            display_name(organisations[a["organisation"]], viewer), roles.get(a["role"], a["role"])
        )
        for a in content.get("actors", [])
        if a["organisation"] in organisations
    )
    areas = dict(
        ThematicArea.objects.filter(slug__in=content.get("areas", [])).values_list("slug", "name")
    )
    out["areas"] = ", ".join(areas.get(s, s) for s in content.get("areas", []))
    elements = Element.objects.filter(pk__in=content.get("articles", [])).select_related(
        "revision__text"
    )
    out["articles"] = ", ".join(f"{e.revision.text.title} {e.eid}" for e in elements)
    out["links"] = "\n".join(
        f"{link['label']} <{link['url']}>" for link in content.get("links", [])
    )
    names = dict(
        record.documents.filter(public_id__in=content.get("documents", [])).values_list(
            "public_id", "original_name"
        )
    )
    out["documents"] = ", ".join(names.get(d, d) for d in content.get("documents", []))
    return out


def changes_between(
    before: dict[str, Any], after: dict[str, Any], viewer: Any, record: Record
) -> list[dict[str, str]]:
    """The fields a version changes, each as it was and as proposed."""
    from .content import changed_fields

    old, new = describe(before, viewer, record), describe(after, viewer, record)
    return [
        {"field": field_label(name), "before": old[name], "after": new[name]}
        for name in changed_fields(before, after)
    ]
