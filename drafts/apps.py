from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "drafts"
    verbose_name = _("Negotiating texts")

    def ready(self) -> None:
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
        )

        watch(models.Text, models.Revision, models.Submission)
        add_process_link(_("Negotiating texts"), "drafts:list", order=25)
