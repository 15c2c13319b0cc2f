"""The registry's part of the demo world: about forty organisations across every kind and
region, the ones named in the seed articles among them, and applications in every state.

The organisations named in the seed articles are real; everything said about them here (status,
people, applications) is invented for the demo. The others are fictional.
"""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accounts.selectors import find_user_by_email
from accounts.services import create_account
from core.models import Process

from . import services
from .models import Application, Organisation, ThematicArea

AREAS = [
    ("ransomware", "Ransomware"),
    ("child-online-protection", "Child online protection"),
    ("vulnerability-disclosure", "Vulnerability disclosure"),
    ("digital-literacy", "Digital literacy"),
    ("human-rights-safeguards", "Human rights safeguards"),
    ("public-private-partnerships", "Public-private partnerships"),
    ("human-trafficking", "Human trafficking"),
    ("money-laundering", "Money laundering"),
    ("artificial-intelligence", "Artificial intelligence"),
    ("electronic-evidence", "Electronic evidence"),
    ("capacity-building", "Capacity building"),
    ("international-cooperation", "International cooperation"),
]

# name, acronym, kind, country, ECOSOC status (verified if not "none"), areas, website
ORGANISATIONS: list[tuple[str, str, str, str, str, list[str], str]] = [
    (
        "Access Now",
        "",
        "ngo",
        "US",
        "none",
        ["human-rights-safeguards", "digital-literacy"],
        "https://www.accessnow.org",
    ),
    (
        "Global Initiative against Transnational Organized Crime",
        "GI-TOC",
        "ngo",
        "CH",
        "none",
        ["public-private-partnerships", "human-trafficking"],
        "https://globalinitiative.net",
    ),
    (
        "Alliance of NGOs on Crime Prevention and Criminal Justice",
        "",
        "ngo",
        "US",
        "special",
        ["international-cooperation", "capacity-building"],
        "",
    ),
    (
        "Microsoft",
        "",
        "private",
        "US",
        "none",
        ["ransomware", "public-private-partnerships"],
        "https://www.microsoft.com",
    ),
    (
        "Google",
        "",
        "private",
        "US",
        "none",
        ["artificial-intelligence", "vulnerability-disclosure"],
        "https://www.google.com",
    ),
    (
        "Chatham House",
        "",
        "academia",
        "GB",
        "none",
        ["international-cooperation"],
        "https://www.chathamhouse.org",
    ),
    (
        "EU Cyber Direct",
        "",
        "other",
        "BE",
        "none",
        ["capacity-building", "international-cooperation"],
        "",
    ),
    ("UNODC Civil Society Unit", "CSU", "un", "AT", "none", ["capacity-building"], ""),
    ("United States of America", "", "state", "US", "none", [], ""),
    ("Dominican Republic", "", "state", "DO", "none", [], ""),
    ("Austria", "", "state", "AT", "none", [], ""),
    ("Lagos Digital Rights Forum", "LDRF", "ngo", "NG", "special", ["human-rights-safeguards"], ""),
    ("Nairobi Cyber Law Clinic", "", "academia", "KE", "none", ["electronic-evidence"], ""),
    ("Sahel Women in Tech", "", "ngo", "SN", "none", ["digital-literacy"], ""),
    (
        "Cape Town Centre for Online Safety",
        "",
        "ngo",
        "ZA",
        "roster",
        ["child-online-protection"],
        "",
    ),
    (
        "Maghreb Observatory of Digital Freedoms",
        "",
        "ngo",
        "TN",
        "none",
        ["human-rights-safeguards"],
        "",
    ),
    (
        "Andean Cyber Policy Institute",
        "",
        "academia",
        "PE",
        "none",
        ["international-cooperation"],
        "",
    ),
    ("Red Caribeña de Seguridad Digital", "", "ngo", "DO", "none", ["digital-literacy"], ""),
    (
        "São Paulo Internet Governance Lab",
        "",
        "academia",
        "BR",
        "none",
        ["artificial-intelligence"],
        "",
    ),
    (
        "Mexican Association of Cybersecurity Firms",
        "AMECI",
        "private",
        "MX",
        "none",
        ["ransomware", "vulnerability-disclosure"],
        "",
    ),
    (
        "Fundación Niñez Segura en Línea",
        "",
        "ngo",
        "CO",
        "special",
        ["child-online-protection"],
        "",
    ),
    ("Pacific Islands Cyber Safety Network", "", "ngo", "FJ", "none", ["capacity-building"], ""),
    (
        "Bangalore Centre for Internet Research",
        "",
        "academia",
        "IN",
        "none",
        ["electronic-evidence", "human-rights-safeguards"],
        "",
    ),
    ("Jakarta Digital Literacy Movement", "", "ngo", "ID", "none", ["digital-literacy"], ""),
    ("Seoul Institute for Information Security", "", "academia", "KR", "none", ["ransomware"], ""),
    ("Gulf Financial Crime Forum", "", "private", "AE", "none", ["money-laundering"], ""),
    ("Manila Anti-Trafficking Coalition", "", "ngo", "PH", "general", ["human-trafficking"], ""),
    ("Hidden Voices Network", "", "ngo", "SY", "none", ["human-rights-safeguards"], ""),
    ("Baltic Cyber Defence Academy", "", "academia", "EE", "none", ["capacity-building"], ""),
    (
        "Warsaw Centre for Digital Evidence",
        "",
        "academia",
        "PL",
        "none",
        ["electronic-evidence"],
        "",
    ),
    ("Kyiv Cyber Resilience Hub", "", "ngo", "UA", "none", ["ransomware"], ""),
    ("Tbilisi Open Internet Association", "", "ngo", "GE", "none", ["human-rights-safeguards"], ""),
    ("Balkan Investigative Tech Network", "", "ngo", "RS", "none", ["money-laundering"], ""),
    (
        "Nordic Institute for Responsible AI",
        "",
        "academia",
        "NO",
        "none",
        ["artificial-intelligence"],
        "",
    ),
    (
        "Vienna Forum on Crime Prevention",
        "",
        "ngo",
        "AT",
        "special",
        ["international-cooperation"],
        "",
    ),
    (
        "Canadian Centre for Child Protection Online",
        "",
        "ngo",
        "CA",
        "none",
        ["child-online-protection"],
        "",
    ),
    (
        "Secure Payments Alliance",
        "",
        "private",
        "GB",
        "none",
        ["money-laundering", "ransomware"],
        "",
    ),
    (
        "Interpol Cybercrime Directorate (demo)",
        "",
        "igo",
        "SG",
        "none",
        ["international-cooperation"],
        "",
    ),
    (
        "Council of Europe Cybercrime Programme Office (demo)",
        "",
        "igo",
        "RO",
        "none",
        ["capacity-building"],
        "",
    ),
    ("Australian Cyber Policy Centre (demo)", "", "academia", "AU", "none", ["ransomware"], ""),
]

