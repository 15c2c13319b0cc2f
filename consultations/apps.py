from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from core.demo import register_loader
        from core.home import register_section
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
        )
        from .selectors import open_for_home

        # Responses are not watched: a submission must not empty the public page cache.
        watch(models.Consultation, models.FormVersion)

        def load_demo(**kwargs: object) -> list[str]:
            from .demo import load

            return load(**kwargs)  # type: ignore[arg-type]

        register_loader("consultations", load_demo, order=30)
        add_process_link(_("Consultations"), "consultations:list", order=20)
        register_section(
            "consultations", _("Consultations taking answers"), open_for_home, order=10
        )

        from core.personal import register_personal_data

        from . import personal

        register_personal_data(
            "consultations",
            title=personal.TITLE,
            labels=personal.LABELS,
            export=personal.export,
            erase=personal.erase,
            retain=personal.retain,
            order=30,
        )
