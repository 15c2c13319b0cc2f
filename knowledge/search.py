"""Full-text search of the published records, on PostgreSQL and on SQLite, behind one
interface: `index_record` keeps a record's entry, `backend().match` ranks the records that
match a query, and `backend().snippets` highlights the words found.

PostgreSQL: a tsvector per record, built with the text search configuration of the record's
language (english, french, spanish, russian, arabic; simple for Chinese) and, beside it, with
`simple` (unstemmed words, so a query in another language still finds exact words); a GIN index;
`websearch_to_tsquery` in the reader's language or'ed with `simple`; `ts_rank` (title weighted
above the body) and `ts_headline`.

SQLite: an FTS5 table with external content (SearchEntry), kept in sync by triggers
(migrations 0002, 0003); the unicode61 tokenizer without diacritics and with Porter stemming;
`bm25` with the title weighted ten times the body (the names of what it is about twice), and
`snippet()` of the body.

Only published records have an entry; every search is also filtered by `restrict(viewer)`, the
one rule of who sees what.
"""

import html
import re
from dataclasses import dataclass
from typing import Any

import nh3
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from core.markdown import render_markdown

from .choices import SEARCH_CONFIGS, RecordState
from .exceptions import InvalidSearch
from .models import Record, RecordFacet, SearchEntry

