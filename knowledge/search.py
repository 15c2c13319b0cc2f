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
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from django.contrib.postgres.search import SearchVectorCombinable, SearchVectorField
from django.db import connection
from django.db.models import F, FloatField, Func, Max, QuerySet, Value
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

Facets = Sequence[tuple[str, str]]  # (facet, value) pairs a search is filtered by


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


def facet_token(facet: str, value: str) -> str:
    """A facet value as one token of the index: letters and hexadecimal digits, so that every
    tokenizer keeps it whole (migration 0004 holds a copy)."""
    return f"{facet}x{value.encode().hex()}x"


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
    pairs = facets_of(record)
    SearchEntry.objects.update_or_create(
        record=record,
        defaults={
            "config": config,
            "title": title,
            "body": _body(record),
            "terms": _terms(record),
            "facets": " ".join(sorted({facet_token(f, v) for f, v in pairs})),
        },
    )
    backend().refresh(SearchEntry.objects.filter(pk=record.pk))
    RecordFacet.objects.filter(record=record).delete()
    RecordFacet.objects.bulk_create(
        [RecordFacet(record=record, facet=f, value=v) for f, v in pairs]
    )


def unindex_record(record: Record) -> None:
    SearchEntry.objects.filter(pk=record.pk).delete()
    RecordFacet.objects.filter(record=record).delete()


def id_list(ids: list[int]) -> RawSQL:
    """Ids as one parameter, for `pk__in`: a thousand parameters cost more to send and plan
    than the query takes to run."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


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
# Those newest matches are read from the index newest first and it stops there: so a search
# counts its matches exactly up to WINDOW, and says "more than WINDOW" beyond.
WINDOW = 1000


class Ranked:
    """The records that match a query, best first: counted and sliced as a queryset is (so
    Django's and the API's paginators take it). `matching` is the same records, unordered;
    `newest(n)` the ids of the n newest of them, newest first."""

    def __init__(
        self, matching: QuerySet[Record], rank: Any, newest: Callable[[int], list[int]]
    ) -> None:
        self.matching, self._rank, self._newest = matching, rank, newest
        self._window: list[int] | None = None

    def all(self) -> "Ranked":
        return self

    def window(self) -> list[int]:
        """The ids of the WINDOW newest matches (the first page is ranked among them)."""
        if self._window is None:
            self._window = self._newest(WINDOW + 1)
        return self._window[:WINDOW]

    @property
    def count_is_lower_bound(self) -> bool:
        """Whether more records match than `count()` says (it stops at WINDOW)."""
        self.window()
        return len(self._window or []) > WINDOW

    def count(self) -> int:
        return len(self.window())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Record]:
        start = window.start or 0
        if window.stop is not None and window.stop <= start:
            return []
        if window.stop is not None and window.stop <= WINDOW:
            newest = self.window()
            return list(self._rank(newest)[start : window.stop]) if newest else []
        stop = window.stop
        if stop is None:
            stop = self.count() if not self.count_is_lower_bound else self.matching.count()
        return list(self._rank(self.matching)[start:stop])


class _SqliteRanking:
    """bm25 within the FTS5 table, among the given records only (ids, or a queryset); sliced
    like a queryset."""

    def __init__(self, text: str, within: QuerySet[Record] | list[int], related: Any) -> None:
        self.text, self.within, self.related = text, within, related

    def __getitem__(self, window: slice) -> list[Record]:
        start, stop = window.start or 0, window.stop or 0
        if isinstance(self.within, list):
            # rowid >= the oldest: the index reads only the newest matches, not all of them.
            inner = "%s" if len(self.within) == 1 else ", ".join(["%s"] * len(self.within))
            where, params = (
                f"AND rowid >= %s AND +rowid IN ({inner}) ",
                [
                    min(self.within),
                    *self.within,
                ],
            )
        else:
            sql, inner_params = self.within.order_by().values("pk").query.sql_with_params()
            where, params = f"AND +rowid IN ({sql}) ", list(inner_params)
        # +rowid: the ids filter the matches; as an index constraint they would each start a
        # full-text query of their own.
        sql = (
            "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH %s "  # noqa: S608
            f"{where}"
            "ORDER BY bm25(knowledge_fts, 10.0, 1.0, 2.0, 0.0), rowid DESC LIMIT %s OFFSET %s"
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


class _Lexemes(SearchVectorCombinable, Func):
    """A text's space-separated tokens as lexemes, as they are (no parser, no stemmer)."""

    template = "array_to_tsvector(string_to_array(%(expressions)s, ' '))"
    output_field = SearchVectorField()


FIRST_SPAN = 2048  # the newest entries read first, to learn how dense the matches are
FEW_MATCHES = 6000  # below this many matches expected, one bitmap scan of the GIN index


