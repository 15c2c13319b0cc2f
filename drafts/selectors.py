"""Reads of negotiating texts, always through a visibility scope, with the joins that keep
pages at a fixed number of queries."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.home import Item as HomeItem
from core.models import Process

from .choices import ElementKind, SubmissionState
from .models import Element, ElementText, Revision, Submission, Text


def texts_in(process: Process, viewer: Any) -> QuerySet[Text]:
    """The process's texts the viewer may see, with their revision counts."""
    return (
        Text.objects.restrict(viewer)
        .filter(process=process)
        .annotate(revision_count=Count("revisions"))
        .order_by("title")
    )


def text_for(viewer: Any, slug: str) -> Text:
    return get_object_or_404(Text.objects.restrict(viewer).select_related("process"), slug=slug)


def open_calls_for_home(viewer: Any, limit: int) -> list[HomeItem]:
    """The revisions whose call for submissions is open now (a deadline still ahead) on texts
    the viewer may see: the home page's "open now", closing soonest first."""
    calls = (
        Revision.objects.restrict(viewer)
        .filter(deadline__gt=timezone.now())
        .select_related("text")
        .order_by("deadline", "pk")[:limit]
    )
    return [
        HomeItem(
            f"{r.text.title} — {r.title}",
            reverse("drafts:revision", args=[r.text.slug, r.number]),
            _("Submissions until %(date)s") % {"date": f"{r.deadline:%Y-%m-%d %H:%M} UTC"},
        )
        for r in calls
    ]


def revisions_of(text: Text) -> list[Revision]:
    return list(text.revisions.order_by("number"))


def revision_for(viewer: Any, slug: str, number: int) -> Revision:
    """The revision `number` of the text `slug`, if the viewer may see the text."""
    return get_object_or_404(
        Revision.objects.restrict(viewer).select_related("text__process"),
        text__slug=slug,
        number=number,
    )


def revision_by_id(viewer: Any, pk: int) -> Revision:
    return get_object_or_404(
        Revision.objects.restrict(viewer).select_related("text__process"), pk=pk
    )


def previous_of(revision: Revision) -> Revision | None:
    return (
        Revision.objects.filter(text_id=revision.text_id, number__lt=revision.number)
        .order_by("-number")
        .first()
    )


def next_of(revision: Revision) -> Revision | None:
    return (
        Revision.objects.filter(text_id=revision.text_id, number__gt=revision.number)
        .order_by("number")
        .first()
    )


@dataclass
class Item:
    """An element with its wording in the language read, and its children."""

    element: Element
    num: str = ""
    heading: str = ""
    text: str = ""
    wrap_up: str = ""
    language: str = ""
    children: list["Item"] = field(default_factory=list)

    @property
    def eid(self) -> str:
        return self.element.eid

    @property
    def kind(self) -> str:
        return self.element.kind

    @property
    def level(self) -> int:
        """The heading level: chapters h2, each level below one more (axe: no level skipped)."""
        return min(self.element.depth + 2, 6)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p]

    @property
    def wrap_up_paragraphs(self) -> list[str]:
        return [p for p in self.wrap_up.split("\n\n") if p]

    def walk(self) -> Any:
        yield self
        for child in self.children:
            yield from child.walk()


def language_of(revision: Revision, wanted: str) -> str:
    return wanted if wanted in revision.languages else revision.language


def tree(revision: Revision, language: str = "") -> list[Item]:
    """The revision as a tree of items in one language (the original where it is missing).
    Two queries, whatever the size of the text."""
    language = language_of(revision, language)
    wanted = {language, revision.language}
    elements = list(
        revision.elements.order_by("position").prefetch_related(
            Prefetch("texts", queryset=ElementText.objects.filter(language__in=wanted))
        )
    )
    items: dict[int, Item] = {}
    roots: list[Item] = []
    for element in elements:
        texts = {t.language: t for t in element.texts.all()}
        found = texts.get(language) or texts.get(revision.language)
        item = Item(element=element, language=found.language if found else language)
        if found is not None:
            item.num, item.heading, item.text, item.wrap_up = (
                found.num,
                found.heading,
                found.text,
                found.wrap_up,
            )
        items[element.pk] = item
        parent = items.get(element.parent_id) if element.parent_id else None
        (parent.children if parent else roots).append(item)
    return roots


