from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from core.audit import register_label
        from core.demo import register_loader
        from core.home import register_process_section
        from core.navigation import add_process_link
        from core.pagecache import watch

        from . import (
            models,
            permissions,  # noqa: F401  (registers the permissions)
            protection,
        )

        # People are named on the audit page as everywhere else: by the protection rule (accounts
        # registers its own, narrower, hook only where this app is not installed).
        register_label(get_user_model()._meta.label_lower, protection.audit_person_labels)

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
        register_process_section(
            "accreditation",
            _("Open calls for accreditation"),
            "stakeholders:accreditation",
            note=_("Organisations may apply"),
            order=30,
        )

        from core.personal import register_personal_data

        from . import personal

        register_personal_data(
            "stakeholders",
            title=personal.TITLE,
            labels=personal.LABELS,
            export=personal.export,
            erase=personal.erase,
            refuse=personal.refuse,
            order=20,
        )
