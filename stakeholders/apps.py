from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from core.demo import register_loader
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
        )

        watch(
            models.Organisation,
            models.ThematicArea,
            models.Membership,
            models.Application,
            models.Objection,
            models.AccreditationSettings,
            get_user_model(),
        )

        def load_demo(**kwargs: object) -> list[str]:
            from .demo import load

            return load(**kwargs)  # type: ignore[arg-type]

        register_loader("stakeholders", load_demo, order=20)
        add_process_link(_("Accreditation"), "stakeholders:accreditation", order=10)
