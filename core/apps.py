from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks, permissions  # noqa: F401  (registers checks and permissions)
        from .models import Process
        from .pagecache import watch

        watch(Process)
        post_migrate.connect(_restart_audit_log_after_flush, sender=self)


def _restart_audit_log_after_flush(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # `flush` empties every table on purpose and then sends post_migrate without a plan; the
    # migration made the sealed head of a new log, so only flush has to make it again. After
    # `migrate` a missing head is never recreated: it is how deleting the whole log shows.
    if "plan" in kwargs:
        return
    from .audit import ensure_head

    ensure_head(using)
