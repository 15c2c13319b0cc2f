from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks, permissions  # noqa: F401  (registers checks and permissions)
        from .audit import entries_about, register_label
        from .models import Process
        from .pagecache import watch
        from .personal import register_personal_data

        watch(Process)
        register_label("core.process", _process_names)
        # Last: the entries written by the other apps' erasures are part of it.
        register_personal_data(
            "audit",
            title=_("Audit log"),
            labels={"entries": _("Entries about you")},
            export=entries_about,
            order=1000,
        )
        post_migrate.connect(_restart_audit_log_after_flush, sender=self)


def _process_names(ids: list[str], viewer: Any) -> dict[str, str]:
    # A process's name is public information, not a person's: the audit page may show it.
    from .models import Process

    found = Process.objects.filter(pk__in=[i for i in ids if i.isdigit()])
    return {str(pk): name for pk, name in found.values_list("pk", "name")}


def _restart_audit_log_after_flush(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # `flush` empties every table on purpose and then sends post_migrate without a plan; the
    # migration made the sealed head of a new log, so only flush has to make it again. After
    # `migrate` a missing head is never recreated: it is how deleting the whole log shows.
    if "plan" in kwargs:
        return
    from .audit import ensure_head

    ensure_head(using)
