"""The negotiating text of the demo world: the Ad Hoc Committee's draft convention in two
revisions written for the demo (the shape of ETS 185, shortened), twenty submissions and
amendments on the first from organisations of every kind and region and two Member States, in
English, French, Spanish, Arabic and Chinese; most published by the moderator, some waiting,
one refused; several of them reflected in the second revision, which is open for comments.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from accounts.models import User
from core.demo import as_of
from core.models import Process
from stakeholders.models import Organisation

from . import services
from .models import Text

TEXTS = Path(__file__).parent / "demo_texts"
SLUG = "ahc-draft-convention"
ORG_DATE = datetime(2023, 6, 20, 9, 0, tzinfo=UTC)

# (constituency wanted, operation or "written", element, passage, proposed, language, title, body,
#  moderation): moderation is "publish", "reject:<reason>" or "" (left waiting).
ENTRIES: list[tuple[str, str, str, str, str, str, str, str, str]] = [
    (
        "ngo",
        "replace",
        "chp_2__art_5__para_1",
        "without right",
        "without right and with dishonest intent",
        "en",
        "Illegal access needs dishonest intent",
        "Without an intent requirement, security researchers and journalists who test systems in "
        "good faith would commit an offence.",
        "publish",
    ),
    (
        "academia",
        "insert",
        "chp_2__art_8__para_2",
        "protection of an information and communications technology system",
        "including security research carried out in good faith",
        "en",
        "Protect security research",
        "Coordinated vulnerability disclosure depends on researchers not being prosecuted.",
        "publish",
    ),
    (
        "un",
        "delete",
        "chp_1__art_3__para_2",
        " and other unlawful activities",
        "",
        "en",
        "Keep the scope to crimes",
        "“Other unlawful activities” has no meaning in criminal law and would extend evidence "
        "gathering to conduct that no State criminalizes.",
        "publish",
    ),
    (
        "private",
        "insert",
        "chp_3__art_10__para_1",
        "protection of human rights",
        "and shall incorporate the principle of proportionality",
        "en",
        "Proportionality in every procedural power",
        "Service providers need a clear test to weigh orders they receive.",
        "publish",
    ),
    (
        "ngo",
        "written",
        "",
        "",
        "",
        "ar",
        "حماية حقوق الإنسان في الإجراءات",
        "نرحب بالمادة 10 ونقترح أن تنص صراحة على الرقابة القضائية المسبقة قبل أي أمر بالكشف عن "
        "البيانات، وأن يُبلَّغ الأشخاص المعنيون عندما لا يعود ذلك يضر بالتحقيق.",
        "publish",
    ),
    (
        "ngo",
        "replace",
        "chp_2__art_8__para_1",
        "designed or adapted primarily for the purpose",
        "designed or adapted exclusively for the purpose",
        "es",
        "Herramientas de doble uso",
        "Las herramientas de seguridad tienen un doble uso. El término «principalmente» "
        "criminalizaría programas que los equipos de respuesta utilizan a diario.",
        "publish",
    ),
    (
        "state",
        "written",
        "",
        "",
        "",
        "en",
        "Views of the United States on chapter III",
        "The United States supports robust procedural powers coupled with the conditions and "
        "safeguards in article 10, and proposes that article 11 apply only to data already stored.",
        "",
    ),
    (
        "igo",
        "written",
        "",
        "",
        "",
        "fr",
        "Coopération avec les organisations régionales",
        "Le chapitre IV devrait reconnaître les mécanismes régionaux existants de coopération, "
        "afin d’éviter les doubles emplois avec les réseaux de points de contact déjà en place.",
        "publish",
    ),
    (
        "academia",
        "written",
        "",
        "",
        "",
        "zh",
        "关于第二条术语的意见",
        "第二条关于“电子数据”的定义应与现有区域公约保持一致，以便各国执法机关之间的合作。",
        "publish",
    ),
    (
        "ngo",
        "replace",
        "chp_4__art_13__para_1",
        "available twenty-four hours a day, seven days a week",
        "available at all times",
        "en",
        "Shorter wording for the 24/7 network",
        "A plain formulation is easier to translate into the six official languages.",
        "publish",
    ),
    (
        "private",
        "replace",
        "chp_3__art_11__para_1",
        "expeditious preservation",
        "expeditious and time-limited preservation",
        "en",
        "Limit preservation in time",
        "Open-ended preservation orders force providers to keep data indefinitely.",
        "publish",
    ),
    (
        "other",
        "written",
        "",
        "",
        "",
        "en",
        "Victims' perspective",
        "The Convention should say how victims are informed of proceedings and how they can "
        "recover control of their accounts.",
        "publish",
    ),
    (
        "ngo",
        "delete",
        "chp_1__art_4__para_1",
        " and that of non-intervention in the domestic affairs of other States",
        "",
        "en",
        "Sovereignty clause",
        "The principle is stated in the Charter; repeating it here adds nothing.",
        "publish",
    ),
    (
        "academia",
        "replace",
        "chp_2__art_7__para_2",
        "results in serious harm",
        "results in serious harm to the availability of the data",
        "en",
        "Define serious harm",
        "“Serious harm” alone leaves wide discretion.",
        "publish",
    ),
    (
        "state",
        "replace",
        "chp_4__art_12__para_1",
        "shall cooperate with each other",
        "shall cooperate with each other to the widest extent possible",
        "en",
        "Widest measure of cooperation",
        "The Dominican Republic proposes the formula used in other United Nations conventions.",
        "",
    ),
    (
        "ngo",
        "written",
        "",
        "",
        "",
        "en",
        "Gender and cybercrime",
        "Online gender-based violence deserves attention in the preamble.",
        "reject:This submission repeats one already published by the same organisation; "
        "please add to it instead.",
    ),
    (
        "private",
        "written",
        "",
        "",
        "",
        "en",
        "Service providers and orders",
        "Orders to service providers should name their legal basis and the authority issuing them.",
        "publish",
    ),
    (
        "un",
        "written",
        "",
        "",
        "",
        "en",
        "Technical assistance",
        "Capacity-building should be demand-driven and gender-responsive, and its needs assessed "
        "with the States that receive it.",
        "",
    ),
    (
        "igo",
        "insert",
        "chp_2__art_6__para_1",
        "non-public transmissions of electronic data",
        "made without right",
        "en",
        "Interception without right",
        "Lawful interception should not fall within the offence.",
        "publish",
    ),
    (
        "academia",
        "written",
        "",
        "",
        "",
        "es",
        "Definiciones y neutralidad tecnológica",
        "Recomendamos que las definiciones del artículo 2 sigan siendo tecnológicamente neutras.",
        "",
    ),
]


def load(*, actor: Any, password: str = "") -> list[str]:
    """Load the draft convention and its submissions, once."""
    existing = Text.objects.filter(slug=SLUG).first()
    if existing is not None:
        return [_line(existing)]
    process = Process.objects.get(slug="ahc-cybercrime")
    with as_of(datetime(2023, 5, 29, 9, 0, tzinfo=UTC)):
        text = services.create_text(
            process,
            actor=actor,
            slug=SLUG,
            title="Draft convention on countering the use of information and communications "
            "technologies for criminal purposes",
            description="The Ad Hoc Committee's draft, written for the Consulta demo in the "
            "shape of the Council of Europe Convention on Cybercrime (ETS No. 185).",
            status="published",
        )
        first = services.import_revision(
            text,
            actor=actor,
            content=(TEXTS / "revision-1.md").read_bytes(),
            title="Consolidated negotiating document",
            issued_on=date(2023, 5, 29),
            deadline=datetime(2023, 7, 15, 23, 59, tzinfo=UTC),
        )
    _contributions(first, process)
    with as_of(datetime(2023, 11, 6, 9, 0, tzinfo=UTC)):
        services.import_revision(
            text,
            actor=actor,
            content=(TEXTS / "revision-2.md").read_bytes(),
            title="Revised draft text",
            issued_on=date(2023, 11, 6),
        )
    second = text.revisions.get(number=2)
    services.set_deadline(second, actor=actor, deadline=timezone.now() + timedelta(days=90))
    return [_line(text)]


def _line(text: Text) -> str:
    count = sum(r.submissions.count() for r in text.revisions.all())
    return f"Negotiating text: /texts/{text.slug}/ (2 revisions, {count} submissions)."


def _authors(process: Process) -> dict[str, list[tuple[User, Organisation]]]:
    """Accredited organisations of the process with one of their people, by kind; regions
    alternate within each kind."""
    found: dict[str, list[tuple[User, Organisation]]] = {}
    accredited = (
        Organisation.objects.filter(applications__process=process, applications__state="accredited")
        .prefetch_related("memberships__user")
        .order_by("region", "name")
        .distinct()
    )
    for organisation in accredited:
        members = list(organisation.memberships.all())
        if members:
            found.setdefault(organisation.kind, []).append((members[0].user, organisation))
    return found


def _contributions(revision: Any, process: Process) -> None:
    authors = _authors(process)
    used: dict[str, int] = {}
    delegates = iter(
        [
            User.objects.get(email="delegate.us@demo.consulta.org"),
            User.objects.get(email="delegate.do@demo.consulta.org"),
        ]
    )
    moderator = User.objects.get(email="moderator@demo.consulta.org")
    for n, entry in enumerate(ENTRIES):
        kind, operation, element, quote, proposed, language, title, body, decision = entry
        moment = ORG_DATE + timedelta(days=n, hours=n % 5)
        if kind == "state":
            user = next(delegates)
            from accounts.selectors import member_state_of

            speaks_for = f"state:{member_state_of(user)}"
        else:
            pool = authors.get(kind) or authors.get("ngo") or next(iter(authors.values()))
            user, organisation = pool[used.get(kind, 0) % len(pool)]
            used[kind] = used.get(kind, 0) + 1
            speaks_for = f"org:{organisation.public_id}"
        draft = services.Draft(
            kind="written" if operation == "written" else "amendment",
            speaks_for=speaks_for,
            language=language,
            title=title,
            body=body,
            articles=_articles_for(title, n) if operation == "written" else [],
            element=element,
            operation="" if operation == "written" else operation,
            quote=quote,
            proposed_text=proposed,
        )
        with as_of(moment):
            submission = services.submit_submission(
                services.create_submission(revision, actor=user, draft=draft), actor=user
            )
        if submission.state == "pending" and decision:
            with as_of(moment + timedelta(days=2)):
                verdict, _sep, reason = decision.partition(":")
                services.moderate_submission(
                    submission, actor=moderator, decision=verdict, reason=reason
                )


def _articles_for(title: str, n: int) -> list[str]:
    """Written submissions name the articles they discuss (some the text as a whole)."""
    return {
        4: ["chp_3__art_10"],
        6: ["chp_3__art_10", "chp_3__art_11"],
        7: ["chp_4__art_12", "chp_4__art_13"],
        8: ["chp_1__art_2"],
        16: ["chp_3__art_9"],
        19: ["chp_1__art_2"],
    }.get(n, [])
