# ruff: noqa: E501  (the markdown form below is a table, one row a line)
"""Small builders for test data. They go through the services, so the audit log stays true."""

from typing import Any

from accounts.models import User
from accounts.services import create_account, create_api_token, grant_role
from core.models import Process
from core.services import create_process

PASSWORD = "correct horse battery staple"


def make_process(**overrides: Any) -> Process:
    fields = {
        "slug": "test-process",
        "name": "Test process",
        "convening_body": "General Assembly",
        "description": "A *test* process.",
        "status": "active",
    }
    fields.update(overrides)
    return create_process(actor=None, **fields)


def make_user(
    email: str = "person@example.org",
    *,
    role: str | None = None,
    process: Process | None = None,
    member_state: str = "",
    password: str = PASSWORD,
    verified: bool = True,
) -> User:
    user = create_account(email, actor=None, password=password, verified=verified)
    if role:
        grant_role(user, actor=None, role=role, process=process, member_state=member_state)
    return user


def make_token(user: User, name: str = "script") -> str:
    _token, raw = create_api_token(user, actor=user, name=name)
    return raw


def make_organisation(admin: User | None = None, **overrides: Any) -> Any:
    from stakeholders.services import create_organisation

    fields = {"name": "Open Net Watch", "kind": "ngo", "country": "KE", "ecosoc_status": "none"}
    fields.update(overrides)
    return create_organisation(actor=admin, **fields)


def make_application(
    process: Process,
    organisation: Any,
    *,
    state: str = "draft",
    statement: str = "We work on cybercrime and human rights.",
    **kw: Any,
) -> Any:
    """An application moved through the services to `state`."""
    from datetime import timedelta

    from django.utils import timezone

    from stakeholders import services

    staff = kw.pop("staff", None)
    application = services.create_application(
        process,
        actor=kw.pop("actor", None) or _anyone(),
        organisation=organisation,
        statement=statement,
    )
    steps = {
        "submitted": ["submit"],
        "returned": ["submit", "return"],
        "under_review": ["submit", "review"],
        "circulated": ["submit", "review", "circulate"],
        "accredited": ["submit", "review", "decide"] if organisation.ecosoc_verified else [],
        "withdrawn": ["withdraw"],
    }.get(state, [])
    for step in steps:
        if step == "submit":
            application = services.submit_application(application, actor=staff)
        elif step == "return":
            application = services.return_application(
                application, actor=staff, message="More, please."
            )
        elif step == "review":
            application = services.review_application(application, actor=staff)
        elif step == "circulate":
            application = services.circulate_application(
                application, actor=staff, deadline=timezone.now().date() + timedelta(days=14)
            )
        elif step == "decide":
            application = services.decide_application(
                application, actor=staff, decision="accredited"
            )
        elif step == "withdraw":
            application = services.withdraw_application(application, actor=staff)
    if state == "accredited" and not organisation.ecosoc_verified:
        application = make_application_accredited_by_silence(application)
    return application


def make_application_accredited_by_silence(application: Any) -> Any:
    """Circulate, then let the deadline pass with no objection."""
    from datetime import timedelta

    from django.utils import timezone

    from stakeholders import services

    application = services.submit_application(application, actor=None)
    application = services.review_application(application, actor=None)
    application = services.circulate_application(
        application, actor=None, deadline=timezone.now().date() + timedelta(days=1)
    )
    services.close_objection_periods(today=timezone.now().date() + timedelta(days=2))
    application.refresh_from_db()
    return application


def _anyone() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# A small multilingual form with a group, a repeat, relevance and constraints.
SMALL_FORM = """
| survey |
| | type | name | label::English (en) | label::العربية (ar) | required | required_message::English (en) | required_message::العربية (ar) | relevant | constraint | constraint_message::English (en) | constraint_message::العربية (ar) | appearance |
| | begin group | about | About you | عنك | | | | | | | | field-list |
| | select_one sector | sector | Your sector | قطاعك | yes | Choose a sector | اختر قطاعاً | | | | | |
| | integer | staff | Staff | الموظفون | | | | ${sector} != 'state' | . >= 0 and . <= 1000 | From 0 to 1000 | من 0 إلى 1000 | |
| | end group | | | | | | | | | | | |
| | select_multiple topic | topics | Topics | المواضيع | yes | Choose a topic | اختر موضوعاً | | | | | |
| | begin repeat | project | Project | مشروع | | | | | | | | |
| | text | project_name | Project name | اسم المشروع | yes | Name it | سمّه | | | | | |
| | date | project_start | Start | البداية | | | | | . <= today() | Not in the future | ليس في المستقبل | |
| | end repeat | | | | | | | | | | | |
| | text | comment | Comment | تعليق | | | | | | | | multiline |
| choices |
| | list_name | name | label::English (en) | label::العربية (ar) |
| | sector | ngo | NGO | منظمة غير حكومية |
| | sector | academia | Academia | الأوساط الأكاديمية |
| | sector | state | Government | حكومة |
| | topic | ransomware | Ransomware | برامج الفدية |
| | topic | evidence | Evidence | الأدلة |
| settings |
| | form_title | form_id | default_language |
| | Small survey | small | English (en) |
"""

