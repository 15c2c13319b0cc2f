"""Background tasks of events: the e-mails that confirm, wait-list or promote a registration."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .calendar import calendar
from .choices import RegistrationState as R
from .models import Registration
from .selectors import calendar_item, qr_png

logger = logging.getLogger(__name__)


def _body(registration: Registration, promoted: bool) -> str:
    event = registration.event
    texts: dict[str, str] = {
        R.CONFIRMED: _("Your place at “%(title)s” is confirmed."),
        R.WAITING: _(
            "“%(title)s” is full: you are on the waiting list. We will write if a place frees up."
        ),
        R.PENDING: _("Your registration for “%(title)s” awaits the organisers' approval."),
        R.DECLINED: _("The organisers could not offer you a place at “%(title)s”."),
    }
    text = texts.get(str(registration.state), _("Your registration for “%(title)s” changed."))
    lines = [text % {"title": event.title}]
    if promoted and registration.state == R.CONFIRMED:
        lines.insert(0, _("A place freed up and it is yours."))
    link = settings.SITE_URL + reverse("events:detail", args=[event.slug])
    lines += ["", link]
    if registration.state == R.CONFIRMED:
        lines += [
            "",
            _(
                "Show the attached QR code at the entrance to check in. "
                "The calendar file adds the event to your calendar."
            ),
        ]
    return "\n".join(lines)


@shared_task(name="events.tasks.send_registration_email", autoretry_for=(OSError,), max_retries=5)
def send_registration_email(registration_id: int, promoted: bool = False) -> None:
    """Tell the participant where their registration stands, in their language."""
    registration = (
        Registration.objects.select_related("event", "user").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    with translation.override(registration.user.language or settings.LANGUAGE_CODE):
        subject = _("Registration: %(title)s") % {"title": registration.event.title}
        email = EmailMessage(
            subject=subject,
            body=_body(registration, promoted),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.user.email],
        )
        if registration.state == R.CONFIRMED:
            email.attach(
                "event.ics", calendar([calendar_item(registration.event)]), "text/calendar"
            )
            email.attach("check-in.png", qr_png(registration), "image/png")
    email.send()
    logger.debug("registration e-mail sent for registration %s", registration_id)
