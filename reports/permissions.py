"""Permissions of reports: the secretariat of a process composes and publishes its reports."""

from typing import Any

from core.permissions import register
from core.roles import is_process_staff


def _compose(user: Any, obj: Any) -> bool:
    process = getattr(obj, "process", obj)
    return process is not None and is_process_staff(user, process)


COMPOSE = register(
    "reports.compose_report", _compose, "Compose and publish the reports of a process."
)
