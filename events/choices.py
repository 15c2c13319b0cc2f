from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    SIDE_EVENT = "side_event", _("Side event")
    WORKSHOP = "workshop", _("Workshop")
    ONLINE_SESSION = "online_session", _("Online session")
    REGIONAL = "regional_consultation", _("Regional consultation")
    INTERSESSIONAL = "intersessional_consultation", _("Intersessional consultation")
    FORMAL_SESSION = "formal_session", _("Formal session")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Anyone signed in")
    ACCREDITED = "accredited", _("Organisations accredited to the process")
    INVITED = "invited", _("An invited list")


class ListMode(models.TextChoices):
    HIDDEN = "hidden", _("Hidden")
    CONSENT = "consent", _("Only those who consent")
    EVERYONE = "everyone", _("Everyone (except people at risk)")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    PENDING = "pending", _("Awaiting the organisers' approval")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATES = ("confirmed", "waiting", "pending")


class OrganiserRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    CO_SPONSOR = "co_sponsor", _("Co-sponsor")


class SpeakerRole(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    SPEAKER = "speaker", _("Speaker")
    FACILITATOR = "facilitator", _("Facilitator")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


class FloorState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GIVEN = "given", _("Statement given")
    WITHDRAWN = "withdrawn", _("Withdrawn")
