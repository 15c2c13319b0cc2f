"""Deployment checks of our own, run by `consulta check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def email_is_configured(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """In production, e-mails carry password-reset links: they must not go to the log."""
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        return [
            Warning(
                "EMAIL_URL is not set: e-mails, with their password-reset links, are "
                "written to the log instead of being sent.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587",
                id="consulta.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def lockout_sees_real_addresses(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Behind a proxy, the lock-out must know how many proxies to skip, or everyone shares one
    address and anyone can lock anyone out."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.AXES_IPWARE_PROXY_COUNT:
        return [
            Warning(
                "BEHIND_TLS_PROXY is set but PROXY_COUNT is not.",
                hint="Set PROXY_COUNT to the number of proxies in front of Consulta.",
                id="consulta.W002",
            )
        ]
    return []