GOOD_ANSWERS: dict[str, Any] = {
    "sector": "ngo",
    "staff": 12,
    "topics": ["ransomware"],
    "project": [{"project_name": "Helpline", "project_start": "2020-05-01"}],
}


def make_consultation(process: Process, actor: User | None = None, **overrides: Any) -> Any:
    """An open consultation (window around now) with the small form, unless told otherwise."""
    from datetime import timedelta

    from django.utils import timezone

    from consultations import services

    status = overrides.pop("status", "open")
    form = overrides.pop("form", SMALL_FORM)
    filename = overrides.pop("filename", "form.md")
    now = timezone.now()
    fields = {
        "slug": "small-survey",
        "title": "Small survey",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=10),
        "audience": "public",
        "identity": "confidential",
    }
    fields.update(overrides)
    consultation = services.create_consultation_with_form(
        process,
        actor=actor,
        content=form.encode() if isinstance(form, str) else form,
        filename=filename,
        **fields,
    )
    for step in {
        "draft": [],
        "open": ["open"],
        "closed": ["open", "closed"],
        "published": ["open", "closed", "published"],
    }[status]:
        services.set_status(consultation, step, actor=actor)
    return consultation


def submit(consultation: Any, actor: Any = None, **overrides: Any) -> Any:
    """A valid response through the service."""
    import uuid

    from django.contrib.auth.models import AnonymousUser

    from consultations import services

    response, _created = services.submit_response(
        consultation,
        actor=actor or AnonymousUser(),
        instance_id=overrides.pop("instance_id", uuid.uuid4()),
        answers=overrides.pop("answers", GOOD_ANSWERS),
        language=overrides.pop("language", "en"),
        **overrides,
    )
    return response


def make_event(process: Process, actor: User | None = None, **overrides: Any) -> Any:
    """A published event a week from now, registration open now, 2 places per organisation."""
    from datetime import timedelta

    from django.utils import timezone

    from events import services

    start = timezone.now() + timedelta(days=7)
    fields: dict[str, Any] = {
        "slug": "side-event",
        "kind": "side_event",
        "title": "Partnerships against cybercrime",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "time_zone": "Europe/Vienna",
        "venue": "Vienna International Centre",
        "capacity": 50,
        "registration_opens_at": timezone.now() - timedelta(days=1),
    }
    fields.update(overrides)
    return services.create_event(process, actor=actor, **fields)


def copy_consultation(template: Any, process: Process, **overrides: Any) -> Any:
    """Another consultation with the template's settings and form, written directly rather than
    through the services (no XLSForm is read again): for tests that need many. Give a `slug`;
    `status` and the rest are set as given."""
    from consultations.models import Consultation, FormVersion

    names = ("title", "description", "opens_at", "closes_at", "languages", "audience")
    fields = {name: getattr(template, name) for name in (*names, "identity", "layout", "status")}
    fields.update(overrides)
    copy = Consultation.objects.create(process=process, **fields)
    version = template.versions.order_by("-number").first()
    FormVersion.objects.create(
        consultation=copy,
        number=1,
        filename=version.filename,
        source=version.source,
        definition=version.definition,
    )
    return copy


# Negotiating texts (drafts) -----------------------------------------------------------------

DRAFT_TEXT = """# Preamble

The States Parties to this Convention, concerned by the risks posed by information systems,

# Chapter I. General provisions

## Article 1. Statement of purpose

The purposes of this Convention are to promote and strengthen measures to prevent and combat
cybercrime more efficiently and effectively.

## Article 2. Use of terms

For the purposes of this Convention:

(a) "Information system" shall mean any device or group of interconnected devices;
(b) "Electronic data" shall mean any representation of facts suitable for processing;
(c) "Service provider" shall mean:
(i) any public or private entity that provides the ability to communicate;
(ii) any other entity that processes or stores electronic data.

# Chapter II. Criminalization

## Article 3. Illegal access

1. Each State Party shall adopt such legislative and other measures as may be necessary to
establish as criminal offences under its domestic law the access to the whole or any part of an
information and communications technology system without right.
2. A State Party may require that the offence be committed by infringing security measures.

## Article 4. Illegal interception

1. Each State Party shall establish as a criminal offence the interception, made by technical
means, of non-public transmissions of electronic data.
"""


