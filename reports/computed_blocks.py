"""Block kinds whose figures other apps compute: the themes of a theme run with their exact
quotes, a deliberation's opinion groups, campaigns of near-identical answers, who took part in
an event, and the compilation per article of a draft revision. Each reads through that app's
selectors; each is verified by building it again from the live data and comparing, and quotes
are also found again in the text they were cut from."""

from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from core.disclosure import Cell, protect, suppress

from .blocks import Kind, Param, Snapshot, _consultation, _consultations, _id, _stamp, register
from .exceptions import BlockRefused

# Comparing a snapshot with the same block built again ---------------------------------------


def _entry(value: Any) -> int:
    """A quote's entry in a repeat, counted from 0; what is not one reads nothing."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else -1


def _differences(shown: Any, live: Any, where: str, found: list[str]) -> None:
    if isinstance(shown, dict) and isinstance(live, dict):
        for key in sorted(set(shown) | set(live), key=str):
            _differences(shown.get(key), live.get(key), f"{where}.{key}" if where else key, found)
    elif isinstance(shown, list) and isinstance(live, list) and len(shown) == len(live):
        for n, (a, b) in enumerate(zip(shown, live, strict=True)):
            _differences(a, b, f"{where}[{n + 1}]", found)
    elif shown != live:
        found.append(
            _("%(where)s: the report says “%(shown)s”, the data has “%(live)s”")
            % {"where": where or _("the block"), "shown": _short(shown), "live": _short(live)}
        )


def _short(value: Any) -> str:
    if isinstance(value, list):
        return _("%s items") % len(value)
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _rebuilt(build: Any) -> Any:
    """A verify function: build the block again as the author, and list what differs."""

    def verify(author: Any, process: Any, params: dict[str, Any], snapshot: dict[str, Any]):
        try:
            # Built again in the language it was built in (its labels are translated); what
            # differs is said in the language of the person publishing.
            with translation.override(params.get("language") or settings.LANGUAGE_CODE):
                live, _sources = build(author, process, params)
        except BlockRefused as exc:
            return [str(exc)]
        found: list[str] = []
        _differences(snapshot, live, "", found)
        return found

    return verify


# Themes of a finished theme run, with their exact quotes ------------------------------------


def _theme_params(author: Any, process: Any) -> list[Param]:
    from analysis.selectors import theme_runs_of

    choices = []
    for consultation in _consultations(author, process):
        for run in theme_runs_of(consultation).filter(state="ready"):
            label = f"{consultation.title} · {run.question_label or run.question}"
            label += f" · {run.finished_at or run.created_at:%Y-%m-%d %H:%M}"
            choices.append((str(run.pk), label, {"run_id": run.pk}))
    return [Param("run", _("Theme run"), choices=choices)]


def _build_themes(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    from analysis.selectors import may_see_quotes, theme_run_for

    try:
        run, themes = theme_run_for(author, _id(params.get("run_id")))
    except Http404:
        run, themes = None, []
    if run is None or run.consultation.process_id != process.pk:
        raise BlockRefused(_("That theme run is not a finished one of this process you may see."))
    if not may_see_quotes(author, run.consultation):
        raise BlockRefused(_("Only the secretariat of the consultation quotes its answers."))
    snapshot = {
        "run_id": run.pk,
        "consultation": run.consultation.title,
        "question": run.question_label or run.question,
        "themes": [
            {
                "number": theme.number,
                "label": theme.label or ", ".join(theme.terms[:5]) or _("Theme %s") % theme.number,
                "size": theme.size,
                "quotes": [
                    {"response_id": q.response_id, "path": q.path, "entry": q.entry}
                    | {"start": q.start, "end": q.end, "text": q.text}
                    for q in theme.quotes
                ],
            }
            for theme in themes
        ],
    }
    quoted = sorted({q.response_id for theme in themes for q in theme.quotes})
    sources = [_stamp(run), _stamp(run.consultation)]
    sources += [{"type": "consultations.response", "id": pk, "updated_at": None} for pk in quoted]
    return snapshot, sources


def _quotes_in_their_source(author: Any, snapshot: dict[str, Any]) -> list[str]:
    """Each quote is still the text stored in its response at its offsets."""
    from analysis.selectors import quote_source, theme_run_for
    from consultations.selectors import responses_of

    try:
        run, _themes = theme_run_for(author, _id(snapshot.get("run_id")))
    except Http404:
        return []  # said by the rebuild already
    quotes = [q for t in snapshot.get("themes", []) for q in t.get("quotes", [])]
    ids = {_id(q.get("response_id")) for q in quotes}
    answers = dict(responses_of(run.consultation).filter(pk__in=ids).values_list("id", "answers"))
    found = []
    for q in quotes:
        start, end, text = q.get("start"), q.get("end"), q.get("text")
        stored = answers.get(q.get("response_id")) or {}
        source = quote_source(stored, str(q.get("path")), _entry(q.get("entry")))
        ok = isinstance(start, int) and isinstance(end, int) and source is not None
        if not ok or source[start:end] != text:  # type: ignore[index]
            found.append(
                _("the quote “%(quote)s” is not in response %(id)s at %(start)s–%(end)s")
                % {"quote": text, "id": q.get("response_id"), "start": start, "end": end}
            )
    return found


def _verify_themes(
    author: Any, process: Any, params: dict[str, Any], snapshot: dict[str, Any]
) -> list[str]:
    return _quotes_in_their_source(author, snapshot) + _rebuilt(_build_themes)(
        author, process, params, snapshot
    )


register(
    Kind("themes", _("Themes with their quotes"), _build_themes, _verify_themes, _theme_params)
)


# A deliberation's opinion groups ------------------------------------------------------------


def _deliberation_params(author: Any, process: Any) -> list[Param]:
    from analysis.selectors import deliberations_in

    choices = [
        (str(d.pk), d.title, {"deliberation_id": d.pk}) for d in deliberations_in(process, author)
    ]
    return [Param("deliberation", _("Deliberation"), choices=choices)]


def _statement(number: Any, texts: dict[int, str], **more: Any) -> dict[str, Any]:
    return {"statement": number, "text": texts.get(number, "")} | more


def _build_opinions(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    from analysis.selectors import deliberations_in, opinion_map_of, statements_of

    deliberation = deliberations_in(process, author).filter(pk=_id(params.get("deliberation_id")))
    found = deliberation.first()
    if found is None:
        raise BlockRefused(_("That deliberation is not one of this process that you may see."))
    opinion_map = opinion_map_of(found)
    if opinion_map.state != "ready" or not opinion_map.result:
        raise BlockRefused(_("The opinion groups of this deliberation are not computed yet."))
    result = opinion_map.result
    texts = {s.number: s.text for s in statements_of(found)}
    groups = [
        {
            "id": group["id"] + 1,
            "size": group["size"],
            "representative": [
                _statement(
                    r["statement"],
                    texts,
                    direction=r["direction"],
                    percent=round(100 * r["p_success"]),
                )
                for r in group["representative"]
            ],
        }
        for group in result.get("groups", [])
    ]
    consensus = {
        direction: [
            _statement(c["statement"], texts, percent=round(100 * c["p_success"])) for c in items
        ]
        for direction, items in (result.get("consensus") or {}).items()
    }
    snapshot = {
        "deliberation_id": found.pk,
        "title": found.title,
        "participants": result.get("participants"),
        "in_conversation": result.get("in_conversation"),
        "groups": groups,
        "consensus": consensus,
    }
    computed = opinion_map.computed_at and opinion_map.computed_at.isoformat()
    return snapshot, [_stamp(found), _stamp(opinion_map) | {"updated_at": computed}]


register(
    Kind(
        "opinion_groups",
        _("Opinion groups of a deliberation"),
        _build_opinions,
        _rebuilt(_build_opinions),
        _deliberation_params,
    )
)


# Campaigns: near-identical answers, one argument and its signatures -------------------------


def _build_campaigns(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    from analysis.selectors import campaigns_in

    consultation = _consultation(author, process, params)
    found = campaigns_in(consultation)
    questions = []
    for question in found:
        report = question["report"]
        questions.append(
            {
                "path": question["path"],
                "label": str(question["label"]),
                "texts": report.texts,
                "arguments": report.arguments,
                "groups": [
                    {"signatures": g.signatures, "wordings": g.wordings, "text": g.representative}
                    for g in report.near[:20]
                ],
            }
        )
    threshold = found[0]["report"].threshold if found else None
    snapshot = {"consultation": consultation.title, "threshold": threshold}
    return snapshot | {"questions": questions}, [_stamp(consultation)]


def _campaign_params(author: Any, process: Any) -> list[Param]:
    choices = [
        (str(c.pk), c.title, {"consultation_id": c.pk}) for c in _consultations(author, process)
    ]
    return [Param("consultation", _("Consultation"), choices=choices)]


register(
    Kind(
        "campaigns",
        _("Campaigns (near-identical answers)"),
        _build_campaigns,
        _rebuilt(_build_campaigns),
        _campaign_params,
    )
)


# Who took part in an event, by stakeholder kind and region ----------------------------------


def _event_params(author: Any, process: Any) -> list[Param]:
    from events.selectors import events_in

    events = events_in(process, author).order_by("-starts_at", "title")
    choices = [
        (str(e.pk), f"{e.title} · {e.starts_at:%Y-%m-%d}", {"event_id": e.pk}) for e in events
    ]
    return [Param("event", _("Event"), choices=choices)]


def _build_representation(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    from events.selectors import events_in, representation
    from stakeholders.choices import OrganisationKind, Region

    events = events_in(process, author).filter(pk=_id(params.get("event_id")))
    event = events.first()
    if event is None:
        raise BlockRefused(_("That event is not one of this process that you may see."))
    # public=True: the figures are protected as published ones are, small cells suppressed.
    figures = representation(events, public=True)["participants"]
    labels = {
        "kind": {str(k): str(v) for k, v in OrganisationKind.choices},
        "region": {str(k): str(v) for k, v in Region.choices},
    }
    snapshot: dict[str, Any] = {"event_id": event.pk, "title": event.title}
    snapshot["participants"] = suppress(figures["kind"]["total"])
    for dimension in ("kind", "region"):
        cells = figures[dimension]["cells"]
        snapshot[dimension] = [
            [key, labels[dimension].get(key) or _("not given"), cell] for key, cell in cells.items()
        ]
    return snapshot, [_stamp(event)]


register(
    Kind(
        "event_representation",
        _("Who took part in an event"),
        _build_representation,
        _rebuilt(_build_representation),
        _event_params,
    )
)


# The compilation per article of a draft revision's published submissions --------------------


def _revisions(author: Any, process: Any) -> list[Any]:
    from drafts.selectors import revisions_of, texts_in

    return [r for text in texts_in(process, author) for r in revisions_of(text)]


def _revision_params(author: Any, process: Any) -> list[Param]:
    choices = [
        (str(r.pk), f"{r.text.title} · {r.title}", {"revision_id": r.pk})
        for r in _revisions(author, process)
    ]
    return [Param("revision", _("Revision of a text"), choices=choices)]


def _build_compilation(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    from drafts.selectors import compilation, constituency_labels

    wanted = _id(params.get("revision_id"))
    revision = next((r for r in _revisions(author, process) if r.pk == wanted), None)
    if revision is None:
        raise BlockRefused(_("That revision is not one of this process that you may see."))
    found = compilation(revision, author, limit=0)
    labels = constituency_labels()
    columns = sorted(found["totals"], key=lambda c: (-found["totals"][c], c))
    matrix = [[g.total] + [g.counts.get(c, 0) for c in columns] for g in found["summary"]]
    totals = [found["count"]] + [found["totals"][c] for c in columns]
    # A submission may name several articles: the rows are not exclusive, only each row adds up.
    shown: list[list[Cell]] = protect(matrix, totals, additive=False) if matrix else []
    snapshot = {
        "revision_id": revision.pk,
        "title": f"{revision.text.title} — {revision.title}",
        "submissions": suppress(found["count"]),
        "columns": [[c, labels.get(c, c) or _("not given")] for c in columns],
        "totals": protect([totals], totals, additive=False)[0][1:],
        "articles": [
            {
                "article": " ".join(p for p in (g.article.num, g.article.heading) if p)
                if g.article
                else _("The text as a whole"),
                "total": row[0],
                "cells": row[1:],
            }
            for g, row in zip(found["summary"], shown, strict=True)
        ],
    }
    return snapshot, [_stamp(revision.text), _stamp(revision)]


register(
    Kind(
        "compilation",
        _("Compilation per article"),
        _build_compilation,
        _rebuilt(_build_compilation),
        _revision_params,
    )
)
