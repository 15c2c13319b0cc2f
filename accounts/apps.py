from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.apps import apps

        from core.audit import register_label
        from core.roles import RoleLookup, register_role_lookup

        from . import permissions, selectors, signals  # noqa: F401

        register_role_lookup(
            RoleLookup(
                staff_process_ids=selectors.staff_process_ids,
                is_platform_secretariat=selectors.is_platform_secretariat,
                is_process_staff=selectors.is_process_staff,
            )
        )
        if not apps.is_installed("stakeholders"):
            # Where organisations are kept, their app names people under its protection rule
            # (one hook per type); without them, this narrower rule is the fallback.
            register_label("accounts.user", selectors.audit_labels)

        from core.personal import register_personal_data

        from . import personal

        register_personal_data(
            "accounts",
            title=personal.TITLE,
            labels=personal.LABELS,
            export=personal.export,
            erase=personal.erase,
            order=10,
        )