def flatten(roots: list[Item]) -> list[Item]:
    return [item for root in roots for item in root.walk()]


def articles(roots: list[Item]) -> list[Item]:
    return [item for item in flatten(roots) if item.kind == ElementKind.ARTICLE]


def plain_text(item: Item) -> str:
    """An element and everything in it as plain text, one line per element (diffs, search)."""
    lines = []
    for part in item.walk():
        head = " ".join(x for x in (part.num, part.heading) if x)
        if head and part is item:
            lines.append(head)
        body = " ".join(x for x in (part.num if part is not item else "", part.text) if x)
        if body:
            lines.append(body)
        if part.wrap_up:
            lines.append(part.wrap_up)
    return "\n".join(lines)


def element_for(revision: Revision, eid: str) -> Element:
    found = revision.elements.filter(eid=eid).first()
    if found is None:
        raise Http404
    return found


def element_text(element: Element, language: str) -> ElementText | None:
    return element.texts.filter(language=language).first()


def counts(revision: Revision) -> dict[str, int]:
    """How many elements of each kind the revision holds."""
    rows = revision.elements.values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


# Submissions ---------------------------------------------------------------------------------


def _with_relations(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related(
        "organisation", "author", "element", "element__article", "revision__text__process"
    ).prefetch_related("articles")


def submissions_on(
    revision: Revision,
    viewer: Any,
    *,
    article: str = "",
    state: str = "",
    kind: str = "",
) -> QuerySet[Submission]:
    """The revision's submissions the viewer may see, filtered by article eId, state, kind."""
    found = Submission.objects.restrict(viewer).filter(revision=revision)
    if article:
        found = found.filter(Q(element__article__eid=article) | Q(articles__eid=article)).distinct()
    if state:
        found = found.filter(state=state)
    if kind:
        found = found.filter(kind=kind)
    return _with_relations(found).order_by("id")


def published_on(revision: Revision) -> QuerySet[Submission]:
    """Every published submission of a revision (what the compilation shows)."""
    return _with_relations(
        Submission.objects.filter(revision=revision, state=SubmissionState.PUBLISHED)
    ).order_by("id")


def moderation_queue(revision: Revision, viewer: Any) -> QuerySet[Submission]:
    return _with_relations(
        Submission.objects.restrict(viewer, "moderate").filter(
            revision=revision, state=SubmissionState.PENDING
        )
    ).order_by("submitted_at", "id")


def submission_for(viewer: Any, public_id: str) -> Submission:
    return get_object_or_404(
        _with_relations(Submission.objects.restrict(viewer)), public_id=public_id
    )


def own_submissions(revision: Revision, viewer: Any) -> QuerySet[Submission]:
    if not getattr(viewer, "is_authenticated", False):
        return Submission.objects.none()
    return _with_relations(
        Submission.objects.filter(revision=revision, author=viewer).exclude(
            state=SubmissionState.WITHDRAWN
        )
    ).order_by("-updated_at")


def commented_articles(revision: Revision) -> set[int]:
    """Ids of the articles that have published submissions or amendments."""
    published = Submission.objects.filter(revision=revision, state=SubmissionState.PUBLISHED)
    ids = set(published.exclude(element=None).values_list("element__article_id", flat=True))
    ids |= set(published.values_list("articles", flat=True))
    return {i for i in ids if i}


def author_label(submission: Submission, viewer: Any) -> str:
    """The organisation (or "an organisation based in <region>", as the registry decides), or
    the Member State. People are never named here."""
    from django_countries import countries

    from stakeholders.protection import display_name

    if submission.organisation is not None:
        return display_name(submission.organisation, viewer)
    return str(countries.name(submission.member_state) or submission.member_state)


def person_label(submission: Submission, viewer: Any) -> str:
    """The author's name for those who moderate; withheld where the person is protected."""
    from stakeholders.protection import person_label as label

    return label(submission.author, submission.organisation, viewer)


def anchors_of(submission: Submission) -> list[Any]:
    """Where the amendment's passage lies in each later revision."""
    return list(
        submission.anchors.select_related("revision", "element").order_by("revision__number")
    )


def influence_of(submission: Submission) -> list[Any]:
    return list(submission.influence.select_related("revision").order_by("revision__number"))


def amended_ops(submission: Submission) -> list[tuple[int, str]]:
    """The amended element as a word diff: its text with the amendment applied."""
    from .choices import Operation
    from .diffing import word_diff

    if submission.element is None:
        return []
    found = submission.element.texts.filter(language=submission.anchor_language).first()
    text = found.text if found else ""
    start, end = submission.position_start, submission.position_end
    proposed = submission.proposed_text
    if submission.operation == Operation.INSERT and start is not None and end is not None:
        amended = f"{text[:end]} {proposed}{text[end:]}"
    elif submission.operation == Operation.INSERT:
        amended = f"{text} {proposed}".strip()
    elif start is not None and end is not None:
        replacement = proposed if submission.operation == Operation.REPLACE else ""
        amended = text[:start] + replacement + text[end:]
    else:
        amended = text
    return word_diff(text, " ".join(amended.split(" ")).replace("  ", " "))


@dataclass
class Entry:
    """A published submission as the compilation lists it: read as plain values (thousands of
    them are listed, and model instances cost more than the query)."""

    id: int
    public_id: str
    kind: str
    constituency: str
    region: str
    language: str
    title: str
    body: str
    operation: str
    quote_exact: str
    anchor_language: str
    proposed_text: str
    published_at: Any
    organisation_id: int | None
    member_state: str
    element_eid: str | None
    author_label: str = ""
    constituency_label: str = ""
    region_label: str = ""
    kind_label: str = ""
    operation_label: str = ""


ENTRY_FIELDS = [f for f in Entry.__dataclass_fields__ if not f.endswith("_label")]


@dataclass
class Group:
    """The published entries on one article (or on the text as a whole)."""

    article: Item | None
    entries: list[Entry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0

    @property
    def anchor(self) -> str:
        return self.article.eid if self.article else "general"


def _placements(revision: Revision) -> list[tuple[int, int, str]]:
    """(article id or 0 for the text as a whole, submission id, constituency) of every published
    entry: an amendment under its element's article, a written submission under each article
    it names."""
    published = Submission.objects.filter(revision=revision, state=SubmissionState.PUBLISHED)
    placed = [
        (article or element, pk, constituency)
        for article, element, pk, constituency in published.filter(
            element__isnull=False
        ).values_list("element__article_id", "element_id", "id", "constituency")
    ]
    written = dict(published.filter(element__isnull=True).values_list("id", "constituency"))
    links = Submission.articles.through.objects.filter(submission_id__in=list(written))
    linked: set[int] = set()
    for article, pk in links.values_list("element_id", "submission_id"):
        placed.append((article, pk, written[pk]))
        linked.add(pk)
    placed += [(0, pk, c) for pk, c in written.items() if pk not in linked]
    return placed


def compilation(
    revision: Revision, viewer: Any, *, offset: int = 0, limit: int | None = None
) -> dict[str, Any]:
    """Published submissions and amendments grouped under their articles, in the text's order,
    with counts per constituency for every article; `offset` and `limit` choose the entries
    listed (a page), the counts always cover them all. A fixed number of queries."""
    items = _article_items(revision)
    order = {pk: n for n, pk in enumerate(items)}
    placed = sorted(_placements(revision), key=lambda p: (order.get(p[0], -1), p[1]))
    counts: dict[int, dict[str, int]] = {}
    authors: dict[str, set[int]] = {}
    for article, pk, constituency in placed:
        cell = counts.setdefault(article if article in items else 0, {})
        cell[constituency] = cell.get(constituency, 0) + 1
        authors.setdefault(constituency, set()).add(pk)
    totals = {constituency: len(ids) for constituency, ids in authors.items()}
    shown = placed[offset : None if limit is None else offset + limit]
    entries = _entries({pk for _a, pk, _c in shown}, viewer)
    groups: dict[int, Group] = {}
    for article, pk, _c in shown:
        key = article if article in items else 0
        group = groups.setdefault(key, Group(items.get(key), counts=counts.get(key, {})))
        group.entries.append(entries[pk])
    summary = [
        Group(items.get(key), counts=cells, total=sum(cells.values()))
        for key, cells in sorted(counts.items(), key=lambda kv: order.get(kv[0], -1))
    ]
    return {
        "groups": list(groups.values()),
        "summary": summary,
        "totals": totals,
        "count": len({pk for _a, pk, _c in placed}),
        "placements": len(placed),
    }


def _article_items(revision: Revision) -> dict[int, Item]:
    """The revision's articles in document order, with their number and heading (two queries,
    the rest of the tree is not read)."""
    language = revision.language
    found = revision.elements.filter(kind=ElementKind.ARTICLE).order_by("position")
    wording = {
        t.element_id: t
        for t in ElementText.objects.filter(element__in=found, language=language).only(
            "element_id", "num", "heading"
        )
    }
    items = {}
    for element in found:
        text = wording.get(element.pk)
        items[element.pk] = Item(
            element=element,
            num=text.num if text else element.label,
            heading=text.heading if text else "",
            language=language,
        )
    return items


def _entries(ids: set[int], viewer: Any) -> dict[int, Entry]:
    from stakeholders.models import Organisation

    from .choices import Operation, SubmissionKind

    rows = Submission.objects.filter(pk__in=ids).values(
        *[f for f in ENTRY_FIELDS if f != "element_eid"], element_eid=F("element__eid")
    )
    entries = {row["id"]: Entry(**row) for row in rows}
    organisations = Organisation.objects.in_bulk(
        {e.organisation_id for e in entries.values() if e.organisation_id}
    )
    labels, regions = constituency_labels(), region_labels()
    kinds, operations = dict(SubmissionKind.choices), dict(Operation.choices)
    for entry in entries.values():
        entry.author_label = _label(organisations.get(entry.organisation_id or 0), entry, viewer)
        entry.constituency_label = labels.get(entry.constituency, entry.constituency)
        entry.region_label = regions.get(entry.region, "")
        entry.kind_label = str(kinds.get(entry.kind, entry.kind))
        entry.operation_label = str(operations.get(entry.operation, ""))
    return entries


def _label(organisation: Any, entry: Entry, viewer: Any) -> str:
    from django_countries import countries

    from stakeholders.protection import display_name

    if organisation is not None:
        return display_name(organisation, viewer)
    return str(countries.name(entry.member_state) or entry.member_state)


def region_labels() -> dict[str, str]:
    from stakeholders.choices import Region

    return {str(k): str(v) for k, v in Region.choices}


def constituency_labels() -> dict[str, str]:
    from stakeholders.choices import OrganisationKind

    from .choices import STATE_CONSTITUENCY

    labels = {str(k): str(v) for k, v in OrganisationKind.choices}
    labels[STATE_CONSTITUENCY] = str(OrganisationKind.MEMBER_STATE.label)
    return labels


def influence_on(revision: Revision) -> list[Any]:
    """The verdicts on the previous revision's amendments, adopted first."""
    from .models import Influence

    order = {"adopted": 0, "partly": 1, "not_reflected": 2}
    rows = list(
        Influence.objects.filter(revision=revision).select_related(
            "submission__organisation", "submission__element", "element"
        )
    )
    return sorted(rows, key=lambda r: (order.get(r.verdict, 3), -r.score, r.submission_id))


def influence_tally(rows: list[Any], viewer: Any) -> dict[str, list[dict[str, Any]]]:
    """How many proposals were reflected, per constituency and per organisation."""
    by_constituency: dict[str, dict[str, int]] = {}
    by_author: dict[str, dict[str, int]] = {}
    for row in rows:
        submission = row.submission
        reflected = row.verdict in ("adopted", "partly")
        for key, table in (
            (submission.constituency, by_constituency),
            (author_label(submission, viewer), by_author),
        ):
            cell = table.setdefault(key, {"proposals": 0, "reflected": 0, "adopted": 0})
            cell["proposals"] += 1
            cell["reflected"] += int(reflected)
            cell["adopted"] += int(row.verdict == "adopted")
    labels = constituency_labels()
    return {
        "constituencies": [
            {"key": k, "label": labels.get(k, k), **v} for k, v in sorted(by_constituency.items())
        ],
        "authors": [{"label": k, **v} for k, v in sorted(by_author.items())],
    }
