"""The registry's part of the demo world: about forty organisations across every kind and
region, the ones named in the seed articles among them, and applications in every state.

The Ad Hoc Committee's accreditations happened while it met: applications from November 2021,
the list circulated in January 2022, accredited when its non-objection period had ended. The
applications still under way (submitted, under review, circulated, objected…) are to the
Conference of the States Parties, which is active.

The organisations named in the seed articles are real; everything said about them here (status,
people, applications) is invented for the demo. The others are fictional.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.selectors import find_user_by_email
from accounts.services import create_account
from core.demo import as_of
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

VERIFIED_ON = date(2021, 10, 15)
# The Committee's accreditation round: organisations registered, applied, were reviewed; the list
# was circulated with a deadline; the day after it, those not objected to were accredited.
REGISTERED = datetime(2021, 10, 4, 9, 0, tzinfo=UTC)
APPLIED = datetime(2021, 11, 8, 10, 0, tzinfo=UTC)
REVIEWED = datetime(2021, 12, 6, 9, 30, tzinfo=UTC)
CIRCULATED = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)
DEADLINE = date(2022, 1, 24)
CLOSED = datetime(2022, 1, 25, 8, 0, tzinfo=UTC)

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
        "Rania Khalil",
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
    (
        "rep.kyivhub@demo.consulta.org",
        "Olena Kovalenko",
        "Kyiv Cyber Resilience Hub",
        "admin",
        "woman",
        False,
    ),
    (
        "rep.splab@demo.consulta.org",
        "Rafael Souza",
        "São Paulo Internet Governance Lab",
        "admin",
        "man",
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
    steps: list[tuple[str, datetime]],
    delegates: dict[str, Any],
) -> None:
    """Walk one application through its steps, each on its own date."""
    if Application.objects.filter(process=process, organisation=organisation).exists():
        return
    with as_of(steps[0][1] if steps else timezone.now()):
        application = services.create_application(
            process,
            actor=actor,
            organisation=organisation,
            statement=f"{organisation.name} has worked against cybercrime for years and brings "
            "the experience of its members and partners.",
        )
    for step, moment in steps:
        with as_of(moment):
            _step(application, step, actor, delegates)
        application.refresh_from_db()


def _step(application: Application, step: str, actor: Any, delegates: dict[str, Any]) -> None:
    if step == "submit":
        services.submit_application(application, actor=actor)
    elif step == "return":
        services.return_application(
            application, actor=actor, message="Please describe your work on electronic evidence."
        )
    elif step == "review":
        services.review_application(application, actor=actor)
    elif step.startswith("circulate:"):
        deadline = date.fromisoformat(step.partition(":")[2])
        services.circulate_application(application, actor=actor, deadline=deadline)
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
            reason=""
            if step == "accredited"
            else "The applicant's work lies outside the mandate of the Committee.",
        )
    elif step == "withdraw":
        services.withdraw_application(application, actor=actor)


def _days(start: datetime, *steps: str, every: int = 1) -> list[tuple[str, datetime]]:
    return [(step, start + timedelta(days=every * n)) for n, step in enumerate(steps)]


def _committee_plan() -> dict[str, list[tuple[str, datetime]]]:
    """The Committee's round, 2021–2022: every application decided long ago."""
    circulate = f"circulate:{DEADLINE.isoformat()}"
    open_track = [("submit", APPLIED), ("review", REVIEWED), (circulate, CIRCULATED)]
    ecosoc = [("submit", APPLIED), ("review", REVIEWED), ("accredited", REVIEWED + timedelta(9))]
    return {
        # ECOSOC track, accredited by the secretariat.
        "Alliance of NGOs on Crime Prevention and Criminal Justice": ecosoc,
        "Lagos Digital Rights Forum": ecosoc,
        "Vienna Forum on Crime Prevention": ecosoc,
        "Manila Anti-Trafficking Coalition": ecosoc,
        # Open track: circulated, accredited when the period ended with no objection.
        "Access Now": open_track,
        "Global Initiative against Transnational Organized Crime": open_track,
        "Microsoft": open_track,
        "Google": open_track,
        "Chatham House": open_track,
        "Hidden Voices Network": open_track,
        "Kyiv Cyber Resilience Hub": open_track,
        "São Paulo Internet Governance Lab": open_track,
        "Fundación Niñez Segura en Línea": [
            ("submit", APPLIED),
            ("review", REVIEWED),
            ("not_accredited", REVIEWED + timedelta(days=9)),
        ],
        "Balkan Investigative Tech Network": [
            ("submit", APPLIED),
            ("withdraw", APPLIED + timedelta(days=23)),
        ],
    }


def _conference_plan(now: datetime) -> dict[str, list[tuple[str, datetime]]]:
    """The Conference's round, under way: applications in every state short of a decision."""
    start = now - timedelta(days=20)
    deadline = f"circulate:{(now + timedelta(days=10)).date().isoformat()}"
    circulated = [("submit", start), ("review", start + timedelta(days=6))]
    circulated.append((deadline, now - timedelta(days=4)))
    return {
        "Nairobi Cyber Law Clinic": circulated,
        "São Paulo Internet Governance Lab": [*circulated, ("object-us", now - timedelta(days=2))],
        "Gulf Financial Crime Forum": [*circulated, ("object-do", now - timedelta(days=1))],
        "Kyiv Cyber Resilience Hub": _days(start + timedelta(days=3), "submit", "review", every=5),
        "Sahel Women in Tech": [("submit", now - timedelta(days=3))],
        "Andean Cyber Policy Institute": _days(start, "submit", "return", every=8),
        "Pacific Islands Cyber Safety Network": [],
    }


def load(*, actor: Any, password: str) -> list[str]:
    """Load the registry's demo; safe to run again."""
    with as_of(REGISTERED):
        found = _organisations(actor)
        _people(found, password)
    committee = Process.objects.get(slug="ahc-cybercrime")
    delegates = {
        "US": find_user_by_email("delegate.us@demo.consulta.org"),
        "DO": find_user_by_email("delegate.do@demo.consulta.org"),
    }
    for name, steps in _committee_plan().items():
        _apply(committee, found[name], actor, steps, delegates)
    with as_of(CLOSED):
        services.close_objection_periods(today=CLOSED.date())
    conference = Process.objects.get(slug="cosp-cybercrime")
    if not conference.applications.exists():
        with as_of(timezone.now() - timedelta(days=40)):
            for name in ("Access Now", "Lagos Digital Rights Forum", "Chatham House"):
                services.opt_in_carry_over(conference, actor=actor, organisation=found[name])
    for name, steps in _conference_plan(timezone.now()).items():
        _apply(conference, found[name], actor, steps, delegates)
    return [
        f"Registry: {Organisation.objects.count()} organisations, "
        f"{Application.objects.count()} applications; representatives use the same password "
        f"(e.g. rep.gitoc@demo.consulta.org)."
    ]
