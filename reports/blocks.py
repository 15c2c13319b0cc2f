"""The kinds of report block, as a registry: each kind takes its parameters, builds the snapshot
it shows from the live data (refusing what the author may not see), and checks a stored
snapshot against the live data again. A new kind (themes) is one more `register` call."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from consultations.models import Consultation, Response

from .exceptions import BlockRefused

Snapshot = tuple[dict[str, Any], list[dict[str, Any]]]


@dataclass(frozen=True)
class Param:
    """One field of the form that adds a block. A select's choices are (value, label, params):
    picking one sets those parameters, so that nobody types an id by hand."""

    name: str
    label: str
    widget: str = "select"  # "select", "text" (a long text), "line" (optional) or "number"
    choices: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


def _no_params(author: Any, process: Any) -> list[Param]:
    return []


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    build: Callable[[Any, Any, dict[str, Any]], Snapshot]
    # (author, process, params, snapshot): what no longer matches the live data.
    verify: Callable[[Any, Any, dict[str, Any], dict[str, Any]], list[str]]
    # The form's fields, with choices from what this author may see in this process.
    params: Callable[[Any, Any], list[Param]] = _no_params


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _kinds[kind.name] = kind
    return kind


def kind_of(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise BlockRefused(_("There is no block of kind “%s”.") % name) from None


def kinds() -> list[Kind]:
    return list(_kinds.values())


def _stamp(obj: Any) -> dict[str, Any]:
    return {
        "type": obj._meta.label_lower,
        "id": obj.pk,
        "updated_at": getattr(obj, "updated_at", None) and obj.updated_at.isoformat(),
    }


def _id(value: Any) -> int:
    """An id from a block's parameters; what is not a whole number finds nothing."""
    try:
        found = int(value)
    except (TypeError, ValueError, OverflowError):
        return -1
    return found if 0 < found < 2**63 else -1  # beyond a database integer: nothing either


def _consultations(author: Any, process: Any) -> Any:
    return Consultation.objects.restrict(author, "manage").filter(process=process).order_by("title")


def _consultation_choices(author: Any, process: Any) -> list[Param]:
    choices = [
        (str(c.pk), c.title, {"consultation_id": c.pk}) for c in _consultations(author, process)
    ]
    return [Param("consultation", _("Consultation"), choices=choices)]


def _consultation(author: Any, process: Any, params: dict[str, Any]) -> Consultation:
    found = (
        Consultation.objects.restrict(author, "manage")
        .filter(pk=_id(params.get("consultation_id")), process=process)
        .first()
    )
    if found is None:
        raise BlockRefused(_("That consultation is not one of this process that you may see."))
    return found


# Free text ----------------------------------------------------------------------------------


