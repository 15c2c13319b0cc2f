"""Geometry of the server-drawn bar charts on the results page."""

from django import template

register = template.Library()

BAR = 24  # height of one bar's line, in SVG units
WIDTH = 230  # length of a bar at 100 %


@register.filter
def chart_height(rows: int) -> int:
    return max(1, rows) * BAR + 4


@register.filter
def bar_offset(index: int) -> int:
    return index * BAR


@register.filter
def bar_width(share: float) -> int:
    return round(max(0.0, min(1.0, share)) * WIDTH)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
