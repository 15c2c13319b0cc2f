"""The running tallies: responses folded in by the scheduler, and read by results.

A submission only inserts its response; `count_responses` folds what arrived into the Tally rows
later, exactly once (the periodic task runs it every minute). Results read the tallies plus,
without writing anything, what the responses not yet folded add (`tally_cells`): a GET writes
nothing, and the figures are those of every response received.
"""

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction

from .models import Consultation, FormVersion, Response, Tally
from .selectors import definition_at
from .tallying import cells_of

# (question, value, kind, region, count), as results read them.
TallyCell = tuple[str, str, str, str, int]


def _tally_rows(
    consultation: Consultation, responses: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Tally rows for (version id, answers, kind, region) of responses, summed per cell."""
    if not responses:
        return []
    cells: Counter[tuple[str, str, str, str]] = Counter()
    uploaded = dict(
        FormVersion.objects.filter(pk__in={r[0] for r in responses}).values_list(
            "pk", "uploaded_at"
        )
    )
    for version_id, answers, kind, region in responses:
        form = definition_at(version_id, uploaded[version_id])
        for question, value in cells_of(form, answers):
            cells[(question[:200], value[:200], kind, region)] += 1
        cells[("", "", kind, region)] += 1
    # Sorted, so that concurrent counters lock the rows in the same order (no deadlock).
    return sorted((consultation.pk, *cell, n) for cell, n in cells.items())


def count_responses(consultation: Consultation, *, batch: int = 5000) -> int:
    """Fold the responses not yet counted into the tallies; returns how many were counted.

    Each batch is counted and marked in one transaction, with its rows locked, so a response is
    counted exactly once even when several processes fold at the same time.
    """
    total = 0
    while True:
        with transaction.atomic():
            pending = Response.objects.filter(consultation=consultation, counted=False)
            if connection.features.has_select_for_update_skip_locked:
                pending = pending.select_for_update(skip_locked=True)
            rows = list(
                pending.order_by("id").values_list("id", "version_id", "answers", "kind", "region")[
                    :batch
                ]
            )
            if not rows:
                return total
            _upsert_tallies(_tally_rows(consultation, [r[1:] for r in rows]))
            Response.objects.filter(pk__in=[r[0] for r in rows]).update(counted=True)
            if consultation.is_anonymous:
                _rewrite_in_key_order([r[0] for r in rows])
        total += len(rows)


def count_all_responses() -> int:
    """Fold what every consultation with uncounted responses has received (periodic task)."""
    ids = Response.objects.filter(counted=False).values_list("consultation_id", flat=True)
    return sum(count_responses(c) for c in Consultation.objects.filter(pk__in=ids.distinct()))


# Rows are taken out and put back in the order of their (random) ids, in one statement.
_REWRITE = (
    "WITH moved AS (DELETE FROM consultations_response WHERE id = ANY(%s) RETURNING *) "
    "INSERT INTO consultations_response SELECT * FROM moved ORDER BY id"
)
# Their files too: linked in the response's own transaction, they carry its stamp, and they
# were first written in the order they came (consultations/attachments.py).
_REWRITE_FILES = (
    "WITH moved AS (DELETE FROM consultations_attachment WHERE response_id = ANY(%s) "
    "RETURNING *) INSERT INTO consultations_attachment SELECT * FROM moved ORDER BY id"
)


def _rewrite_in_key_order(ids: list[int]) -> None:
    """PostgreSQL stores rows in the order they were written and stamps each with its writing
    transaction, which a participation written just before would match. Written again here, in
    the order of their random ids and all by this one transaction, anonymous responses keep no
    trace of when each came. (SQLite stores them by id already.)"""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_REWRITE, [ids])
        cursor.execute(_REWRITE_FILES, [ids])


# The table name is ours and every value is a parameter.
_TALLY_UPSERT = (
    "INSERT INTO consultations_tally (consultation_id, question, value, kind, region, count) "
    "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], "
    "%s::bigint[]) ON CONFLICT (consultation_id, question, value, kind, region) "
    "DO UPDATE SET count = consultations_tally.count + excluded.count"
)


def _upsert_tallies(rows: list[tuple[Any, ...]]) -> None:
    if connection.vendor == "postgresql":
        # A statement whose text never changes: PostgreSQL unpacks the arrays.
        with connection.cursor() as cursor:
            cursor.execute(_TALLY_UPSERT, [list(c) for c in zip(*rows, strict=True)])
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    for start in range(0, len(rows), 100):
        chunk = rows[start : start + 100]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
        sql = "".join(  # noqa: S608
            [
                f"INSERT INTO {table} (consultation_id, question, value, kind, region, count) ",
                f"VALUES {placeholders} ",
                "ON CONFLICT (consultation_id, question, value, kind, region) ",
                f"DO UPDATE SET count = {table}.count + excluded.count",
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for row in chunk for v in row])


# Reading ----------------------------------------------------------------------------------------

_READ_ATTEMPTS = 5


def _still_uncounted(uncounted: Any, ids: set[int]) -> bool:
    return ids <= set(uncounted.values_list("id", flat=True))


def tally_cells(consultation: Consultation, filters: dict[str, str]) -> Iterator[TallyCell]:
    """Every count of the consultation's results, filtered by kind or region: the tallies, plus
    what the responses not yet folded add, worked out here and written nowhere.

    A fold may commit between the reads. The responses still to count are read first and checked
    again after the tallies: if the fold took none of them meanwhile, each response is counted
    once, by the tallies or here; otherwise the reads are made again."""
    uncounted = Response.objects.filter(consultation=consultation, counted=False, **filters)
    for _attempt in range(_READ_ATTEMPTS):
        pending = list(
            uncounted.order_by().values_list("id", "version_id", "answers", "kind", "region")
        )
        tallied = list(
            Tally.objects.filter(consultation=consultation, **filters)
            .order_by()
            .values_list("question", "value", "kind", "region", "count")
        )
        if not pending or _still_uncounted(uncounted, {row[0] for row in pending}):
            break
    else:
        # Folds kept taking them (not seen in practice: the task runs once a minute): show what
        # the tallies say and leave out what was being folded rather than count it twice.
        pending = []
    yield from tallied
    for _pk, question, value, kind, region, count in _tally_rows(
        consultation, [row[1:] for row in pending]
    ):
        yield question, value, kind, region, count