VERIFIED_ON = date(2024, 1, 15)

# Representatives: (e-mail, name, organisation, role, gender, at risk)
PEOPLE = [
    ("rep.accessnow@demo.consulta.org", "Thomas Lohninger", "Access Now", "admin", "man", False),
    (
        "rep.gitoc@demo.consulta.org",
        "Livia Wagner",
        "Global Initiative against Transnational Organized Crime",
        "admin",
        "woman",
        False,
    ),
    ("rep.google@demo.consulta.org", "Ludmila Georgieva", "Google", "admin", "woman", False),
    (
        "rep.hiddenvoices@demo.consulta.org",
        "Rania (protected)",
        "Hidden Voices Network",
        "admin",
        "woman",
        True,
    ),
    (
        "rep.ldrf@demo.consulta.org",
        "Adaeze Okafor",
        "Lagos Digital Rights Forum",
        "admin",
        "woman",
        False,
    ),
    (
        "rep.clinic@demo.consulta.org",
        "Samuel Kiprop",
        "Nairobi Cyber Law Clinic",
        "admin",
        "",
        False,
    ),
]


def _areas() -> dict[str, ThematicArea]:
    for slug, name in AREAS:
        if not ThematicArea.objects.filter(slug=slug).exists():
            services.create_thematic_area(actor=None, slug=slug, name=name)
    return {a.slug: a for a in ThematicArea.objects.all()}


def _organisations(actor: Any) -> dict[str, Organisation]:
    areas = _areas()
    found: dict[str, Organisation] = {}
    for name, acronym, kind, country, status, slugs, website in ORGANISATIONS:
        existing = Organisation.objects.filter(name=name, country=country).first()
        found[name] = existing or services.create_organisation(
            actor=actor,
            name=name,
            acronym=acronym,
            kind=kind,
            country=country,
            ecosoc_status=status,
            ecosoc_verified_at=VERIFIED_ON if status != "none" else None,
            website=website,
            description=f"{name} works on cybercrime policy. *Demo profile.*",
            thematic_areas=[areas[s] for s in slugs],
        )
    # The person who registered the demo organisations is not one of their people.
    for organisation in found.values():
        organisation.memberships.filter(user=actor).delete()
    hidden = found["Hidden Voices Network"]
    if not hidden.at_risk:
        services.update_organisation(hidden, actor=actor, at_risk=True, public_as_region=True)
    return found


