"""The API of this project: the infrastructure of `api/` with the router of every app mounted."""

from importlib import import_module, util

from api.router import api

from .apps import PROJECT_APPS


def _mount() -> None:
    for app in PROJECT_APPS:
        if app == "api" or util.find_spec(f"{app}.api") is None:
            continue
        router = getattr(import_module(f"{app}.api"), "router", None)
        if router is not None:
            api.add_router("/", router)


_mount()
