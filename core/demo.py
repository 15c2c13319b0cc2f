"""Demo loaders: each app registers one in its AppConfig.ready(); `consulta demo` runs them in
order after the core's processes and accounts exist. Each loader must be safe to run again."""

from collections.abc import Callable
from typing import Any

Loader = Callable[..., list[str]]
_loaders: list[tuple[int, str, Loader]] = []


def register_loader(name: str, loader: Loader, *, order: int = 100) -> None:
    """Add `loader(actor=..., password=...)`, which loads a part of the demo and returns lines."""
    if all(existing != name for _o, existing, _l in _loaders):
        _loaders.append((order, name, loader))


def run_loaders(**kwargs: Any) -> list[str]:
    lines: list[str] = []
    for _order, _name, loader in sorted(_loaders, key=lambda item: item[0]):
        lines.extend(loader(**kwargs))
    return lines