def _people(found: dict[str, Organisation], password: str) -> None:
    for email, name, org_name, role, gender, at_risk in PEOPLE:
        user = find_user_by_email(email) or create_account(
            email, actor=None, password=password, display_name=name, verified=True
        )
        if user.gender != gender or user.at_risk != at_risk:
            user.gender, user.at_risk = gender, at_risk
            user.save(update_fields=["gender", "at_risk"])
        found[org_name].memberships.get_or_create(user=user, defaults={"role": role})


def _apply(
    process: Process,
    organisation: Organisation,
    actor: Any,
    steps: list[str],
    delegates: dict[str, Any],
) -> None:
    if Application.objects.filter(process=process, organisation=organisation).exists():
        return
    application = services.create_application(
        process,
        actor=actor,
        organisation=organisation,
        statement=f"{organisation.name} has worked on the issues before the Committee for years "
        "and brings the experience of its members and partners.",
    )
    today = timezone.now().date()
    for step in steps:
        if step == "submit":
            services.submit_application(application, actor=actor)
        elif step == "return":
            services.return_application(
                application,
                actor=actor,
                message="Please describe your work on electronic evidence.",
            )
        elif step == "review":
            services.review_application(application, actor=actor)
        elif step == "circulate":
            services.circulate_application(
                application, actor=actor, deadline=today + timedelta(days=10)
            )
        elif step == "circulate-short":
            services.circulate_application(
                application, actor=actor, deadline=today + timedelta(days=1)
            )
        elif step.startswith("object-"):
            state = step.split("-")[1].upper()
            services.record_objection(
                application,
                actor=delegates[state],
                member_state=state,
                basis=f"Concerns raised by {state} about the applicant's funding.",
                disclose=state == "US",
            )
        elif step in ("accredited", "not_accredited"):
            services.decide_application(
                application,
                actor=actor,
                decision=step,
                reason="" if step == "accredited" else "Decision of the Committee.",
            )
        elif step == "withdraw":
            services.withdraw_application(application, actor=actor)
        application.refresh_from_db()


PLAN = {
    # ECOSOC track, accredited by the secretariat.
    "Alliance of NGOs on Crime Prevention and Criminal Justice": ["submit", "review", "accredited"],
    "Lagos Digital Rights Forum": ["submit", "review", "accredited"],
    "Vienna Forum on Crime Prevention": ["submit", "review", "accredited"],
    "Manila Anti-Trafficking Coalition": ["submit", "review", "accredited"],
    # Open track, accredited when the short period closes with no objection.
    "Access Now": ["submit", "review", "circulate-short"],
    "Global Initiative against Transnational Organized Crime": [
        "submit",
        "review",
        "circulate-short",
    ],
    "Microsoft": ["submit", "review", "circulate-short"],
    "Google": ["submit", "review", "circulate-short"],
    "Chatham House": ["submit", "review", "circulate-short"],
    "Hidden Voices Network": ["submit", "review", "circulate-short"],
    # Every other state.
    "Nairobi Cyber Law Clinic": ["submit", "review", "circulate"],
    "São Paulo Internet Governance Lab": ["submit", "review", "circulate", "object-us"],
    "Gulf Financial Crime Forum": ["submit", "review", "circulate", "object-do"],
    "Kyiv Cyber Resilience Hub": ["submit", "review"],
    "Sahel Women in Tech": ["submit"],
    "Andean Cyber Policy Institute": ["submit", "return"],
    "Pacific Islands Cyber Safety Network": [],
    "Balkan Investigative Tech Network": ["submit", "withdraw"],
    "Fundación Niñez Segura en Línea": ["submit", "review", "not_accredited"],
}


def load(*, actor: Any, password: str) -> list[str]:
    """Load the registry's demo; safe to run again."""
    found = _organisations(actor)
    _people(found, password)
    committee = Process.objects.get(slug="ahc-cybercrime")
    delegates = {
        "US": find_user_by_email("delegate.us@demo.consulta.org"),
        "DO": find_user_by_email("delegate.do@demo.consulta.org"),
    }
    services.update_accreditation_settings(
        committee, actor=actor, objection_transparency="applicant"
    )
    for name, steps in PLAN.items():
        _apply(committee, found[name], actor, steps, delegates)
    services.close_objection_periods(today=timezone.now().date() + timedelta(days=2))
    conference = Process.objects.get(slug="cosp-cybercrime")
    if not conference.applications.exists():
        for name in ("Access Now", "Lagos Digital Rights Forum", "Chatham House"):
            services.opt_in_carry_over(conference, actor=actor, organisation=found[name])
    return [
        f"Registry: {Organisation.objects.count()} organisations, "
        f"{Application.objects.count()} applications; representatives use the same password "
        f"(e.g. rep.gitoc@demo.consulta.org)."
    ]
