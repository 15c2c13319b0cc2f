"""A password "validator" whose work is its hook: any new password revokes the account's tokens.

Django calls `password_changed` whenever a user with a new password is saved, whatever the path
(the web forms, the admin, `consulta changepassword`), so no way of changing a password leaves
tokens made under the old one alive.
"""

from typing import Any

from django.utils.translation import gettext


class NewPasswordRevokesTokens:
    def validate(self, password: str, user: Any = None) -> None:
        return None

    def get_help_text(self) -> str:
        return gettext("A new password revokes every API token of the account.")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        from .services import revoke_all_api_tokens

        count = revoke_all_api_tokens(user, actor=user, because="accounts.password.saved")
        # The web flows' signal handlers tell the person how many went (accounts/signals.py).
        user._tokens_revoked_by_new_password = count + getattr(
            user, "_tokens_revoked_by_new_password", 0
        )
