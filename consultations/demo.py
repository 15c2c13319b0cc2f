"""The consultations of the demo world: the stakeholder survey on public-private partnerships,
open in the process of the Conference of the States Parties with about 300 generated responses,
and the Ad Hoc Committee's consultation on capacity-building needs of March 2024, closed, its
results published.

Responses are generated from a fixed seed, so the demo looks the same every time it is loaded.
"""

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from core.demo import PEOPLE, as_of, email_for
from core.models import Process

from . import services
from .choices import Status
from .models import Consultation

FORMS = Path(__file__).parent / "forms"
KINDS = ["ngo"] * 5 + ["academia"] * 3 + ["private"] * 3 + ["igo", "other"]
REGIONS = (
    ["african"] * 3 + ["asia_pacific"] * 3 + ["grulac"] * 2 + ["eastern_european"] + ["weog"] * 3
)
# What respondents wrote, some of it by many: a campaign's sentence comes back again and again.
RECOMMENDATIONS = [
    "Fund national CERTs to work with civil society.",
    "Fund national CERTs to work with civil society.",
    "Fund national CERTs to work with civil society.",
    "Publish the terms of every partnership.",
    "Protect researchers who report vulnerabilities in good faith.",
    "Protect researchers who report vulnerabilities in good faith.",
    "Give victims' organisations a seat in every partnership, not only companies and police.",
    "Require a court order before companies hand over their users' data.",
    "Train prosecutors and judges together with the companies that hold the evidence.",
    "Share threat information in the languages of the countries that need it.",
    "Support small and medium companies, which cannot afford a security team.",
    "Report every year on what partnerships achieved, with figures.",
    "Include digital literacy for older people in national strategies.",
]
OTHER_OBSTACLES = [
    "Fragmented national rules on who may receive reports.",
    "Companies fear liability if they share what they found.",
    "No single contact point in the police for incidents.",
    "Partnerships end when their project funding ends.",
]
PARTNERSHIPS = [
    "Cyber threat sharing forum",
    "Joint ransomware task force",
    "Campus CSIRT network",
    "Anti-phishing coalition",
    "Safer Internet Centre",
    "Regional fraud reporting hub",
]
# The capacity-building consultation, before the Committee's reconvened concluding session.
NEEDS_CREATED = datetime(2024, 2, 19, 9, 0, tzinfo=UTC)
NEEDS_OPENS = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
NEEDS_CLOSES = datetime(2024, 4, 2, 17, 0, tzinfo=UTC)
NEEDS_PUBLISHED = datetime(2024, 4, 22, 10, 0, tzinfo=UTC)


def load(*, actor: Any, password: str = "") -> list[str]:
    """Load the consultations of the demo; safe to run again."""
    survey = _survey(Process.objects.get(slug="cosp-cybercrime"), actor)
    needs = _capacity_needs(Process.objects.get(slug="ahc-cybercrime"), actor)
    return [
        f"Consultations: /consultations/{survey.slug}/ (open, {survey.responses.count()} "
        f"responses) and /consultations/{needs.slug}/results/ (results published)."
    ]


def _consultation(
    process: Process, actor: Any, slug: str, form: str, **fields: Any
) -> Consultation:
    existing = Consultation.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    consultation = services.create_consultation(process, actor=actor, slug=slug, **fields)
    path = FORMS / form
    services.upload_form(consultation, actor=actor, content=path.read_bytes(), filename=path.name)
    return services.set_status(consultation, Status.OPEN, actor=actor)


def _survey(process: Process, actor: Any) -> Consultation:
    now = timezone.now()
    with as_of(now - timedelta(days=31)):
        survey = _consultation(
            process,
            actor,
            "ppp-survey",
            "ppp_survey.md",
            title="Stakeholder survey on public-private partnerships against cybercrime",
            description=(
                "How do public authorities, companies, civil society and researchers work "
                "together against cybercrime, and what stands in the way? Your answers feed the "
                "secretariat's report to the Conference of the States Parties. Answers are "
                "**confidential**: the secretariat sees who answered, published results never do."
            ),
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=60),
            audience="public",
            identity="confidential",
            layout="per_group",
        )
    if not survey.responses.exists():
        rng = random.Random(2024)
        for number in range(300):
            # Spread over the four weeks the survey has been open, in the order received.
            moment = now - timedelta(minutes=137 * (299 - number))
            _submit(survey, _ppp_answers(rng), rng, moment)
    return survey


