"""Reads about accounts and roles. Grants are loaded once per user object (one query)."""

from typing import Any

from django.db.models import QuerySet

from core.caches import user_memo

from .choices import Role
from .models import ApiToken, RoleGrant, User


def grants_of(user: Any) -> list[RoleGrant]:
    """The user's role grants, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    return user_memo(
        user,
        "accounts.grants",
        lambda: list(RoleGrant.objects.filter(user=user).select_related("process")),
    )


def has_role(user: Any, role: str, process: Any = None) -> bool:
    """True if the user holds the role platform-wide, or for this process when one is given."""
    return any(
        g.role == role
        and (g.process_id is None or (process is not None and g.process_id == process.pk))
        for g in grants_of(user)
    )


def is_platform_secretariat(user: Any) -> bool:
    return any(g.role == Role.SECRETARIAT and g.process_id is None for g in grants_of(user))


def is_process_staff(user: Any, process: Any) -> bool:
    """Secretariat of this process (or of every process)."""
    return has_role(user, str(Role.SECRETARIAT), process)


def staff_process_ids(user: Any) -> set[int] | None:
    """Ids of the processes the user is secretariat of; None means every process."""
    ids: set[int] = set()
    for g in grants_of(user):
        if g.role == Role.SECRETARIAT:
            if g.process_id is None:
                return None
            ids.add(g.process_id)
    return ids


def member_state_of(user: Any) -> str:
    """The Member State a delegate represents, or '' for anyone else."""
    for g in grants_of(user):
        if g.role == Role.DELEGATE:
            return g.member_state
    return ""


def grants_for_process(process: Any) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.filter(process=process)
        .select_related("user")
        .order_by("role", "user__email")
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def find_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def audit_labels(ids: list[str], viewer: Any) -> dict[str, str]:
    """People's names for the audit page: every name for the platform secretariat, one's own
    name for anyone else.

    The fallback where stakeholders is not installed: with it, its protection rule names people
    (stakeholders.protection.audit_person_labels), since whether a person is protected from the
    secretariat of one process depends on organisations this app does not know about."""
    if is_platform_secretariat(viewer):
        wanted = [i for i in ids if i.isdigit()]
    else:
        wanted = [i for i in ids if i == str(getattr(viewer, "pk", ""))]
    if not wanted:
        return {}
    people = User.objects.filter(pk__in=wanted).values_list("pk", "display_name", "email")
    return {str(pk): name or email for pk, name, email in people}


def personal_data(user: Any) -> dict[str, Any]:
    """Everything Consulta holds about the person, by app: what the JSON download contains."""
    from core.personal import export_all

    return {"format": "consulta.personal-data/1", "data": export_all(user)}


def personal_data_sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The download as headed parts to read: per app, per kind of thing, each item's fields."""
    from core.audit import data_pairs
    from core.personal import providers

    sections = []
    for provider in providers():
        held = data.get(provider.name)
        if held is None:
            continue
        parts = []
        for key, value in held.items():
            items = value if isinstance(value, list) else [value]
            parts.append(
                {
                    "key": f"{provider.name}-{key}".replace("_", "-"),
                    "title": provider.labels.get(key, key.replace("_", " ").capitalize()),
                    "items": [
                        [(_field_label(f), v) for f, v in data_pairs(item)]
                        if isinstance(item, dict)
                        else [("", str(item))]
                        for item in items
                    ],
                }
            )
        sections.append({"key": provider.name, "title": provider.title, "parts": parts})
    return sections


def erasure_refusals(user: Any) -> list[str]:
    """What the person must do before their account can be deleted (empty: nothing)."""
    from core.personal import refusals

    return refusals(user)


def _field_label(field: str) -> str:
    """A stored field's name as a reader writes it, each dotted part under its label where it has
    one: "data.display_name" → "Details › Display name", "answers.q_1" → "Answers › q 1"."""
    from core.personal import FIELD_LABELS

    parts = (str(FIELD_LABELS.get(part, part.replace("_", " "))) for part in field.split("."))
    words = " › ".join(parts)
    return words[:1].upper() + words[1:]
