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
