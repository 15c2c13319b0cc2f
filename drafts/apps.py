from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "drafts"
    verbose_name = _("Negotiating texts")

    def ready(self) -> None:
        from core.demo import register_loader
        from core.home import register_section
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
        )
        from .selectors import open_calls_for_home

        watch(models.Text, models.Revision, models.Submission)
        add_process_link(_("Negotiating texts"), "drafts:list", order=25)
        register_section(
            "drafts", _("Calls for comments on draft texts"), open_calls_for_home, order=15
        )

        def load_demo(**kwargs: object) -> list[str]:
            from .demo import load

            return load(**kwargs)  # type: ignore[arg-type]

        register_loader("drafts", load_demo, order=50)

        from core.personal import register_personal_data

        from . import personal

        register_personal_data(
            "drafts",
            title=personal.TITLE,
            labels=personal.LABELS,
            export=personal.export,
            erase=personal.erase,
            retain=personal.retain,
            order=50,
        )