def make_text(process: Process, actor: Any = None, **overrides: Any) -> Any:
    from drafts import services

    fields = {"slug": "draft-convention", "title": "Draft convention", "status": "published"}
    fields.update(overrides)
    return services.create_text(process, actor=actor, **fields)


def make_revision(text: Any, content: str = DRAFT_TEXT, actor: Any = None, **overrides: Any) -> Any:
    from drafts import services

    fields: dict[str, Any] = {"title": "Consolidated negotiating document", "language": "en"}
    fields.update(overrides)
    return services.import_revision(text, actor=actor, content=content.encode(), **fields)


def make_accredited_representative(
    process: Process, email: str = "rep.draft@example.org", **org: Any
) -> tuple[Any, Any]:
    """A person whose organisation is accredited to the process (ECOSOC track)."""
    from django.utils import timezone

    user = make_user(email)
    fields = {
        "name": org.pop("name", "Digital Rights Watch"),
        "kind": org.pop("kind", "ngo"),
        "country": org.pop("country", "KE"),
        "ecosoc_status": "special",
        "ecosoc_verified_at": timezone.now().date(),
    }
    fields.update(org)
    organisation = make_organisation(admin=user, **fields)
    make_application(process, organisation, state="accredited")
    return user, organisation


def make_deliberation(process: Process, actor: User | None = None, **overrides: Any) -> Any:
    """An open deliberation with three seed statements (numbers 0, 1, 2), unless told otherwise."""
    from analysis import services

    status = overrides.pop("status", "open")
    fields: dict[str, Any] = {
        "slug": "ppp-talk",
        "title": "Partnerships against cybercrime",
        "question": "How should companies and governments work together?",
        "audience": "public",
        "identity": "anonymous",
        "seeds": [
            "Data should be shared only under a court order.",
            "Partnerships need independent oversight.",
            "Small businesses need free incident response.",
        ],
    }
    fields.update(overrides)
    deliberation = services.create_deliberation(process, actor=actor, **fields)
    for step in {"draft": [], "open": ["open"], "closed": ["open", "closed"]}[status]:
        services.set_status(deliberation, step, actor=actor)
    return deliberation


# Knowledge base ---------------------------------------------------------------------------------


def knowledge_content(organisation: Any, **overrides: Any) -> dict[str, Any]:
    """A valid record's content naming `organisation` as its lead."""
    content: dict[str, Any] = {
        "record_type": "cvd_policy",
        "title": "Coordinated vulnerability disclosure at a national CERT",
        "summary": "Researchers report **vulnerabilities** to the CERT, which tells the vendor.",
        "sector": "government",
        "mechanism": "disclosure",
        "countries": ["KE"],
        "regions": [],
        "started_in": 2019,
        "ended_in": None,
        "outcomes": "Two hundred reports handled in the first year.",
        "actors": [{"organisation": organisation.public_id, "role": "lead"}],
        "areas": [],
        "articles": [],
        "links": [{"url": "https://example.org/policy", "label": "The policy"}],
        "documents": [],
        "licence": "CC-BY-4.0",
        "language": "en",
    }
    content.update(overrides)
    return content


def make_record(actor: Any = None, organisation: Any = None, **overrides: Any) -> Any:
    """A record through the service: published at once when `actor` (by default a platform
    secretariat account) is the secretariat, else awaiting moderation."""
    from accounts.models import User as Account
    from knowledge import services

    if actor is None:
        actor = Account.objects.filter(email="kb.secretariat@example.org").first() or make_user(
            "kb.secretariat@example.org", role="secretariat"
        )
    if organisation is None:
        from stakeholders.models import Organisation

        organisation = Organisation.objects.filter(name="CERT Partners").first() or (
            make_organisation(name="CERT Partners", country="KE")
        )
    process = overrides.pop("process", None)
    upload = overrides.pop("upload", None)
    return services.contribute_record(
        actor=actor,
        content=knowledge_content(organisation, **overrides),
        process=process,
        upload=upload,
    )