MAX_QUERY = 200
START, STOP = "\x02", "\x03"  # highlight marks: control characters no indexed text holds
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TERMS = re.compile(r'(-?)"([^"]*)"|(-?)([\w][\w\'’-]*)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


# Indexing ----------------------------------------------------------------------------------------


def plain(markdown: str) -> str:
    """Markdown as the words a reader sees, without markup or control characters."""
    text = html.unescape(nh3.clean(render_markdown(markdown or ""), tags=set()))
    return " ".join(_CONTROL.sub(" ", text).split())


def _body(record: Record) -> str:
    """The words a reader reads: summary and outcomes (snippets are drawn from these)."""
    return " ".join(p for p in (plain(record.summary), plain(record.outcomes)) if p)


def _terms(record: Record) -> str:
    """The names of what the record is about, in the record's language. Organisations shown
    only by region are left out: they cannot be searched by name (stakeholders.protection)."""
    with translation.override(record.language):
        parts = [
            str(record.get_record_type_display()),
            str(record.get_mechanism_display()),
            str(record.get_sector_display()),
            *(str(country_names.name(c)) for c in record.countries),
            *(a.name for a in record.thematic_areas.all()),
            *(
                a.organisation.name
                for a in record.actors.select_related("organisation")
                if not a.organisation.public_as_region
            ),
        ]
    return " ".join(p for p in parts if p)


def facets_of(record: Record) -> list[tuple[str, str]]:
    pairs = [("type", record.record_type), ("sector", record.sector)]
    pairs += [("region", region) for region in record.regions]
    pairs += [("area", slug) for slug in record.thematic_areas.values_list("slug", flat=True)]
    return pairs


def index_record(record: Record) -> None:
    """Keep the record's search entry and facets: written while it is published, removed
    otherwise. Runs in the caller's transaction."""
    if record.state != RecordState.PUBLISHED:
        unindex_record(record)
        return
    config = SEARCH_CONFIGS.get(record.language, "simple")
    title = " ".join(_CONTROL.sub(" ", record.title).split())
    SearchEntry.objects.update_or_create(
        record=record,
        defaults={"config": config, "title": title, "body": _body(record), "terms": _terms(record)},
    )
    backend().refresh(SearchEntry.objects.filter(pk=record.pk))
    RecordFacet.objects.filter(record=record).delete()
    RecordFacet.objects.bulk_create(
        [RecordFacet(record=record, facet=f, value=v) for f, v in facets_of(record)]
    )


def unindex_record(record: Record) -> None:
    SearchEntry.objects.filter(pk=record.pk).delete()
    RecordFacet.objects.filter(record=record).delete()


# Queries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A reader's query: the words to find, the phrases, the words to leave out, and the
    language it is read in."""

    text: str
    words: tuple[str, ...]
    phrases: tuple[str, ...]
    excluded: tuple[str, ...]
    language: str

    @property
    def config(self) -> str:
        return SEARCH_CONFIGS.get(self.language, "simple")


def parse_query(text: str, language: str = "en") -> Query | None:
    """None for an empty query; InvalidSearch for one that cannot be searched."""
    text = (text or "").strip()
    if not text:
        return None
    if "\x00" in text:
        raise InvalidSearch(_("The search contains a NUL character, which is not allowed."))
    if len(text) > MAX_QUERY:
        raise InvalidSearch(_("Search with at most %(n)s characters.") % {"n": MAX_QUERY})
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    for minus_phrase, phrase, minus, word in _TERMS.findall(_CONTROL.sub(" ", text)):
        tokens = _WORD.findall(phrase or word)
        if not tokens:
            continue
        if minus_phrase or minus:
            excluded.append(" ".join(tokens))
        elif phrase and len(tokens) > 1:
            phrases.append(" ".join(tokens))
        else:
            words.extend(tokens)
    if not words and not phrases:
        raise InvalidSearch(_("Type at least one word to search for."))
    return Query(text, tuple(words), tuple(phrases), tuple(excluded), language)


# Ranking reads every match's vector (ts_rank) or statistics (bm25): for a word in most records
# that is most of the base. So the best matches are ranked among the WINDOW newest matches (all
# of them when fewer match, which is the usual case); pages beyond the window rank every match.
WINDOW = 1000


class Ranked:
    """The records that match a query, best first: counted and sliced as a queryset is (so
    Django's and the API's paginators take it). `matching` is the same records, unordered."""

    def __init__(self, matching: QuerySet[Record], rank: Any) -> None:
        self.matching, self._rank = matching, rank
        self._count: int | None = None

    def all(self) -> "Ranked":
        return self

    def count(self) -> int:
        if self._count is None:
            self._count = self.matching.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Record]:
        start = window.start or 0
        stop = self.count() if window.stop is None else window.stop
        if stop <= start:
            return []
        if stop <= WINDOW:
            newest = list(self.matching.order_by("-pk").values_list("pk", flat=True)[:WINDOW])
            if not newest:
                return []
            within = self.matching.model.objects.filter(pk__in=newest)
            return list(self._rank(within)[start:stop])
        return list(self._rank(self.matching)[start:stop])


class _SqliteRanking:
    """bm25 within the FTS5 table, among the given records only; sliced like a queryset."""

    def __init__(self, text: str, within: QuerySet[Record], related: Any) -> None:
        self.text, self.within, self.related = text, within, related

    def __getitem__(self, window: slice) -> list[Record]:
        start, stop = window.start or 0, window.stop or 0
        inner, params = self.within.order_by().values("pk").query.sql_with_params()
        # +rowid: the ids filter the matches; as an index constraint they would each start a
        # full-text query of their own.
        sql = (
            "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH %s "  # noqa: S608
            f"AND +rowid IN ({inner}) "
            "ORDER BY bm25(knowledge_fts, 10.0, 1.0, 2.0), rowid DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.text, *params, stop - start, start])
            ids = [row[0] for row in cursor.fetchall()]
        found = {r.pk: r for r in self.related(Record.objects.filter(pk__in=ids))}
        return [found[pk] for pk in ids if pk in found]


def _marked(text: str) -> SafeString:
    """Highlighted text, escaped, with the highlight marks as <mark>."""
    safe = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308  (escaped above; only our marks become tags)


class PostgresSearch:
    def refresh(self, entries: QuerySet[SearchEntry]) -> int:
        """Compute the tsvector of these entries."""
        from django.contrib.postgres.search import SearchVector

        own = F("config")
        vector = (
            SearchVector("title", weight="A", config=own)
            + SearchVector("body", weight="B", config=own)
            + SearchVector("terms", weight="C", config=own)
            + SearchVector("title", "body", "terms", weight="D", config=Value("simple"))
        )
        return entries.update(document=vector)

    def _tsquery(self, query: Query, *, own: bool = False) -> Any:
        """The reader's words in the reader's language or'ed with `simple`; with `own`, also in
        each record's language, so that a highlight finds the words its stemmer made (an English
        record read in Arabic: "trafficking" is "traffick" there)."""
        from django.contrib.postgres.search import SearchQuery

        text = " ".join(
            [*query.words, *(f'"{p}"' for p in query.phrases), *(f"-{w}" for w in query.excluded)]
        )
        tsquery = SearchQuery(text, search_type="websearch", config=query.config) | SearchQuery(
            text, search_type="websearch", config="simple"
        )
        if own:
            tsquery = tsquery | SearchQuery(text, search_type="websearch", config=F("config"))
        return tsquery

    def match(self, records: QuerySet[Record], query: Query, related: Any) -> Ranked:
        from django.contrib.postgres.search import SearchRank

        tsquery = self._tsquery(query)
        matching = records.filter(search__document=tsquery)

        def rank(within: QuerySet[Record]) -> QuerySet[Record]:
            scored = related(within).annotate(rank=SearchRank(F("search__document"), tsquery))
            return scored.order_by("-rank", "-published_at", "pk")

        return Ranked(matching, rank)

    def snippets(self, ids: list[int], query: Query) -> dict[int, tuple[SafeString, SafeString]]:
        from django.contrib.postgres.search import SearchHeadline

        tsquery = self._tsquery(query, own=True)
        rows = (
            SearchEntry.objects.filter(pk__in=ids)
            .annotate(
                t=SearchHeadline(
                    "title",
                    tsquery,
                    config=F("config"),
                    highlight_all=True,
                    start_sel=START,
                    stop_sel=STOP,
                ),
                b=SearchHeadline(
                    "body",
                    tsquery,
                    config=F("config"),
                    max_fragments=2,
                    max_words=30,
                    min_words=12,
                    fragment_delimiter=" … ",
                    start_sel=START,
                    stop_sel=STOP,
                ),
            )
            .values_list("pk", "t", "b")
        )
        return {pk: (_marked(t), _marked(b)) for pk, t, b in rows}


class SqliteSearch:
    def refresh(self, entries: QuerySet[SearchEntry]) -> int:
        """Nothing to do: the triggers of migration 0002 keep the FTS5 table in sync."""
        return 0

    def fts_query(self, query: Query) -> str:
        """An FTS5 query from the reader's words, every one quoted: no input can be read as
        FTS5 syntax (which would fail, or match what was not asked)."""

        def quoted(text: str) -> str:
            return '"' + text.replace('"', "") + '"'

        wanted = " AND ".join(quoted(t) for t in [*query.words, *query.phrases])
        return wanted + "".join(f" NOT {quoted(t)}" for t in query.excluded)

    def match(self, records: QuerySet[Record], query: Query, related: Any) -> Ranked:
        text = self.fts_query(query)
        found = RawSQL("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH %s", [text])
        matching = records.filter(pk__in=found)

        def rank(within: QuerySet[Record]) -> Any:
            return _SqliteRanking(text, within, related)

        return Ranked(matching, rank)

    def snippets(self, ids: list[int], query: Query) -> dict[int, tuple[SafeString, SafeString]]:
        if not ids:
            return {}
        marks = "char(2), char(3)"
        sql = (
            f"SELECT rowid, highlight(knowledge_fts, 0, {marks}), "  # noqa: S608 (only %s)
            f"snippet(knowledge_fts, 1, {marks}, ' … ', 28) FROM knowledge_fts "
            f"WHERE knowledge_fts MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.fts_query(query), *ids])
            rows = cursor.fetchall()
        return {pk: (_marked(t), _marked(b)) for pk, t, b in rows}


def backend() -> PostgresSearch | SqliteSearch:
    """The search of the database in use."""
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()
