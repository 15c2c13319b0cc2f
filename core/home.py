"""What the home page shows as open now: sections that apps add in their AppConfig.ready(), so
that the core need not know the apps (as core.navigation does for the process pages)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from .choices import ProcessStatus


@dataclass(frozen=True)
class Item:
    """One thing open now: what it is called, where it is, and when or where it happens."""

    title: str
    url: str
    note: str = ""


Items = Callable[[Any, int], list[Item]]  # (viewer, at most how many) → items


@dataclass(frozen=True)
class Section:
    name: str
    title: Any  # a lazily translated string
    items: Items
    order: int


_sections: list[Section] = []


def register_section(name: str, title: Any, items: Items, *, order: int = 100) -> None:
    """Show `items(viewer, limit)` under `title` on the home page, where there are any."""
    if all(section.name != name for section in _sections):
        _sections.append(Section(name, title, items, order))


def register_process_section(
    name: str, title: Any, url_name: str, *, note: Any = "", order: int = 100
) -> None:
    """A section listing the active processes the viewer may see, each linking to `url_name`
    (which takes the process's slug): for what every active process has open, such as a call
    for accreditation."""

    def items(viewer: Any, limit: int) -> list[Item]:
        from .selectors import processes_visible_to

        active = processes_visible_to(viewer).filter(status=ProcessStatus.ACTIVE)[:limit]
        return [Item(p.name, reverse(url_name, args=[p.slug]), str(note)) for p in active]

    register_section(name, title, items, order=order)


def open_now(viewer: Any, *, limit: int = 5) -> list[dict[str, Any]]:
    """The sections that have something open for the viewer, in order, with their items."""
    found = []
    for section in sorted(_sections, key=lambda s: s.order):
        items = section.items(viewer, limit)
        if items:
            found.append({"name": section.name, "title": section.title, "items": items})
    return found
