"""Links that other apps add to the core's pages, so the core need not know the apps."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class ProcessLink:
    label: Any  # a lazily translated string
    url_name: str
    order: int


_process_links: list[ProcessLink] = []


def add_process_link(label: Any, url_name: str, *, order: int = 100) -> None:
    """Show a link on every process page; `url_name` takes the process's slug."""
    if all(link.url_name != url_name for link in _process_links):
        _process_links.append(ProcessLink(label, url_name, order))


def process_links(process: Any) -> list[dict[str, Any]]:
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[process.slug])}
        for link in sorted(_process_links, key=lambda link: link.order)
    ]
