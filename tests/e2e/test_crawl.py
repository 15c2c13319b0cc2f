"""Every page of the demo world, as each role (anonymous, a stakeholder representative, a
delegate, a moderator, the platform secretariat), at 1280 px and 390 px, in English and Arabic:
no server error, no sideways scroll (a wide table scrolls inside its own box), nothing axe-core
objects to.

The pages come from the URL patterns, so that a new page is visited without being listed here:
the demo's objects fill their parameters, chosen by the path segment before each (`examples`);
a pattern that cannot be filled fails the crawl until it gets an example or a reason in
NOT_PAGES. Each role first asks for every page with Django's test client (a 500 anywhere
fails); what answers 200 with HTML is a page that role sees. The browser loads each of them in
English, and in Arabic too for the last role that sees it (the one who sees most); on each load
it measures the overflow at both widths and runs axe at one (1280 px in English, 390 px in
Arabic), unless that very markup was checked already. The demo is loaded once for the module.
"""

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "Crawl-pass-2026"
FAST = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
ROLES = {
    "anonymous": None,
    "stakeholder": "rep.accessnow@demo.consulta.org",
    "delegate": "delegate.us@demo.consulta.org",
    "moderator": "moderator@demo.consulta.org",
    "secretariat": "secretariat@demo.consulta.org",
}
WIDTHS = (1280, 390)
LANGUAGES = {"en": "ltr", "ar": "rtl"}

# URL names that are not pages a person reads, and why. Patterns ending in a file name
# (`calendar.ics`, `export.<str:fmt>`) and those taking an action or a step are left out too.
NOT_PAGES = {
    "healthz": "JSON for load balancers",
    "set_language": "a redirect back to the page the visitor was on",
    "account_confirm_email": "needs the key sent by e-mail",
    "account_reset_password_from_key": "needs the key sent by e-mail",
    "stakeholders:accept_invitation": "needs the token sent by e-mail (only its digest is kept)",
    "stakeholders:download_document": "a file",
    "consultations:form_download": "a file",
    "consultations:export_job": "needs an export someone asked for",
    "drafts:attachment": "a file",
    "knowledge:document": "a file",
    # Actions: they answer POST only.
    "accounts:revoke_token": "an action",
    "accounts:revoke_process_role": "an action",
    "stakeholders:remove_person": "an action",
    "stakeholders:protect_person": "an action",
    "stakeholders:remove_document": "an action",
    "stakeholders:withdraw_objection": "an action",
    "events:remove_speaker": "an action",
}
FILE_ROUTE = re.compile(r"\.(?:<[^>]+>|\w+)\$?$")
ACTION_PARAMS = {"action", "step", "fmt", "name"}
# A parameter, and the last literal segment before it ("texts/<slug:slug>" → "texts").
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def examples() -> dict[str, Any]:
    """The demo's objects that fill each parameter, by the path segment before it; a dict
    where a segment is followed by more than one parameter."""
    from analysis.models import ThemeRun
    from drafts.models import Revision, Submission
    from events.models import AgendaItem, Event, Registration, Series
    from knowledge.models import Record
    from reports.models import Report
    from stakeholders.models import Application, Organisation

    event = Event.objects.get(slug="briefing-how-the-conference-works")
    revision = Revision.objects.order_by("-number").first()
    return {
        "processes": "cosp-cybercrime",
        "consultations": "ppp-survey",
        "events": event.slug,
        "series": Series.objects.first().slug,
        "agenda-items": AgendaItem.objects.filter(published=True).first().pk,
        "registrations": Registration.objects.filter(event=event).first().pk,
        "check-in": Registration.objects.filter(event=event).first().token,
        "organisations": Organisation.objects.get(name="Access Now").public_id,
        "applications": Application.objects.filter(state="circulated").first().pk,
        "texts": revision.text.slug,
        "revisions": revision.number,
        "diff": {"a": revision.number - 1, "b": revision.number},
        "submissions": Submission.objects.filter(state="published").first().public_id,
        "knowledge": Record.objects.filter(state="published").first().public_id,
        "versions": 1,
        "deliberations": "ppp-deliberation",
        "themes": ThemeRun.objects.filter(consultation__slug="ppp-survey").first().pk,
        "reports": Report.objects.filter(published_at__isnull=False).first().pk,
    }


