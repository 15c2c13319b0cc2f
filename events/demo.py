"""The events of the demo world, from the seed articles: the side event of 13 May 2024 in Vienna
at the 33rd session of the Commission, the online session of 14 April 2021 by EU Cyber Direct
and Chatham House (part of a series), and a formal session of the Ad Hoc Committee with agenda
items and a speakers list; and, a few weeks after the day the demo is loaded, an intersessional
consultation of the Conference, full with a waiting list, and an online briefing with places
left for anyone who signs up. People and details beyond the articles are invented for the demo.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.selectors import find_user_by_email
from accounts.services import create_account
from core.demo import as_of, demo_people
from core.models import Process
from stakeholders.models import Organisation, ThematicArea

from . import services
from .models import Event, Registration

VIENNA = ZoneInfo("Europe/Vienna")


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _topics(*slugs: str) -> list[ThematicArea]:
    return list(ThematicArea.objects.filter(slug__in=slugs))


def load(*, actor: Any, password: str) -> list[str]:
    """Load the events of the demo; safe to run again."""
    if Event.objects.filter(slug="ccpcj33-joint-stakeholder-actions").exists():
        return ["Events: already loaded."]
    with as_of(datetime(2024, 3, 25, 9, 0, tzinfo=UTC)):
        side_event(actor, password)
    with as_of(datetime(2021, 3, 8, 9, 0, tzinfo=UTC)):
        online_series(actor)
    with as_of(datetime(2024, 6, 10, 9, 0, tzinfo=UTC)):
        formal_session(actor)
    with as_of(timezone.now() - timedelta(days=6)):
        consultation = intersessional(actor, password)
    briefing = online_briefing(actor, password)
    places = (briefing.capacity or 0) - briefing.registrations.filter(state="confirmed").count()
    return [
        f"Events: /events/ (5 events; the intersessional consultation has "
        f"{consultation.registrations.filter(state='waiting').count()} people waiting; "
        f"/events/{briefing.slug}/ has {places} places left)."
    ]


def side_event(actor: Any, password: str) -> Event:
    event = services.create_event(
        Process.objects.get(slug="ccpcj-33"),
        actor=actor,
        slug="ccpcj33-joint-stakeholder-actions",
        kind="side_event",
        title=(
            "Fostering Joint Stakeholder Actions Against Cybercrime Through Inclusive Partnerships"
        ),
        summary=(
            "A side event at the 33rd session of the Commission on Crime Prevention and Criminal "
            "Justice on best practices against cybercrime: vulnerability disclosure, incentives "
            "for good behaviour in cybersecurity, digital literacy and training, and "
            "public-private partnerships."
        ),
        starts_at=datetime(2024, 5, 13, 13, 10, tzinfo=VIENNA),
        ends_at=datetime(2024, 5, 13, 14, 0, tzinfo=VIENNA),
        time_zone="Europe/Vienna",
        venue="Vienna International Centre, Vienna",
        languages=["en"],
        capacity=60,
        participant_list="consent",
        topics=_topics(
            "vulnerability-disclosure",
            "digital-literacy",
            "public-private-partnerships",
            "human-trafficking",
        ),
    )
    for name in ("UNODC Civil Society Unit",):
        services.add_organiser(event, _org(name), actor=actor, role="organiser")
    for name in (
        "Access Now",
        "Global Initiative against Transnational Organized Crime",
        "Alliance of NGOs on Crime Prevention and Criminal Justice",
        "Microsoft",
        "United States of America",
        "Dominican Republic",
    ):
        services.add_organiser(event, _org(name), actor=actor, role="co_sponsor")
    speakers = [
        (
            "Anders Frantzen",
            "UNODC Civil Society Unit",
            "UNODC Civil Society Unit",
            "facilitator",
            "man",
        ),
        ("Thomas Lohninger", "Access Now", "Access Now", "speaker", "man"),
        (
            "Ludmila Georgieva",
            "Head of Government Affairs & Public Policy, Google Austria",
            "Google",
            "speaker",
            "woman",
        ),
        (
            "Livia Wagner",
            "Head of Governance, Global Initiative against Transnational Organized Crime",
            "Global Initiative against Transnational Organized Crime",
            "speaker",
            "woman",
        ),
        (
            "Christine Cline",
            "Bureau of International Narcotics and Law Enforcement Affairs, United States",
            "United States of America",
            "speaker",
            "woman",
        ),
    ]
    for name, affiliation, organisation, role, gender in speakers:
        services.add_speaker(
            event,
            actor=actor,
            name=name,
            affiliation=affiliation,
            role=role,
            organisation=_org(organisation),
            gender=gender,
        )
    # Fifty-odd participants (invented people), most of them listed with their consent.
    kinds = list(Organisation.objects.exclude(kind="state").order_by("name"))
    for number, (name, email, gender) in enumerate(demo_people(52)):
        person = _person(email, name, password, gender)
        Registration.objects.create(
            event=event,
            user=person,
            organisation=kinds[number % len(kinds)],
            state="confirmed",
            consent=number % 4 != 0,
            checked_in_at=event.starts_at + timedelta(minutes=number % 20) if number % 5 else None,
        )
    with as_of(datetime(2024, 5, 21, 14, 0, tzinfo=UTC)):
        _outcome(event, actor)
    return event


def _outcome(event: Event, actor: Any) -> None:
    services.publish_outcome(
        event,
        actor=actor,
        key_messages=(
            "- Civil society “acts as the immune system of a government” (Access Now).\n"
            "- Cybercrime trends for 2024 include a growing role of artificial intelligence, "
            "for defenders too.\n"
            "- Public-private partnerships matter against tech-facilitated crimes such as human "
            "trafficking; debates should leave their silos for an ecosystem-wide response.\n"
            "- The human cost of cybercrime (ransomware, money laundering, darknet sales) calls "
            "for whole-of-government responses."
        ),
        recommendations=(
            "1. Build multi-layered governance that joins top-down and bottom-up approaches.\n"
            "2. Pursue inclusive partnerships while safeguarding human rights and the interests "
            "of vulnerable communities."
        ),
        links=[{"title": "UNODC news release", "url": "https://www.unodc.org/unodc/en/ngos/"}],
    )
    services.set_targets(
        event,
        {"kind": {"ngo": 40, "private": 20, "academia": 20}, "gender": {"woman": 50}},
        actor=actor,
    )


def _person(email: str, name: str, password: str, gender: str) -> Any:
    found = find_user_by_email(email)
    if found is None:
        found = create_account(email, actor=None, password=password, verified=True)
        found.display_name, found.gender = name, gender
        found.save(update_fields=["display_name", "gender"])
    return found


def online_series(actor: Any) -> Event:
    committee = Process.objects.get(slug="ahc-cybercrime")
    series = services.create_series(
        committee,
        actor=actor,
        slug="civil-society-cybercrime-sessions",
        title="The role of civil society in the fight against cybercrime",
        description=(
            "Interactive online sessions organised by EU Cyber Direct with Chatham House's "
            "International Security Programme."
        ),
    )
    london = ZoneInfo("Europe/London")
    event = services.create_event(
        committee,
        actor=actor,
        slug="engaging-civil-society-2021-04-14",
        kind="online_session",
        series=series,
        title="Engaging civil society in the fight against cybercrime",
        summary=(
            "Representatives of governments, civil society and the private sector discussed "
            "innovative ways of engagement and the prospects for multi-stakeholder participation "
            "in the upcoming UN process. The session concluded a series of workshops on the topic."
        ),
        starts_at=datetime(2021, 4, 14, 14, 0, tzinfo=london),
        ends_at=datetime(2021, 4, 14, 15, 30, tzinfo=london),
        time_zone="Europe/London",
        online_url="https://eucyberdirect.eu/",
        languages=["en"],
        topics=_topics("human-rights-safeguards", "international-cooperation"),
    )
    services.add_organiser(event, _org("EU Cyber Direct"), actor=actor, role="organiser")
    services.add_organiser(event, _org("Chatham House"), actor=actor, role="organiser")
    return event


def intersessional(actor: Any, password: str) -> Event:
    conference = Process.objects.get(slug="cosp-cybercrime")
    start = (
        (timezone.now() + timedelta(days=51))
        .astimezone(VIENNA)
        .replace(hour=10, minute=0, second=0, microsecond=0)
    )
    event = services.create_event(
        conference,
        actor=actor,
        slug=f"intersessional-consultation-{start.year}",
        kind="intersessional_consultation",
        title="Intersessional consultation with stakeholders",
        summary=(
            "An intersessional consultation of the Conference with accredited and other "
            "stakeholders; two places per organisation."
        ),
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        time_zone="Europe/Vienna",
        venue="Vienna International Centre, Board Room D",
        online_url="https://example.org/webcast",
        languages=["en", "fr", "es", "ar"],
        capacity=20,
        registration_opens_at=timezone.now() - timedelta(days=5),
        registration_closes_at=start - timedelta(days=2),
        organisation_cap=2,
        participant_list="consent",
        questions=[
            {
                "name": "q1",
                "label": "Which agenda item will you follow most closely?",
                "required": False,
            }
        ],
        topics=_topics("international-cooperation", "electronic-evidence", "capacity-building"),
    )
    services.add_organiser(event, _org("UNODC Civil Society Unit"), actor=actor, role="organiser")
    organisations = list(Organisation.objects.exclude(kind="state").order_by("name"))
    for number, (name, email, gender) in enumerate(demo_people(24, skip=52)):
        person = _person(email, name, password, gender)
        organisation = organisations[number % 12]
        organisation.memberships.get_or_create(user=person, defaults={"role": "representative"})
        services.register(
            event, actor=person, organisation_id=organisation.pk, consent=number % 2 == 0
        )
    return event


def formal_session(actor: Any) -> Event:
    committee = Process.objects.get(slug="ahc-cybercrime")
    new_york = ZoneInfo("America/New_York")
    event = services.create_event(
        committee,
        actor=actor,
        slug="ahc-concluding-session",
        kind="formal_session",
        title="Ad Hoc Committee, reconvened concluding session",
        summary=(
            "Stakeholders accredited to the Committee speak at the end of each agenda item, "
            "through spokespersons chosen with geographic, gender and constituency balance."
        ),
        starts_at=datetime(2024, 7, 29, 10, 0, tzinfo=new_york),
        ends_at=datetime(2024, 8, 9, 18, 0, tzinfo=new_york),
        time_zone="America/New_York",
        venue="United Nations Headquarters, New York",
        languages=["en", "fr", "es", "ar", "ru", "zh"],
        topics=_topics("human-rights-safeguards", "electronic-evidence"),
    )
    item = services.add_agenda_item(
        event, actor=actor, number="4", title="Consideration of the draft convention"
    )
    services.add_agenda_item(event, actor=actor, number="5", title="Adoption of the report")
    accredited = Organisation.objects.filter(
        applications__process=committee, applications__state="accredited"
    ).distinct()
    from .models import FloorRequest

    spokespeople = [
        "Amara Diallo",
        "Lucía Fernández",
        "Wei Chen",
        "Olena Kovalenko",
        "James Okafor",
        "Sofia Rossi",
    ]
    genders = ["woman", "woman", "man", "woman", "man", "woman"]
    for number, organisation in enumerate(accredited[:6]):
        FloorRequest.objects.create(
            agenda_item=item,
            organisation=organisation,
            spokesperson=spokespeople[number],
            gender=genders[number],
            topic="Human rights safeguards in the chapter on procedural measures",
        )
    services.publish_speakers_list(item, actor=actor)
    return event


def online_briefing(actor: Any, password: str) -> Event:
    """An online briefing three weeks ahead with places left: a newcomer can register."""
    conference = Process.objects.get(slug="cosp-cybercrime")
    start = (
        (timezone.now() + timedelta(days=21))
        .astimezone(VIENNA)
        .replace(hour=14, minute=0, second=0, microsecond=0)
    )
    with as_of(timezone.now() - timedelta(days=3)):
        event = services.create_event(
            conference,
            actor=actor,
            slug="briefing-how-the-conference-works",
            kind="online_session",
            title="Online briefing: how stakeholders take part in the Conference",
            summary=(
                "The secretariat explains how accreditation, written submissions and statements "
                "work under the Conference of the States Parties, and answers questions. Open to "
                "anyone; interpretation in French and Spanish."
            ),
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            time_zone="Europe/Vienna",
            online_url="https://example.org/briefing",
            languages=["en", "fr", "es"],
            capacity=150,
            registration_opens_at=timezone.now(),
            organisation_cap=0,
            participant_list="consent",
            topics=_topics("capacity-building", "international-cooperation"),
        )
        services.add_organiser(
            event, _org("UNODC Civil Society Unit"), actor=actor, role="organiser"
        )
    # Some of those who registered for the intersessional consultation come to this one too.
    for number, (name, email, gender) in enumerate(demo_people(9, skip=60)):
        person = _person(email, name, password, gender)
        membership = person.memberships.first()
        services.register(
            event,
            actor=person,
            organisation_id=membership.organisation_id if membership else None,
            consent=number % 3 != 0,
        )
    return event
