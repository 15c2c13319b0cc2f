"""How allauth sends mail here: rendered now, sent by a background task once the request commits."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from core.tasks import enqueue_on_commit

from .tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        # The profile lists the tokens, which a new password revokes (with a message saying so).
        return reverse("accounts:profile")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        msg = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, mime in getattr(msg, "alternatives", []) if mime == "text/html"), ""
        )
        enqueue_on_commit(
            send_email,
            {
                "subject": msg.subject,
                "body": msg.body,
                "from_email": msg.from_email,
                "to": list(msg.to),
                "html": html,
            },
        )
