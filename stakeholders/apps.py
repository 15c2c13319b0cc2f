from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

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
