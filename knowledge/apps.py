from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from core.audit import register_label
        from core.demo import register_loader
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
            selectors,
            signals,
        )

        watch(models.Record, models.RecordActor, models.EvidenceDocument)
        signals.connect()
        register_label(models.Record._meta.label_lower, selectors.audit_labels)

        def load_demo(**kwargs: object) -> list[str]:
            from .demo import load

            return load(**kwargs)  # type: ignore[arg-type]

        register_loader("knowledge", load_demo, order=60)
        add_process_link(_("Knowledge base"), "knowledge:process", order=40)

        from core.personal import register_personal_data

        from . import personal

        register_personal_data(
            "knowledge",
            title=personal.TITLE,
            labels=personal.LABELS,
            export=personal.export,
            erase=personal.erase,
            order=60,
        )
