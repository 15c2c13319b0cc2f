"""Background tasks of accounts."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="accounts.tasks.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_email(message: dict[str, object]) -> None:
    """Send one rendered e-mail (subject, body, from, to, html alternative)."""
    email = EmailMultiAlternatives(
        subject=str(message["subject"]),
        body=str(message["body"]),
        from_email=str(message["from_email"]),
        to=list(message["to"]),  # type: ignore[call-overload]
    )
    if message.get("html"):
        email.attach_alternative(str(message["html"]), "text/html")
    email.send()
