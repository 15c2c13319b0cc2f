"""Anchors of amendments, as the W3C Web Annotation model describes them: a TextQuoteSelector
(the exact passage, with the words before and after it) and a TextPositionSelector (its
offsets in the element's text). An anchor is resolved when it is written, and found again in
each later revision: as written, then by fuzzy matching, else orphaned with the reason."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from .exceptions import InvalidAnchor

CONTEXT = 32  # characters kept before and after the passage
# A passage found changed is accepted from this similarity (0-100), as Hypothesis's fuzzy
# anchoring accepts a close match rather than none.
FUZZY_THRESHOLD = 75.0


@dataclass(frozen=True)
class Selection:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def _occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def select(
    text: str,
    *,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
) -> Selection:
    """The passage `exact` in `text`: at the position given, or where it occurs once (the
    words before and after it choosing between occurrences). Refused when it is not there or
    matches more than once with nothing to tell the places apart."""
    if not exact:
        raise InvalidAnchor(_("Copy the passage from the text."))
    if start is not None:
        stop = end if end is not None else start + len(exact)
        if text[start:stop] != exact:
            raise InvalidAnchor(
                _("The passage is not at the position given (%(start)s-%(end)s) of this element.")
                % {"start": start, "end": stop},
                "position",
            )
        return _selection(text, start, stop)
    places = _occurrences(text, exact)
    if not places:
        raise InvalidAnchor(
            _("This passage is not in the element chosen: copy it exactly from the text.")
        )
    if len(places) > 1:
        narrowed = [
            p
            for p in places
            if text[:p].endswith(prefix) and text[p + len(exact) :].startswith(suffix)
        ]
        if (prefix or suffix) and len(narrowed) == 1:
            places = narrowed
        else:
            raise InvalidAnchor(
                _(
                    "This passage appears %(count)s times in the element: add the words just "
                    "before it, or give its position, to say which one."
                )
                % {"count": len(places) if not (prefix or suffix) else len(narrowed) or len(places)}
            )
    return _selection(text, places[0], places[0] + len(exact))


def _selection(text: str, start: int, end: int) -> Selection:
    return Selection(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


@dataclass(frozen=True)
class Found:
    status: str  # exact, fuzzy, orphaned
    start: int | None = None
    end: int | None = None
    score: float = 0.0
    text: str = ""
    reason: str = ""


def find_again(text: str, *, exact: str, prefix: str, suffix: str) -> Found:
    """Where a passage lies in an element's new wording: exactly (the context settling
    repeats), else the closest passage if similar enough, else not at all."""
    places = _occurrences(text, exact) if exact else []
    if len(places) > 1:

        def fit(p: int) -> float:
            before = fuzz.ratio(text[max(0, p - len(prefix)) : p], prefix) if prefix else 100
            after = fuzz.ratio(text[p + len(exact) : p + len(exact) + len(suffix)], suffix)
            return before + (after if suffix else 100)

        places = [max(places, key=fit)]
    if places:
        return Found("exact", places[0], places[0] + len(exact), 100.0, exact)
    if not text.strip():
        return Found("orphaned", reason=_("The element has no text in the new revision."))
    alignment = fuzz.partial_ratio_alignment(exact, text)
    if alignment is not None and alignment.score >= FUZZY_THRESHOLD:
        start, end = alignment.dest_start, alignment.dest_end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return Found("fuzzy", start, end, alignment.score, text[start:end])
    best = alignment.score if alignment is not None else 0.0
    return Found(
        "orphaned",
        score=best,
        reason=_(
            "The passage is no longer in the text: the closest wording is %(score)s%% similar "
            "(at least %(threshold)s%% is needed)."
        )
        % {"score": round(best), "threshold": round(FUZZY_THRESHOLD)},
    )
