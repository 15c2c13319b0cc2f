"""The consultations of the demo world: the stakeholder survey on public-private partnerships,
open in the Ad Hoc Committee's process with about 300 generated responses, and a closed
consultation on capacity-building needs whose results are published.

Responses are generated from a fixed seed, so the demo looks the same every time it is loaded.
"""

import random
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from core.models import Process

from . import services
from .choices import Status
from .models import Consultation

FORMS = Path(__file__).parent / "forms"
KINDS = ["ngo"] * 5 + ["academia"] * 3 + ["private"] * 3 + ["igo", "other"]
REGIONS = (
    ["african"] * 3 + ["asia_pacific"] * 3 + ["grulac"] * 2 + ["eastern_european"] + ["weog"] * 3
)


def load(*, actor: Any, password: str = "") -> list[str]:
    """Load the consultations of the demo; safe to run again."""
    committee = Process.objects.get(slug="ahc-cybercrime")
    survey = _survey(committee, actor)
    needs = _capacity_needs(committee, actor)
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
    survey = _consultation(
        process,
        actor,
        "ppp-survey",
        "ppp_survey.md",
        title="Stakeholder survey on public-private partnerships against cybercrime",
        description=(
            "How do public authorities, companies, civil society and researchers work together "
            "against cybercrime, and what stands in the way? Your answers feed the secretariat's "
            "report to the Conference of the States Parties. Answers are **confidential**: the "
            "secretariat sees who answered, published results never do."
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
            _submit(survey, _ppp_answers(rng), rng, number, now)
    return survey


def _submit(
    consultation: Consultation, answers: dict[str, Any], rng: random.Random, n: int, now: Any
) -> None:
    services.submit_response(
        consultation,
        actor=AnonymousUser(),
        instance_id=uuid.UUID(int=rng.getrandbits(128)),
        answers=answers,
        language=rng.choice(["en"] * 6 + ["fr", "fr", "es", "ar"]),
        declared={"kind": rng.choice(KINDS), "region": rng.choice(REGIONS)},
        now=now - timedelta(minutes=n),
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
                "ppp_name": rng.choice(
                    [
                        "Cyber threat sharing forum",
                        "Joint ransomware task force",
                        "Campus CSIRT network",
                        "Anti-phishing coalition",
                        "Safer Internet Centre",
                    ]
                ),
                "ppp_partners": rng.sample(["police", "cert", "company", "ngo", "academia"], 2),
                "ppp_start": (date(2015, 1, 1) + timedelta(days=rng.randint(0, 3300))).isoformat(),
                "ppp_rating": rng.randint(1, 5),
            }
            for _ in range(count)
        ]
    if "other" in answers["obstacles"]:
        answers["obstacles_other"] = "Fragmented national rules on who may receive reports."
    if answers["follow_up"] == "yes":
        answers["follow_up_email"] = f"respondent{rng.randint(1, 9999)}@example.org"
    if rng.random() < 0.3:
        answers["recommendation"] = rng.choice(
            [
                "Fund national CERTs to work with civil society.",
                "Publish the terms of every partnership.",
                '=HYPERLINK("http://example.org") should stay text in exports.',
                "Protect researchers who report vulnerabilities in good faith.",
            ]
        )
    return answers


def _capacity_needs(process: Process, actor: Any) -> Consultation:
    opened = timezone.now() - timedelta(days=400)
    needs = _consultation(
        process,
        actor,
        "capacity-needs-2024",
        "capacity_needs.md",
        title="Capacity-building needs (2024)",
        description="A short consultation of stakeholders held before the fifth session.",
        opens_at=opened,
        closes_at=opened + timedelta(days=30),
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
                answers["why_not"] = "Connections are unreliable where our trainees work."
            _submit(needs, answers, rng, number, opened + timedelta(days=20))
        services.set_status(needs, Status.CLOSED, actor=actor)
        services.set_status(needs, Status.PUBLISHED, actor=actor)
    return needs
