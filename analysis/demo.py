# ruff: noqa: E501  (statements are sentences, one a line)
"""The demo's deliberation: public-private partnerships against cybercrime, 300 participants
whose votes follow three opinion groups, computed as Polis computes them."""

import random
from typing import Any

from django.contrib.auth.models import AnonymousUser

from core.models import Process

from . import services
from .models import Deliberation

SLUG = "ppp-deliberation"
STATEMENTS = [
    "Companies that hold data on cybercrime victims should share it with law enforcement only under a court order.",
    "Public-private partnerships against cybercrime need independent oversight with civil society on the board.",
    "Internet service providers should be required to retain traffic data for at least a year.",
    "Small and medium businesses need free, publicly funded incident response support.",
    "Vulnerability disclosure programmes should protect researchers from prosecution.",
    "Governments should not buy or stockpile software vulnerabilities.",
    "Information sharing between banks and police is the most effective partnership we have.",
    "Partnerships should publish yearly transparency reports on the data requests they handle.",
    "Encryption must never be weakened for the sake of investigations.",
    "Capacity building funds should go mainly to developing countries' computer emergency teams.",
    "Private companies should be able to take down botnets without waiting for a court.",
    "Victims of online fraud should be able to report once and reach every agency concerned.",
    "Human rights safeguards in the convention are enough; partnerships need no extra rules.",
    "Cybersecurity training should be part of every school curriculum.",
    "Platforms should verify the identity of every advertiser to fight online scams.",
    "Cross-border data requests should go through mutual legal assistance, never directly to firms.",
    "Industry should pay into a common fund for cybercrime victims.",
    "Civil society organisations should be consulted before any partnership agreement is signed.",
]
# Three opinion profiles: for each statement, the chance of agreeing (else disagree or pass).
PROFILES = [
    [0.9, 0.9, 0.1, 0.8, 0.9, 0.9, 0.3, 0.9, 0.95, 0.6, 0.1, 0.8, 0.1, 0.8, 0.3, 0.9, 0.5, 0.95],
    [0.2, 0.4, 0.9, 0.6, 0.4, 0.2, 0.9, 0.5, 0.2, 0.5, 0.8, 0.9, 0.8, 0.8, 0.8, 0.2, 0.2, 0.3],
    [0.5, 0.7, 0.4, 0.95, 0.6, 0.5, 0.6, 0.7, 0.6, 0.95, 0.4, 0.9, 0.4, 0.9, 0.6, 0.5, 0.8, 0.7],
]
PARTICIPANTS = 300


def load(*, actor: Any, **_kwargs: Any) -> list[str]:
    process = Process.objects.filter(slug="cosp-cybercrime").first() or Process.objects.first()
    if process is None:
        return []
    lines = _themes(actor)
    if Deliberation.objects.filter(slug=SLUG).exists():
        return lines
    deliberation = services.create_deliberation(
        process,
        actor=actor,
        slug=SLUG,
        title="Public-private partnerships against cybercrime: where do we agree?",
        question=(
            "How should governments, companies and civil society work together against "
            "cybercrime? Vote on each statement, and add your own."
        ),
        audience="public",
        identity="anonymous",
        seeds=STATEMENTS,
    )
    services.set_status(deliberation, "open", actor=actor)
    _votes(deliberation)
    services.request_opinion_map(deliberation)
    return [f"Deliberation with {PARTICIPANTS} participants: /deliberations/{SLUG}/map/", *lines]


def _themes(actor: Any) -> list[str]:
    """Themes in the PPP survey's recommendations to Member States."""
    from consultations.models import Consultation

    from .models import ThemeRun

    survey = Consultation.objects.filter(slug="ppp-survey").first()
    if survey is None:
        return []
    if not ThemeRun.objects.filter(consultation=survey, question="recommendation").exists():
        services.start_theme_run(survey, actor=actor, question="recommendation")
    return [f"Themes in the PPP survey's recommendations: /consultations/{survey.slug}/themes/"]


def _votes(deliberation: Deliberation) -> None:
    rng = random.Random(2024)
    visitor = AnonymousUser()
    for n in range(PARTICIPANTS):
        profile = PROFILES[n % 3 if n % 7 else rng.randrange(3)]
        token = ""
        seen = rng.sample(range(len(STATEMENTS)), rng.randint(9, len(STATEMENTS)))
        for number in seen:
            roll = rng.random()
            value = 0 if roll > 0.9 else (1 if rng.random() < profile[number] else -1)
            _vote, _changed, token = services.cast_vote(
                deliberation, actor=visitor, statement_number=number, value=value, token=token
            )