def extra_pages() -> list[str]:
    """Pages in states the one example per pattern does not show."""
    return [
        "/events/ahc-concluding-session/",  # past: no registration, no floor
        "/events/intersessional-consultation-2027/",  # full: the waiting list
        "/agenda-items/1/",
        "/consultations/capacity-needs-2024/",
        "/consultations/capacity-needs-2024/results/?by=kind",
        "/processes/ahc-cybercrime/",
        "/organisations/?region=african&q=net",
    ]


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, prefix + str(p.pattern)


def _fill(route: str, table: dict[str, Any]) -> dict[str, Any] | None:
    """The keyword arguments for a route, or None if the table lacks one."""
    kwargs = {}
    for match in PARAM.finditer(route):
        name = match.group(1) or match.group(2)
        literals = [s for s in PARAM.sub("\0", route[: match.start()]).split("\0") if s.strip("/^")]
        segments = [s for s in re.split(r"[/^]", literals[-1] if literals else "") if s]
        value = table.get(segments[-1] if segments else "")
        if isinstance(value, dict):
            value = value.get(name)
        if value is None:
            return None
        kwargs[name] = value
    return kwargs


def pages() -> tuple[list[str], list[str]]:
    """The paths of every page the URL patterns name, and the patterns left without example."""
    table, found, unfilled = examples(), [], []
    for name, route in _patterns(get_resolver().url_patterns):
        if name.startswith("api:") and name != "api:openapi-view":
            continue
        if name in NOT_PAGES or FILE_ROUTE.search(route):
            continue
        params = {m.group(1) or m.group(2) for m in PARAM.finditer(route)}
        if params & ACTION_PARAMS:
            continue
        kwargs = _fill(route, table)
        if kwargs is None:
            unfilled.append(f"{name} ({route})")
            continue
        path = reverse(name, kwargs=kwargs)
        if path not in found:
            found.append(path)
    return found + [p for p in extra_pages() if p not in found], unfilled


@dataclass
class Role:
    name: str
    session: str = ""  # the session cookie's value; empty for anonymous visitors
    pages: list[str] = field(default_factory=list)
    owned: list[str] = field(default_factory=list)  # the pages looked at in Arabic too
    errors: list[str] = field(default_factory=list)


def _survey(role: Role, paths: list[str]) -> None:
    """Ask for every path as the role: a 500 is an error, 200 with HTML a page to look at."""
    client = Client(raise_request_exception=False)
    if role.session:
        from django.conf import settings

        client.cookies[settings.SESSION_COOKIE_NAME] = role.session
    for path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            role.errors.append(f"{path}: {response.status_code}")
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            role.pages.append(path)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, browser):
    """The demo world, a live server on it, and each role's session and pages; loaded once."""
    from pytest_django.live_server_helper import LiveServer

    from accounts.models import User

    with django_db_blocker.unblock():
        with FAST:
            call_command("demo", password=PASSWORD, stdout=io.StringIO())
        paths, unfilled = pages()
        roles = {}
        for name, email in ROLES.items():
            role = Role(name)
            if email:
                client = Client()
                client.force_login(User.objects.get(email=email))
                from django.conf import settings

                role.session = client.cookies[settings.SESSION_COOKIE_NAME].value
            _survey(role, paths)
            roles[name] = role
        # Each page is looked at in Arabic by the last role (the one who sees most) that sees it.
        for path in paths:
            owners = [role for role in roles.values() if path in role.pages]
            if owners:
                owners[-1].owned.append(path)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield {
                "server": server,
                "roles": roles,
                "paths": paths,
                "unfilled": unfilled,
                "axed": set(),
            }
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            # The next module's tests expect an empty database.
            call_command("flush", interactive=False, verbosity=0)


OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) {
      if (![...el.children].some(c => { const b = c.getBoundingClientRect();
          return b.width && (b.right > width + 1 || b.left < -1); })) {
        const name = typeof el.className === 'string' && el.className.trim();
        out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                 (name ? '.' + name.split(/\\s+/).join('.') : '') +
                 ' [' + Math.round(box.left) + '..' + Math.round(box.right) + ']');
      }
    }
    if (out.length >= 3) break;
  }
  return document.documentElement.scrollWidth + ' > ' + width + ': ' + out.join(', ');
}"""


# What axe reads, in two parts: the page's own content, and the header and footer every page
# shares (tokens that change on every load taken out).
SNAPSHOT = """() => ['main', 'body > header, body > footer'].map(selector =>
  [...document.querySelectorAll(selector)].map(el => el.outerHTML).join('')
    .replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, ''))"""


def _look(page: Any, axe: Any, path: str, language: str, role: Role, seen: set[Any]) -> None:
    """Load `path` once in `language`: the overflow at both widths, axe at the language's
    width, unless both the content and the header were checked at that width already (on this
    page for another role, on another page for the header): the same markup, the same result."""
    axe_width = 1280 if language == "en" else 390
    page.set_viewport_size({"width": axe_width, "height": 900})
    response = page.goto(path)
    where = f"{path} [{language}]"
    if response is None or response.status >= 500:
        role.errors.append(f"{where}: {response.status if response else 'no response'}")
        return
    if page.locator("html").get_attribute("dir") != LANGUAGES[language]:
        role.errors.append(f"{where}: html dir is not {LANGUAGES[language]}")
    title = page.title()
    if not title.strip() or "<" in title:
        role.errors.append(f"{where}: the page's title is {title!r}")
    content, frame = page.evaluate(SNAPSHOT)
    parts = {(axe_width, path, hash(content)), (axe_width, "", hash(frame))}
    if not parts <= seen:
        seen.update(parts)
        results = axe.run(page)
        if results.violations_count:
            rules = ", ".join(
                f"{v['id']} ({v['nodes'][0]['target']})" for v in results.response["violations"]
            )
            role.errors.append(f"{where} at {axe_width} px, axe: {rules}")
    for width in (axe_width, *[w for w in WIDTHS if w != axe_width]):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            role.errors.append(f"{where} at {width} px scrolls sideways: {overflow}")


def test_every_pattern_has_an_example_or_a_reason(demo):
    assert demo["unfilled"] == [], (
        "Give these patterns an example in examples() or a reason in NOT_PAGES: "
        + "; ".join(demo["unfilled"])
    )


def test_the_crawl_sees_the_pages_of_each_role(demo):
    roles = demo["roles"]
    assert "/" in roles["anonymous"].pages
    assert "/audit/" not in roles["anonymous"].pages
    assert "/audit/" in roles["secretariat"].pages
    assert len(roles["secretariat"].pages) > len(roles["anonymous"].pages)


@pytest.mark.parametrize("role_name", list(ROLES))
def test_every_page_as_each_role(demo, browser, axe, role_name):
    role: Role = demo["roles"][role_name]
    server = demo["server"]
    context = browser.new_context(base_url=server.url)
    if role.session:
        from django.conf import settings

        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": role.session, "url": server.url}]
        )
    page = context.new_page()
    try:
        for language, paths in (("en", role.pages), ("ar", role.owned)):
            context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
            for path in paths:
                _look(page, axe, path, language, role, demo["axed"])
    finally:
        context.close()
    assert not role.errors, f"{role.name}, {len(role.pages)} pages:\n" + "\n".join(role.errors)