def _submit(
    consultation: Consultation, answers: dict[str, Any], rng: random.Random, moment: datetime
) -> None:
    services.submit_response(
        consultation,
        actor=AnonymousUser(),
        instance_id=uuid.UUID(int=rng.getrandbits(128)),
        answers=answers,
        language=rng.choice(["en"] * 6 + ["fr", "fr", "es", "ar"]),
        declared={"kind": rng.choice(KINDS), "region": rng.choice(REGIONS)},
        now=moment,
    )


def _ppp_answers(rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "sector": rng.choice(["ngo", "ngo", "academia", "private", "private", "public", "other"]),
        "region": rng.choice(["african", "asia_pacific", "eastern_european", "grulac", "weog"]),
        "staff": rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40, 150]),
        "has_ppp": rng.choice(["yes", "yes", "no"]),
        "obstacles": rng.sample(
            ["trust", "law", "privacy", "resources", "other"], rng.randint(1, 3)
        ),
        "trust": str(rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])),
        "civil_society_role": str(rng.choice([1, 1, 2, 2, 3, 4, 4, 5])),
        "priorities": rng.sample(
            ["capacity", "evidence", "victims", "safeguards", "cooperation", "awareness"],
            rng.randint(1, 3),
        ),
        "follow_up": rng.choice(["yes", "no", "no"]),
    }
    if answers["has_ppp"] == "yes":
        count = rng.randint(1, 3)
        answers["ppp_count"] = count
        answers["partnership"] = [
            {
                "ppp_name": rng.choice(PARTNERSHIPS),
                "ppp_partners": rng.sample(["police", "cert", "company", "ngo", "academia"], 2),
                "ppp_start": (date(2015, 1, 1) + timedelta(days=rng.randint(0, 3300))).isoformat(),
                "ppp_rating": rng.randint(1, 5),
            }
            for _ in range(count)
        ]
    if "other" in answers["obstacles"]:
        answers["obstacles_other"] = rng.choice(OTHER_OBSTACLES)
    if answers["follow_up"] == "yes":
        # Someone of the demo's world, not one of its accounts: one name, another's surname.
        given, family = rng.choice(PEOPLE)[0], rng.choice(PEOPLE)[1]
        domain = rng.choice(["example.org", "example.net", "example.com"])
        answers["follow_up_email"] = email_for(given, family, domain)
    if rng.random() < 0.3:
        answers["recommendation"] = rng.choice(RECOMMENDATIONS)
    return answers


def _capacity_needs(process: Process, actor: Any) -> Consultation:
    with as_of(NEEDS_CREATED):
        needs = _consultation(
            process,
            actor,
            "capacity-needs-2024",
            "capacity_needs.md",
            title="Capacity-building needs (2024)",
            description=(
                "A short consultation of stakeholders in March 2024, before the Committee's "
                "reconvened concluding session: which needs for capacity-building matter most, "
                "and how many people organisations could train."
            ),
            opens_at=NEEDS_OPENS,
            closes_at=NEEDS_CLOSES,
            audience="public",
            identity="anonymous",
        )
    if needs.status == Status.OPEN:
        rng = random.Random(2023)
        for number in range(120):
            answers: dict[str, Any] = {
                "kind": rng.choice(["ngo", "ngo", "academia", "private"]),
                "needs": rng.sample(
                    ["forensics", "cooperation", "rights", "awareness"], rng.randint(1, 2)
                ),
                "trainees": rng.choice([0, 10, 25, 50, 100, 200]),
                "online": rng.choice(["yes", "yes", "yes", "no"]),
            }
            if answers["online"] == "no":
                answers["why_not"] = rng.choice(
                    [
                        "Connections are unreliable where our trainees work.",
                        "Our trainees learn better in a room together.",
                        "Connections are unreliable where our trainees work.",
                    ]
                )
            moment = NEEDS_OPENS + timedelta(hours=5 * number + rng.randint(0, 4))
            _submit(needs, answers, rng, moment)
        with as_of(NEEDS_CLOSES):
            services.set_status(needs, Status.CLOSED, actor=actor)
        with as_of(NEEDS_PUBLISHED):
            services.set_status(needs, Status.PUBLISHED, actor=actor)
    return needs
