from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from core.demo import register_loader
        from core.home import register_section
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
        )
        from .selectors import upcoming_for_home

        watch(models.Event, models.Series, models.Speaker, models.EventOrganiser, models.AgendaItem)

        def load_demo(**kwargs: object) -> list[str]:
            from .demo import load

            return load(**kwargs)  # type: ignore[arg-type]

        register_loader("events", load_demo, order=40)
        add_process_link(_("Events"), "events:process_events", order=30)
        register_section("events", _("Upcoming events"), upcoming_for_home, order=20)

        from core.personal import register_personal_data

        from . import personal

        register_personal_data(
            "events",
            title=personal.TITLE,
            labels=personal.LABELS,
            export=personal.export,
            erase=personal.erase,
            retain=personal.retain,
            order=40,
        )