def _build_text(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    value = params.get("markdown")
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise BlockRefused(_("A text block needs some text."))
    return {"markdown": text}, []


def _text_params(author: Any, process: Any) -> list[Param]:
    return [Param("markdown", _("Text (Markdown)"), widget="text")]


register(
    Kind("text", _("Text"), _build_text, lambda author, process, params, snapshot: [], _text_params)
)


# Consultation results: the number of responses ----------------------------------------------


def _responses(consultation: Consultation) -> int:
    return consultation.responses.count()


def _build_responses(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    consultation = _consultation(author, process, params)
    figures = {"title": consultation.title, "responses": _responses(consultation)}
    return figures, [_stamp(consultation)]


def _verify_responses(
    author: Any, process: Any, params: dict[str, Any], snapshot: dict[str, Any]
) -> list[str]:
    consultation = Consultation.objects.filter(pk=_id(params.get("consultation_id"))).first()
    if consultation is None:
        return [_("consultation %s no longer exists") % params.get("consultation_id")]
    live = _responses(consultation)
    if snapshot.get("responses") != live:
        return [
            _("“%(title)s”: the report says %(shown)s responses, the data has %(live)s")
            % {"title": consultation.title, "shown": snapshot.get("responses"), "live": live}
        ]
    return []


register(
    Kind(
        "consultation_responses",
        _("Consultation responses"),
        _build_responses,
        _verify_responses,
        _consultation_choices,
    )
)


# A quote from a free-text answer, at its offsets --------------------------------------------


def _answer_text(response: Response, field: str) -> str:
    value = response.answers.get(field) if isinstance(response.answers, dict) else None
    return value if isinstance(value, str) else ""


def _offsets(text: str, params: dict[str, Any]) -> tuple[int, int]:
    """The quote's offsets: as given, else where the quoted passage is in the answer."""
    wanted = params.get("quote")
    if "start" not in params and "end" not in params and isinstance(wanted, str) and wanted:
        found = text.find(wanted)
        if found < 0:
            raise BlockRefused(
                _("“%s” is not in that answer: quote it exactly, as it was written.") % wanted[:200]
            )
        return found, found + len(wanted)
    try:
        return int(params.get("start", 0)), int(params.get("end", len(text)))
    except (TypeError, ValueError, OverflowError):
        raise BlockRefused(_("The quote's offsets must be whole numbers.")) from None


def _build_quote(author: Any, process: Any, params: dict[str, Any]) -> Snapshot:
    consultation = _consultation(author, process, params)
    response = consultation.responses.filter(pk=_id(params.get("response_id"))).first()
    field = str(params.get("field", ""))
    text = _answer_text(response, field) if response else ""
    start, end = _offsets(text, params)
    if response is None or not text or not 0 <= start < end <= len(text):
        raise BlockRefused(_("There is no answer text at those offsets to quote."))
    wanted = params.get("quote")
    if wanted not in (None, "") and wanted != text[start:end]:
        # A quote typed or edited by hand is refused: a report quotes exactly, or not at all.
        raise BlockRefused(
            _("“%(quote)s” is not the text of that answer at %(start)s–%(end)s: quote it exactly.")
            % {"quote": str(wanted)[:200], "start": start, "end": end}
        )
    snapshot = {"quote": text[start:end], "response_id": response.pk, "field": field}
    snapshot |= {"start": start, "end": end, "consultation": consultation.title}
    return snapshot, [_stamp(consultation), _stamp(response) | {"updated_at": None}]


def _verify_quote(
    author: Any, process: Any, params: dict[str, Any], snapshot: dict[str, Any]
) -> list[str]:
    response = Response.objects.filter(pk=_id(snapshot.get("response_id"))).first()
    text = _answer_text(response, str(snapshot.get("field", ""))) if response else ""
    start, end = snapshot.get("start"), snapshot.get("end")
    found = text[start:end] if isinstance(start, int) and isinstance(end, int) else None
    if found != snapshot.get("quote"):
        message = _("the quote “%(quote)s” is not in response %(id)s at %(start)s–%(end)s")
        return [
            message
            % {
                "quote": snapshot.get("quote"),
                "id": snapshot.get("response_id"),
                "start": start,
                "end": end,
            }
        ]
    return []


def _quote_params(author: Any, process: Any) -> list[Param]:
    """The written answers to quote from, the first few hundred of this process."""
    from consultations.selectors import responses_of

    choices = []
    for consultation in _consultations(author, process):
        rows = responses_of(consultation).order_by("id").values_list("id", "answers")[:300]
        for pk, answers in rows:
            for name, value in (answers or {}).items():
                if isinstance(value, str) and len(value.split()) >= 3:
                    label = f"{consultation.title} · {pk} · {name}: {value[:60]}"
                    params = {"consultation_id": consultation.pk, "response_id": pk}
                    choices.append((f"{pk}:{name}", label, params | {"field": name}))
    return [
        Param("answer", _("Answer"), choices=choices),
        Param("quote", _("The passage, exactly as written (or leave empty)"), widget="line"),
        Param("start", _("First character (from 0)"), widget="number"),
        Param("end", _("After the last character"), widget="number"),
    ]


register(
    Kind(
        "consultation_quote",
        _("Quote from an answer"),
        _build_quote,
        _verify_quote,
        _quote_params,
    )
)


# The kinds computed by other apps (themes, opinion groups, campaigns, events, compilations).
from . import computed_blocks  # noqa: E402, F401
