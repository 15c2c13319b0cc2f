"""What accounts holds about a person: the profile, e-mail addresses, roles and API tokens."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import ApiToken, RoleGrant

TITLE = _("Your account")
LABELS = {
    "profile": _("Profile"),
    "email_addresses": _("E-mail addresses"),
    "roles": _("Roles"),
    "api_tokens": _("API tokens"),
}


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(user: Any) -> dict[str, Any]:
    """The profile and what hangs on it (token digests and the password hash left out)."""
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user).order_by("email")
    grants = RoleGrant.objects.filter(user=user).select_related("process").order_by("pk")
    tokens = ApiToken.objects.filter(user=user).order_by("created_at", "pk")
    return {
        "profile": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "gender": user.gender,
            "at_risk": user.at_risk,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "email_addresses": [
            {"email": a.email, "primary": a.primary, "verified": a.verified} for a in addresses
        ],
        "roles": [
            {
                "role": g.role,
                "process": g.process.slug if g.process else None,
                "member_state": g.member_state or None,
                "granted": _when(g.created_at),
            }
            for g in grants
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created": _when(t.created_at),
                "last_used": _when(t.last_used_at),
                "revoked": _when(t.revoked_at),
            }
            for t in tokens
        ],
    }


def erase(user: Any) -> dict[str, int]:
    """Roles, tokens and addresses go with the account row; counted here for the record."""
    from allauth.account.models import EmailAddress

    return {
        "roles": RoleGrant.objects.filter(user=user).count(),
        "api_tokens": ApiToken.objects.filter(user=user).count(),
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
    }
