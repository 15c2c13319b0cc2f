"""Places as answers, in ODK's text form, checked the same way for the page and the API.

A point is "lat lon [altitude [accuracy]]" (decimal degrees, metres), separated by spaces; a
geotrace is two or more points separated by ";", in order; a geoshape is a closed ring: at least
four points, the last the same as the first. The answer is stored as ODK writes it (numbers as
given, points joined by "; "), so exports read as in KoboToolbox.
"""

import math

from django.utils.translation import gettext as _

MAX_POINTS = 1_000  # of one trace or shape
MAX_ALTITUDE = 100_000.0  # metres, either way: beyond any place on the ground or in the air
MAX_ACCURACY = 10_000_000.0  # metres


class GeoError(ValueError):
    pass


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise GeoError(_("“%(text)s” is not a number (%(what)s).") % {"text": text, "what": what})
    return value


def parse_point(text: str) -> tuple[float, ...]:
    parts = text.replace(",", " ").split()
    if not 2 <= len(parts) <= 4:
        raise GeoError(
            _(
                "Give a place as latitude and longitude, e.g. “36.8 -1.28” (then, if known, "
                "altitude and accuracy in metres)."
            )
        )
    names = [_("latitude"), _("longitude"), _("altitude"), _("accuracy")]
    values = tuple(_number(part, str(name)) for part, name in zip(parts, names, strict=False))
    if not -90 <= values[0] <= 90:
        raise GeoError(_("A latitude is from -90 to 90, not %(value)s.") % {"value": parts[0]})
    if not -180 <= values[1] <= 180:
        raise GeoError(_("A longitude is from -180 to 180, not %(value)s.") % {"value": parts[1]})
    if len(values) > 2 and abs(values[2]) > MAX_ALTITUDE:
        raise GeoError(_("An altitude is in metres, at most 100,000 either way."))
    if len(values) > 3 and not 0 <= values[3] <= MAX_ACCURACY:
        raise GeoError(_("An accuracy is a distance in metres, zero or more."))
    return values


def _points(text: str) -> list[tuple[float, ...]]:
    pieces = [piece.strip() for piece in text.split(";")]
    if pieces and not pieces[-1]:
        pieces.pop()  # a trailing ";" as the "add my position" button leaves
    if len(pieces) > MAX_POINTS:
        raise GeoError(_("At most %(count)s points.") % {"count": MAX_POINTS})
    points = []
    for number, piece in enumerate(pieces, start=1):
        try:
            points.append(parse_point(piece))
        except GeoError as exc:
            problem = _("Point %(number)s: %(problem)s") % {"number": number, "problem": exc}
            raise GeoError(problem) from None
    return points


def _decimal(value: float) -> str:
    text = repr(value)  # the shortest text that reads back as the same number
    return text[:-2] if text.endswith(".0") else text


def _written(points: list[tuple[float, ...]]) -> str:
    return "; ".join(" ".join(_decimal(v) for v in point) for point in points)


def clean(kind: str, text: str) -> str:
    """The answer as stored; GeoError says what is wrong."""
    if kind == "geopoint":
        if ";" in text:
            raise GeoError(_("Give one place only."))
        return _written([parse_point(text)])
    points = _points(text)
    if kind == "geotrace":
        if len(points) < 2:
            raise GeoError(_("A line needs at least two points, separated by “;”."))
        return _written(points)
    if len(points) < 4 or points[0][:2] != points[-1][:2]:
        raise GeoError(
            _(
                "An area needs at least four points, separated by “;”, and the last is the same "
                "as the first."
            )
        )
    return _written(points)
