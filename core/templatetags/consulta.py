from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info

from core.markdown import render_markdown
from core.permissions import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: dict[str, Any], permission: str, obj: Any = None) -> bool:
    """{% can "core.change_process" process as can_edit %}"""
    request = context.get("request")
    return has_perm(getattr(request, "user", None), permission, obj)


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308  (sanitised by nh3)


@register.simple_tag
def field_widget(bound_field: Any) -> SafeString:
    """Render a widget with its help text and errors tied to it for assistive technology."""
    attrs: dict[str, str] = {}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def visible_predecessor(process: Any, user: Any) -> Any:
    """{% with before=process|visible_predecessor:request.user %}"""
    from core.selectors import visible_predecessor as predecessor_for

    return predecessor_for(process, user) if process.predecessor_id else None


@register.filter
def language_name(code: str) -> str:
    """A language's name in the interface's language: "English" for en, "Chinese" for zh."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        # A bare code ("zh") names the interface language it is the root of ("zh-hans").
        for interface_code, name in settings.LANGUAGES:
            if interface_code.split("-")[0] == code:
                return str(name)
        return code
