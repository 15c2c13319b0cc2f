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