def _newest_in_ranges(
    entries: QuerySet[Any], records: QuerySet[Record], n: int, keys: dict[int, Any]
) -> list[int]:
    """The ids of the n newest matching entries among `records`, newest first. The entries are
    read down the ids in ranges sized by the density of the matches seen so far, and through
    the GIN index at once when few matches are left: a bitmap scan of a common word reads every
    match, and a walk down the primary key reads every entry until n match; the planner cannot
    tell the two apart for a word in a few percent of the records. `entries` are annotated with
    their `rank`: `keys` gets each id's place in the ranked order, read with it."""
    top = entries.model.objects.aggregate(top=Max("pk"))["top"]
    if top is None:
        return []
    found: list[int] = []
    upper, span, seen, read = top + 1, FIRST_SPAN, 0, 0
    while upper > 0 and len(found) < n:
        low = max(0, upper - span)
        step = entries.filter(pk__lt=upper, pk__gte=low) if low else entries.filter(pk__lt=upper)
        ranks = dict(step.order_by().values_list("pk", "rank"))
        ids = sorted(ranks, reverse=True)
        for pk, published_at in _visible(records, ids, n - len(found)):
            found.append(pk)
            keys[pk] = _rank_key(ranks[pk], published_at, pk)
        seen, read, upper = seen + len(ids), read + (upper - low), low
        density = max(seen, 1) / read
        if density * upper <= FEW_MATCHES:
            span = upper  # what is left, in one scan of the index
        else:
            span = max(FIRST_SPAN, int((n - len(found)) / density * 1.1))
    return sorted(found, reverse=True)[:n]


def _visible(records: QuerySet[Record], ids: list[int], wanted: int) -> list[tuple[int, Any]]:
    """Of these ids (newest first), the `wanted` newest among `records`, with their date of
    publication: checked newest first, a few more than wanted at a time (each check reads a
    record)."""
    out: list[tuple[int, Any]] = []
    while ids and len(out) < wanted:
        batch, ids = ids[: wanted - len(out) + 50], ids[wanted - len(out) + 50 :]
        seen = records.order_by().filter(pk__in=id_list(batch))
        epoch = Func(
            F("published_at"),
            function="date_part",
            template="date_part('epoch', %(expressions)s)",
            output_field=FloatField(),
        )
        out += seen.annotate(published=epoch).values_list("pk", "published")
    return out


def _rank_key(rank: float, published: float | None, pk: int) -> tuple[Any, ...]:
    """Python's sort for ORDER BY rank DESC, published_at DESC (nulls first), pk; `published`
    is the date in seconds since the epoch."""
    if published is None:
        return (-rank, 0, 0.0, pk)
    return (-rank, 1, -published, pk)


class _PostgresRanking:
    """Ranked ids, sliced like a queryset; only the slice's records are read."""

    def __init__(self, ids: QuerySet[Any, int] | list[int], related: Any) -> None:
        self.ids, self.related = ids, related

    def __getitem__(self, window: slice) -> list[Record]:
        ids = list(self.ids[window])
        found = {r.pk: r for r in self.related(Record.objects.filter(pk__in=ids))}
        return [found[pk] for pk in ids if pk in found]


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
            + _Lexemes("facets")
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

    def match(
        self, records: QuerySet[Record], query: Query, related: Any, facets: Facets = ()
    ) -> Ranked:
        from django.contrib.postgres.search import SearchQuery, SearchRank

        tsquery = self._tsquery(query)
        wanted = tsquery
        for facet, value in facets:
            token = facet_token(facet, value)
            wanted = wanted & SearchQuery(token, search_type="raw", config="simple")
        matching = records.filter(search__document=wanted)
        entries = SearchEntry.objects.filter(document=wanted)

        keys: dict[int, Any] = {}
        scored_entries = entries.annotate(rank=SearchRank(F("document"), tsquery))

        def rank(within: QuerySet[Record] | list[int]) -> "_PostgresRanking":
            if isinstance(within, list) and all(pk in keys for pk in within):
                # The window, ranked as it was read.
                return _PostgresRanking(sorted(within, key=keys.__getitem__), related)
            among = id_list(within) if isinstance(within, list) else within.order_by().values("pk")
            scored = SearchEntry.objects.filter(pk__in=among).annotate(
                rank=SearchRank(F("document"), tsquery)
            )
            ordered = scored.order_by("-rank", "-record__published_at", "pk")
            return _PostgresRanking(ordered.values_list("pk", flat=True), related)

        return Ranked(matching, rank, lambda n: _newest_in_ranges(scored_entries, records, n, keys))

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

    def searched(self, query: Query, facets: Facets = ()) -> str:
        """The FTS5 query: the reader's words in the columns read, and the facet values."""
        text = f"{{title body terms}} : ({self.fts_query(query)})"
        return text + "".join(f" AND facets : {facet_token(f, v)}" for f, v in facets)

    def match(
        self, records: QuerySet[Record], query: Query, related: Any, facets: Facets = ()
    ) -> Ranked:
        text = self.searched(query, facets)
        found = RawSQL("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH %s", [text])
        matching = records.filter(pk__in=found)

        def rank(within: QuerySet[Record] | list[int]) -> Any:
            return _SqliteRanking(text, within, related)

        def newest(n: int) -> list[int]:
            # The index read newest first, each match checked against the viewer's records and
            # the filters, until n are found.
            visible, params = (
                records.order_by().filter(pk=RawSQL("f.rowid", [])).values("pk").query
            ).sql_with_params()
            sql = (
                "SELECT f.rowid FROM knowledge_fts f WHERE f.knowledge_fts MATCH %s "  # noqa: S608
                f"AND EXISTS ({visible}) ORDER BY f.rowid DESC LIMIT %s"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [text, *params, n])
                return [row[0] for row in cursor.fetchall()]

        return Ranked(matching, rank, newest)

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
            cursor.execute(sql, [self.searched(query), *ids])
            rows = cursor.fetchall()
        return {pk: (_marked(t), _marked(b)) for pk, t, b in rows}


def backend() -> PostgresSearch | SqliteSearch:
    """The search of the database in use."""
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()
