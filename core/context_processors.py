from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_info


def interface(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: the language switcher and the demo banner."""
    current = get_language() or settings.LANGUAGE_CODE
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "bidi": info["bidi"],
                "current": code == current,
                "translated": code in settings.CONSULTA_TRANSLATED_LANGUAGES,
            }
        )
    return {
        "interface_languages": languages,
        "interface_language_translated": current in settings.CONSULTA_TRANSLATED_LANGUAGES,
        "demo_mode": settings.DEMO,
    }
