"""What consultations hold about a person: their attributed and confidential responses, the
answers they saved before sending, and whether they answered.

Anonymous responses are not among them, by design: they store no link to anyone. That a
signed-in person answered an anonymous consultation is kept apart from the answers, as a keyed
hash of consultation and person (Participation), so that it can be found for the person while
nothing ties it to a response.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Identity
from .models import Attachment, Consultation, Draft, Invitee, Participation, Response
from .selectors import participation_digest

TITLE = _("Consultations")
LABELS = {
    "responses": _("Attributed and confidential responses"),
    "saved_drafts": _("Answers saved before sending"),
    "anonymous_consultations_answered": _(
        "Anonymous consultations you answered (your answers are not linked to you)"
    ),
    "invitations": _("Invitations"),
}


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _answered(user: Any) -> list[Consultation]:
    """The consultations whose participation digest for this person is stored."""
    consultations = list(Consultation.objects.order_by("pk"))
    wanted = {participation_digest(c, user): c for c in consultations}
    found = Participation.objects.filter(digest__in=list(wanted)).values_list("digest", flat=True)
    return [wanted[d] for d in found]


def export(user: Any) -> dict[str, Any]:
    """Responses linked to the person, saved drafts, consultations answered, invitations."""
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("consultation", "organisation")
        .prefetch_related("attachments")
        .order_by("pk")
    )
    drafts = Draft.objects.filter(respondent=user).select_related("consultation").order_by("pk")
    invitations = Invitee.objects.filter(email__iexact=user.email).select_related("consultation")
    answered = _answered(user)
    return {
        "responses": [
            {
                "consultation": r.consultation.title,
                "consultation_slug": r.consultation.slug,
                "identity": r.consultation.identity,
                "reference": r.reference,
                "organisation": r.organisation.name if r.organisation else None,
                "language": r.language,
                "submitted": _when(r.submitted_at),
                "answers": r.answers,
                "files": [
                    {
                        "question": a.question,
                        "file_name": a.original_name,
                        "content_type": a.content_type,
                        "size": a.size,
                    }
                    for a in r.attachments.all()
                ],
            }
            for r in responses
        ],
        "saved_drafts": [
            {
                "consultation": d.consultation.title,
                "consultation_slug": d.consultation.slug,
                "saved": _when(d.updated_at),
                "answers": d.answers,
            }
            for d in drafts
        ],
        "anonymous_consultations_answered": [
            {"consultation": c.title, "consultation_slug": c.slug}
            for c in answered
            if c.identity == Identity.ANONYMOUS
        ],
        "invitations": [
            {"consultation": i.consultation.title, "consultation_slug": i.consultation.slug}
            for i in invitations.order_by("pk")
        ],
    }


def erase(user: Any) -> dict[str, int]:
    """Responses stay, counted in the results, with the link to the person removed (they then
    read as an anonymous answer would, under the organisation when one was named); drafts,
    participations and invitations go."""
    answered = [participation_digest(c, user) for c in _answered(user)]
    # Not counted in what is returned (the erasure's audit entry): beside the responses that
    # name the person, a count of participations would say how many anonymous ones they gave.
    Participation.objects.filter(digest__in=answered).delete()
    # A file's name often says whose it is: the files stay with the response, unnamed.
    Attachment.objects.filter(response__respondent=user).update(original_name="")
    return {
        "responses_unlinked": Response.objects.filter(respondent=user).update(respondent=None),
        "drafts": Draft.objects.filter(respondent=user).delete()[0],
        "invitations": Invitee.objects.filter(email__iexact=user.email).delete()[0],
    }


def retain(process: Any, now: datetime) -> int:
    """Past the process's periods after it closed: saved drafts go, and responses lose the
    person behind them (and, where the identity was confidential, the organisation too)."""
    closed = getattr(process, "closed_at", None)
    if closed is None:
        return 0
    done = 0
    if now >= closed + timedelta(days=process.retain_drafts_days):
        done += Draft.objects.filter(consultation__process=process).delete()[0]
    if now >= closed + timedelta(days=process.retain_identities_days):
        responses = Response.objects.filter(consultation__process=process)
        named = Attachment.objects.filter(response__in=responses.exclude(respondent=None))
        named.exclude(original_name="").update(original_name="")
        done += responses.filter(respondent__isnull=False).update(respondent=None)
        done += (
            responses.filter(consultation__identity=Identity.CONFIDENTIAL)
            .filter(~Q(organisation=None))
            .update(organisation=None)
        )
    return done
