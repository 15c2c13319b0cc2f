# ruff: noqa: E501  (the records below are data, one field a line)
"""The knowledge base of the demo world: thirty records of practice drawn from what the seed
articles name — vulnerability disclosure, incentives for good behaviour in cybersecurity,
digital literacy and training, public-private partnerships against technology-facilitated crime
such as human trafficking, and multi-stakeholder engagement itself — with the registry's
organisations (Member States among them) as actors.

The records are illustrative: their details are invented for the demo, not statements about
what the organisations named actually did. Most were published by the secretariat; a few came
from stakeholders through moderation: one awaits it, one was refused with a reason, one has a
change awaiting review, so the queue and the versions have something to show.
"""

from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from accounts.selectors import find_user_by_email
from core.demo import as_of
from core.models import Process
from stakeholders.models import Organisation

from . import services
from .content import content_of
from .models import Record

# (type, title, sector, mechanism, countries, (start, end), areas, [(organisation, role)],
#  summary, outcomes, language)
R = tuple[
    str,
    str,
    str,
    str,
    list[str],
    tuple[int | None, int | None],
    list[str],
    list[tuple[str, str]],
    str,
    str,
    str,
]

RECORDS: list[R] = [
    (
        "cvd_policy",
        "Coordinated vulnerability disclosure policy of a national CERT",
        "government",
        "disclosure",
        ["KE"],
        (2019, None),
        ["vulnerability-disclosure"],
        [("Nairobi Cyber Law Clinic", "partner"), ("Access Now", "evaluator")],
        "Anyone who finds a flaw in a public service may report it to the national CERT, which confirms it, tells the owner and agrees a date for publication (90 days by default). Reporters acting in good faith are named in the acknowledgements, if they wish, and are not prosecuted.",
        "In its first years the CERT handled several hundred reports; most were fixed before publication.",
        "en",
    ),
    (
        "cvd_policy",
        "Safe harbour for good-faith security research in criminal law",
        "justice",
        "safe_harbour",
        ["US"],
        (2022, None),
        ["vulnerability-disclosure", "human-rights-safeguards"],
        [("United States of America", "lead"), ("Access Now", "participant")],
        "Prosecutors are told not to charge research done in good faith to test, investigate or fix a security flaw, provided it avoids harm and respects privacy. Civil society asked for this protection so that reporting a vulnerability does not itself become an offence of illegal access.",
        "Researchers' organisations report fewer threats of legal action after reporting flaws.",
        "en",
    ),
    (
        "cvd_policy",
        "Vulnerability disclosure for software vendors: a shared template",
        "ict",
        "disclosure",
        [],
        (2021, None),
        ["vulnerability-disclosure"],
        [
            ("Microsoft", "partner"),
            ("Google", "partner"),
            ("Mexican Association of Cybersecurity Firms", "implementer"),
        ],
        "An industry template tells researchers where to report, what to expect and when, and commits vendors to reply within days. Smaller firms adopt it as is, in their own language.",
        "The template is available in English and Spanish; member firms publish their policy at a standard address (security.txt).",
        "en",
    ),
    (
        "cvd_policy",
        "Politique de divulgation coordonnée des vulnérabilités d'un opérateur télécom",
        "telecom",
        "disclosure",
        ["SN"],
        (2020, None),
        ["vulnerability-disclosure"],
        [("Sahel Women in Tech", "partner")],
        "Un opérateur publie une politique claire : où signaler une vulnérabilité, sous quel délai il répond, et l'engagement de ne pas poursuivre les chercheurs de bonne foi.",
        "Les signalements arrivent désormais par le canal prévu plutôt que sur les réseaux sociaux.",
        "fr",
    ),
    (
        "cvd_policy",
        "Disclosure rules for electronic evidence tools used by the police",
        "justice",
        "disclosure",
        ["PL"],
        (2023, None),
        ["vulnerability-disclosure", "electronic-evidence"],
        [("Warsaw Centre for Digital Evidence", "lead")],
        "Forensic tools used on seized devices have flaws of their own. The rules say how a flaw found in such a tool is reported, fixed and disclosed to defence lawyers where it may affect evidence.",
        "",
        "en",
    ),
    (
        "ppp_case",
        "Public-private partnership against human trafficking advertised online",
        "ict",
        "joint_action",
        ["PH", "ID"],
        (2020, None),
        ["human-trafficking", "public-private-partnerships"],
        [
            ("Global Initiative against Transnational Organized Crime", "lead"),
            ("Manila Anti-Trafficking Coalition", "implementer"),
            ("Jakarta Digital Literacy Movement", "partner"),
        ],
        "Platforms, survivors' organisations and researchers share the signs of recruitment ads for forced labour and sexual exploitation. Ads are reported through one channel, removed, and referred to the police with the survivors' organisations' agreement. The partnership moves away from siloed debates towards an ecosystem-wide response.",
        "Hundreds of ads taken down; survivors' organisations sit on the steering group.",
        "en",
    ),
    (
        "ppp_case",
        "Ecosystem-wide response to technology-facilitated trafficking: lessons learnt",
        "cross_sector",
        "information_sharing",
        [],
        (2022, 2024),
        ["human-trafficking", "public-private-partnerships"],
        [
            ("Global Initiative against Transnational Organized Crime", "lead"),
            ("Microsoft", "partner"),
        ],
        "A review of partnerships against trafficking that uses technology, and of what made them work: clear terms published in advance, victims' organisations as full partners, and data shared only as far as the purpose needs.",
        "Recommendations adopted by several partnerships.",
        "en",
    ),
    (
        "ppp_case",
        "Ransomware response partnership between a CERT, banks and insurers",
        "finance",
        "information_sharing",
        ["GB", "AT"],
        (2021, None),
        ["ransomware", "public-private-partnerships"],
        [
            ("Secure Payments Alliance", "lead"),
            ("Austria", "funder"),
            ("Vienna Forum on Crime Prevention", "participant"),
        ],
        "Banks and insurers share what they see of ransomware payments with the CERT within hours; the CERT returns indicators that help other victims. The human cost of ransomware — hospitals, schools, small firms — frames the work.",
        "Faster warnings to other likely victims.",
        "en",
    ),
    (
        "ppp_case",
        "Asociación público-privada contra el fraude en línea en el Caribe",
        "finance",
        "reporting",
        ["DO"],
        (2022, None),
        ["public-private-partnerships", "digital-literacy"],
        [("Red Caribeña de Seguridad Digital", "lead"), ("Dominican Republic", "partner")],
        "Bancos, operadores y organizaciones de la sociedad civil comparten un canal único para denunciar fraudes en línea y una campaña para reconocerlos.",
        "Denuncias centralizadas y respuesta más rápida a las víctimas.",
        "es",
    ),
    (
        "ppp_case",
        "Whole-of-government response to darknet sales of illicit drugs",
        "government",
        "joint_action",
        ["US"],
        (2020, None),
        ["international-cooperation", "money-laundering"],
        [
            ("United States of America", "lead"),
            ("Interpol Cybercrime Directorate (demo)", "partner"),
        ],
        "Agencies working on drugs, money laundering and cybercrime share one case picture, and work with platforms and payment providers to follow the money behind darknet markets.",
        "",
        "en",
    ),
    (
        "ppp_case",
        "Child online protection hotline run with platforms",
        "ict",
        "reporting",
        ["CA", "CO"],
        (2018, None),
        ["child-online-protection", "public-private-partnerships"],
        [
            ("Canadian Centre for Child Protection Online", "lead"),
            ("Fundación Niñez Segura en Línea", "partner"),
            ("Google", "partner"),
        ],
        "A hotline receives reports of child sexual abuse material, confirms them and notifies platforms and the police, in English, French and Spanish.",
        "Most confirmed reports removed within a day.",
        "en",
    ),
    (
        "ppp_case",
        "Partnership on electronic evidence requests with clear safeguards",
        "justice",
        "information_sharing",
        ["RO"],
        (2021, None),
        ["electronic-evidence", "human-rights-safeguards"],
        [
            ("Council of Europe Cybercrime Programme Office (demo)", "lead"),
            ("Microsoft", "partner"),
            ("Access Now", "evaluator"),
        ],
        "Service providers and prosecutors agree a form for requests for data, with the legal basis, the judge's order where needed and the user's notification, and publish figures each year.",
        "Requests refused for missing safeguards are published in the annual figures.",
        "en",
    ),
    (
        "training",
        "Digital literacy for women entrepreneurs in the Sahel",
        "civil_society",
        "training",
        ["SN", "ML", "NE"],
        (2021, None),
        ["digital-literacy"],
        [("Sahel Women in Tech", "lead"), ("UNODC Civil Society Unit", "funder")],
        "Workshops in local languages on keeping accounts safe, spotting scams and reporting them; trainers are recruited from the participants of earlier rounds.",
        "Several hundred women trained; a network of trainers in three countries.",
        "en",
    ),
    (
        "training",
        "Cyber hygiene in schools across the Pacific islands",
        "education",
        "training",
        ["FJ", "WS", "TO"],
        (2022, None),
        ["digital-literacy", "child-online-protection"],
        [
            ("Pacific Islands Cyber Safety Network", "lead"),
            ("Australian Cyber Policy Centre (demo)", "partner"),
        ],
        "Teachers receive a short curriculum on passwords, scams and online harassment, with lessons adapted to schools with little connectivity.",
        "",
        "en",
    ),
    (
        "training",
        "Training judges and prosecutors in electronic evidence",
        "justice",
        "training",
        ["KE", "NG", "ZA"],
        (2019, None),
        ["electronic-evidence", "capacity-building"],
        [
            ("Nairobi Cyber Law Clinic", "lead"),
            ("Lagos Digital Rights Forum", "partner"),
            ("Cape Town Centre for Online Safety", "partner"),
        ],
        "Judges and prosecutors learn together how electronic evidence is collected, preserved and challenged, with defence lawyers and civil society in the room.",
        "Courses now part of the judicial training schools' programme.",
        "en",
    ),
    (
        "training",
        "برنامج محو الأمية الرقمية للصحفيين في شمال أفريقيا",
        "civil_society",
        "training",
        ["TN", "MA"],
        (2020, None),
        ["digital-literacy", "human-rights-safeguards"],
        [("Maghreb Observatory of Digital Freedoms", "lead")],
        "تدريب الصحفيين على حماية حساباتهم ومصادرهم والتعرف على محاولات التصيد الاحتيالي.",
        "شبكة من المدربين في بلدين.",
        "ar",
    ),
    (
        "training",
        "Cybersecurity awareness for older people in public libraries",
        "civil_society",
        "awareness",
        ["ID"],
        (2023, None),
        ["digital-literacy"],
        [("Jakarta Digital Literacy Movement", "lead")],
        "Volunteers hold weekly sessions in libraries on online fraud, fake investment offers and how to ask for help.",
        "",
        "en",
    ),
    (
        "training",
        "Capacity building for national CERTs in Eastern Europe",
        "government",
        "training",
        ["UA", "GE", "MD"],
        (2021, None),
        ["capacity-building", "ransomware"],
        [
            ("Baltic Cyber Defence Academy", "lead"),
            ("Kyiv Cyber Resilience Hub", "implementer"),
            ("Tbilisi Open Internet Association", "participant"),
        ],
        "Exercises on ransomware incidents with CERT staff, hospitals and energy companies, followed by mentoring.",
        "Joint exercises each year.",
        "en",
    ),
    (
        "training",
        "Digital security training for activists at risk",
        "civil_society",
        "training",
        [],
        (2019, None),
        ["human-rights-safeguards", "digital-literacy"],
        [("Hidden Voices Network", "implementer"), ("Access Now", "partner")],
        "Confidential training for activists and journalists who face reprisals, on protecting devices, accounts and contacts.",
        "",
        "en",
    ),
    (
        "report",
        "Cybercrime trends for 2024 and the role of artificial intelligence for defenders",
        "ict",
        "research",
        [],
        (2024, 2024),
        ["artificial-intelligence", "ransomware"],
        [("Google", "lead")],
        "A forecast of cybercrime trends: more ransomware against services people depend on, more convincing phishing, and artificial intelligence aiding defenders in finding and fixing flaws faster.",
        "",
        "en",
    ),
    (
        "report",
        "Civil society as the immune system of government: engagement in the cybercrime convention",
        "civil_society",
        "dialogue",
        [],
        (2021, 2024),
        ["human-rights-safeguards", "international-cooperation"],
        [
            ("Access Now", "lead"),
            ("Alliance of NGOs on Crime Prevention and Criminal Justice", "partner"),
        ],
        "A study of how civil society took part in the negotiation of the Convention against Cybercrime, and why a balanced text needs it: civil society brings problems to light, as an immune system does.",
        "",
        "en",
    ),
    (
        "report",
        "Multi-stakeholder engagement in the fight against cybercrime: online sessions",
        "cross_sector",
        "dialogue",
        [],
        (2021, 2021),
        ["international-cooperation", "capacity-building"],
        [("EU Cyber Direct", "lead"), ("Chatham House", "partner")],
        "A series of interactive online sessions on the role of civil society organisations in the fight against cybercrime, and practical ways for their engagement in the new UN process, drawing on the open-ended working group's examples.",
        "A summary of proposals for the modalities of stakeholder participation.",
        "en",
    ),
    (
        "report",
        "Incentives for good behaviour in cybersecurity: a comparative study",
        "cross_sector",
        "incentives",
        [],
        (2022, 2023),
        ["vulnerability-disclosure", "public-private-partnerships"],
        [
            ("Bangalore Centre for Internet Research", "lead"),
            ("São Paulo Internet Governance Lab", "partner"),
        ],
        "What makes companies and people act securely: labels for connected devices, lower insurance premiums for firms that patch, recognition for researchers who disclose flaws, and procurement rules. Top-down rules and bottom-up incentives work best together.",
        "",
        "en",
    ),
    (
        "report",
        "The human cost of ransomware: a survey of victims",
        "health",
        "research",
        ["GB", "KR"],
        (2023, 2024),
        ["ransomware"],
        [
            ("Seoul Institute for Information Security", "lead"),
            ("Secure Payments Alliance", "funder"),
        ],
        "Interviews with hospitals, schools and small firms hit by ransomware, on what they lost beyond the ransom: care delayed, records lost, trust.",
        "",
        "en",
    ),
    (
        "report",
        "Multi-layered governance of cybersecurity: top-down and bottom-up",
        "government",
        "dialogue",
        [],
        (2023, 2024),
        ["international-cooperation"],
        [("Vienna Forum on Crime Prevention", "lead"), ("UNODC Civil Society Unit", "participant")],
        "How national strategies, regulators, industry and communities share the work, and where each layer fails without the others.",
        "",
        "en",
    ),
    (
        "other",
        "Bug bounty for public digital services",
        "government",
        "bug_bounty",
        ["EE"],
        (2020, None),
        ["vulnerability-disclosure"],
        [("Baltic Cyber Defence Academy", "implementer")],
        "The government pays researchers who find flaws in its online services, within published rules, and publishes what was fixed.",
        "",
        "en",
    ),
    (
        "other",
        "Security label for connected devices sold to consumers",
        "ict",
        "incentives",
        ["NO", "AT"],
        (2022, None),
        ["vulnerability-disclosure"],
        [("Nordic Institute for Responsible AI", "evaluator"), ("Austria", "partner")],
        "Devices carry a label saying how long they will receive security updates and where flaws are reported, so buyers can choose the safer one.",
        "",
        "en",
    ),
    # From stakeholders, through moderation (see STAKEHOLDER_RECORDS below).
    (
        "ppp_case",
        "Community reporting of online recruitment scams in the Balkans",
        "civil_society",
        "reporting",
        ["RS", "BA"],
        (2023, None),
        ["human-trafficking"],
        [("Balkan Investigative Tech Network", "lead")],
        "Community groups collect reports of fake job offers used to recruit victims of trafficking, and pass them to platforms and the police.",
        "",
        "en",
    ),
    (
        "training",
        "Online safety clubs for young people in Cape Town",
        "education",
        "training",
        ["ZA"],
        (2023, None),
        ["digital-literacy", "child-online-protection"],
        [("Cape Town Centre for Online Safety", "lead")],
        "After-school clubs where young people learn to spot grooming, scams and harassment, and teach their parents.",
        "",
        "en",
    ),
    (
        "report",
        "Mapping of cybercrime helplines in Latin America",
        "civil_society",
        "research",
        ["PE", "MX", "CO"],
        (2022, 2023),
        ["capacity-building"],
        [("Andean Cyber Policy Institute", "lead")],
        "A map of the helplines victims of cybercrime can call in the region, what they offer and where there are none.",
        "",
        "en",
    ),
]

