"""Rows and geometry of the representation charts."""

from typing import Any

from django import template

from accounts.choices import Gender
from stakeholders.choices import OrganisationKind, Region

register = template.Library()

LABELS = {**dict(OrganisationKind.choices), **dict(Region.choices), **dict(Gender.choices)}


@register.filter
def figure_rows(figure: dict[str, Any]) -> list[dict[str, Any]]:
    from django.utils.translation import gettext as _

    rows = []
    for key, count in figure["cells"].items():
        share = figure["shares"].get(key)
        rows.append(
            {
                "label": str(LABELS.get(key, key)) if key else _("Not stated"),
                "count": count,
                "share": share,
                "target": figure.get("targets", {}).get(key),
            }
        )
    return rows


@register.filter
def bar_height(rows: int) -> int:
    return max(1, rows) * 22 + 2


@register.filter
def bar_top(index: int) -> int:
    return index * 22


@register.filter
def bar_length(share: Any) -> int:
    return round(max(0.0, min(100.0, float(share or 0))) * 2)
