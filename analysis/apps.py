from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Analysis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.demo import register_loader
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
        )

        # Votes are not watched: a vote must not empty the public page cache.
        watch(models.Deliberation, models.Statement, models.OpinionMap)

        def load_demo(**kwargs: object) -> list[str]:
            from .demo import load

            return load(**kwargs)  # type: ignore[arg-type]

        register_loader("analysis", load_demo, order=60)
        add_process_link(_("Deliberations"), "analysis:list", order=40)

        from core.personal import register_personal_data

        from . import personal

        register_personal_data(
            "analysis",
            title=personal.TITLE,
            labels=personal.LABELS,
            export=personal.export,
            erase=personal.erase,
            order=70,
        )
