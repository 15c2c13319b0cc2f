from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
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
        register_label("accounts.user", selectors.audit_labels)
