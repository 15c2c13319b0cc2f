from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks, permissions  # noqa: F401  (registers checks and permissions)
        from .models import Process
        from .pagecache import watch

        watch(Process)
