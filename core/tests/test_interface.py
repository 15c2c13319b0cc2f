import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"
FULLY_TRANSLATED = ["fr", "es", "ar"]


@pytest.mark.parametrize("language", FULLY_TRANSLATED)
def test_the_catalogue_is_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


@pytest.mark.parametrize("language", FULLY_TRANSLATED)
def test_the_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(folder / "django.po"))
        if not e.obsolete
    }
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(folder / "django.mo"))
        if e.msgid
    }
    assert mo == po


def test_every_interface_string_is_in_the_catalogues(tmp_path, settings, monkeypatch):
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext not installed (Debian package gettext)")
    # makemessages writes beside the sources it finds, so it runs on a copy of them.
    root = Path(settings.BASE_DIR)
    from config.apps import PROJECT_APPS

    for name in ("config", *PROJECT_APPS, "templates"):
        shutil.copytree(
            root / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "tests", "migrations"),
        )
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("makemessages", locale=["fr"], verbosity=0)
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/fr/LC_MESSAGES/django.po"))}
    shipped = {e.msgid for e in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))}
    assert extracted - shipped == set(), "run `make messages` and translate the new strings"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, phrase", [("fr", "Processus"), ("es", "Procesos"), ("ar", "العمليات")]
)
def test_pages_render_in_the_chosen_language(client, language, phrase):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("core:process_list"))
    assert f'lang="{language}"' in response.text
    assert phrase in response.text
    assert ('dir="rtl"' in response.text) == (language == "ar")


@pytest.mark.django_db
def test_the_switcher_offers_six_languages_and_flags_partial_ones(client):
    response = client.get("/")
    for code in ("ar", "zh-hans", "en", "fr", "ru", "es"):
        assert f'value="{code}"' in response.text
    assert response.text.count("(partly in English)") == 2


@pytest.mark.django_db
def test_a_partly_translated_language_says_so(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get("/")
    assert "not fully translated yet" in response.text


@pytest.mark.django_db
def test_switching_language_returns_to_the_same_page(client):
    response = client.get("/i18n/setlang/", {"language": "ar", "next": "/processes/"})
    assert response.status_code == 302 and response["Location"] == "/processes/"
    assert 'dir="rtl"' in client.get("/processes/").text


@pytest.mark.django_db
def test_switching_language_never_redirects_off_site_and_ignores_unknown_codes(client):
    response = client.get("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