# Records 28 to 30 come from stakeholders: (representative, state it ends in, reason).
STAKEHOLDER_RECORDS = {
    27: ("rep.gitoc@demo.consulta.org", "pending", ""),
    28: (
        "rep.ldrf@demo.consulta.org",
        "rejected",
        "Please name the organisations that run the clubs and add a source for the figures.",
    ),
    29: ("rep.accessnow@demo.consulta.org", "changed", ""),
}
PUBLISHED_FROM = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)


def _content(entry: R, found: dict[str, Organisation]) -> dict[str, Any]:
    (
        kind,
        title,
        sector,
        mechanism,
        countries,
        (start, end),
        areas,
        actors,
        summary,
        outcomes,
        language,
    ) = entry
    return {
        "record_type": kind,
        "title": title,
        "summary": summary,
        "sector": sector,
        "mechanism": mechanism,
        "countries": countries,
        "regions": [] if countries else [],
        "started_in": start,
        "ended_in": end,
        "outcomes": outcomes,
        "actors": [
            {"organisation": found[name].public_id, "role": role}
            for name, role in actors
            if name in found
        ],
        "areas": areas,
        "articles": [],
        "links": [],
        "documents": [],
        "licence": "CC-BY-4.0",
        "language": language,
    }


def load(*, actor: Any, password: str) -> list[str]:
    """Load the knowledge base's demo; safe to run again (records already there are kept)."""
    process = Process.objects.filter(slug="ahc-cybercrime").first()
    names = {name for entry in RECORDS for name, _role in entry[7]}
    found = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    moderator = find_user_by_email("moderator@demo.consulta.org")
    made = 0
    for n, entry in enumerate(RECORDS):
        if Record.objects.filter(title=entry[1]).exists():
            continue
        with (
            as_of(PUBLISHED_FROM.replace(month=1 + n % 12, year=2022 + n // 12)),
            transaction.atomic(),
        ):
            _load_one(n, entry, found, actor, moderator, process)
        made += 1
    total = Record.objects.count()
    return [f"Knowledge base: {total} records ({made} new), /knowledge/"] if made else []


def _load_one(
    n: int, entry: R, found: dict[str, Organisation], actor: Any, moderator: Any, process: Any
) -> None:
    content = _content(entry, found)
    plan = STAKEHOLDER_RECORDS.get(n)
    if plan is None:
        services.contribute_record(actor=actor, content=content, process=process)
        return
    email, outcome, reason = plan
    person = find_user_by_email(email) or actor
    organisation = person.memberships.first().organisation if person.memberships.exists() else None
    record = services.contribute_record(
        actor=person, content=content, process=process, organisation=organisation
    )
    if outcome == "rejected" and moderator is not None:
        services.reject_version(record.versions.get(), actor=moderator, reason=reason)
    elif outcome == "changed" and moderator is not None:
        services.publish_version(record.versions.get(), actor=moderator)
        change = {**content_of(record), "outcomes": "The map is now updated every six months."}
        services.propose_change(
            record, actor=person, content=change, note="Added how often it is updated"
        )
